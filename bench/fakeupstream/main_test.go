package main

import (
	"bytes"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestMinimal(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		status                   int
		events                   int // "data: " events, 0 for JSON
		want                     string
	}{
		{"chat", "POST", "/v1/chat/completions", `{"model":"m","messages":[]}`, 200, 0, `"object":"chat.completion"`},
		{"stream", "POST", "/v1/chat/completions", `{"model":"m","stream":true}`, 200, 21, "data: [DONE]\n\n"},
		{"other path", "POST", "/v1/embeddings", `{}`, 404, 0, "no route"},
		{"get", "GET", "/v1/chat/completions", ``, 404, 0, "no route"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod(tc.method)
			ctx.Request.SetRequestURI(tc.path)
			ctx.Request.SetBodyString(tc.body)
			minimal(&ctx)
			body := ctx.Response.Body() // runs a stream writer to its end
			if ctx.Response.StatusCode() != tc.status || !bytes.Contains(body, []byte(tc.want)) {
				t.Fatalf("status %d, body %s; want %d with %q", ctx.Response.StatusCode(), body, tc.status, tc.want)
			}
			if n := bytes.Count(body, []byte("data: ")); n != tc.events {
				t.Errorf("%d SSE events, want %d", n, tc.events)
			}
		})
	}
}
