package providertest

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkHandler measures the fake upstream's built-in replies in process (no
// network), to show that it costs far less than a gateway in front of it.
func BenchmarkHandler(b *testing.B) {
	s, err := Start()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.SetRecording(false)
	for _, c := range []struct{ name, path, body string }{
		{"chat", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word please."}]}`},
		{"stream20", "/v1/chat/completions", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b c d e f g h i j k l m n o p q r"}]}`},
		{"embeddings", "/v1/embeddings", `{"model":"e","input":["hello world"],"dimensions":16}`},
		{"messages", "/v1/messages", `{"model":"c","max_tokens":10,"messages":[{"role":"user","content":"hello there"}]}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("POST")
				ctx.Request.SetRequestURI(c.path)
				ctx.Request.SetBodyString(c.body)
				s.handle(&ctx)
				if ctx.Response.IsBodyStream() {
					_ = ctx.Response.Body() // runs the stream writer
				}
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}
