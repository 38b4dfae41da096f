package gatewaytest_test

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

func TestChatJSON(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{}, fake)
	body := chatBody("fake/m1", "hello there",
		`"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]`,
		`"response_format":{"type":"json_object"}`, `"reasoning_effort":"low"`)
	r := post(t, gw.URL+"/v1/chat/completions", body,
		"x-request-id", "req-123", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	resp := decodeChat(t, r)
	if got := resp.Choices[0].Message.Content.Text; got != "echo: hello there" {
		t.Errorf("content = %q", got)
	}
	for h, want := range map[string]string{"x-request-id": "req-123", "x-muninn-provider": "fake", "x-muninn-model": "m1", "x-muninn-attempts": "1"} {
		if got := r.header.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	calls := fake.Calls()
	if len(calls) != 1 {
		t.Fatalf("calls = %d", len(calls))
	}
	up := calls[0].Request
	if up.Model != "m1" || len(up.Tools) != 1 || string(up.ResponseFormat) != `{"type":"json_object"}` || string(up.Extra["reasoning_effort"]) != `"low"` {
		t.Errorf("upstream request lost fields: model %q tools %d rf %s extra %v", up.Model, len(up.Tools), up.ResponseFormat, up.Extra)
	}
	if len(calls[0].Headers) == 0 || calls[0].Headers[0] != [2]string{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"} {
		t.Errorf("traceparent not passed upstream: %v", calls[0].Headers)
	}

	// The drop-in prefix reaches the same handler; a request id is generated.
	r = post(t, gw.URL+"/openai/v1/chat/completions", chatBody("fake/m1", "x"))
	decodeChat(t, r)
	if id := r.header.Get("x-request-id"); len(id) != 32 {
		t.Errorf("generated request id %q", id)
	}
}

func TestChatStream(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{}, fake)
	for _, tc := range []struct {
		name      string
		extra     string
		wantUsage bool
	}{
		{"plain", `"stream":true`, false},
		{"include_usage", `"stream":true,"stream_options":{"include_usage":true}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "one two three", tc.extra))
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("status %d type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			ev := sseEvents(t, r.body)
			if len(ev) == 0 || ev[len(ev)-1] != "[DONE]" {
				t.Fatalf("stream does not end in [DONE]: %q", ev)
			}
			text, usage, finish := streamText(t, ev)
			if text != "echo: one two three" || finish != "stop" {
				t.Errorf("text %q finish %q", text, finish)
			}
			if (usage != nil) != tc.wantUsage {
				t.Errorf("usage present = %v, want %v", usage != nil, tc.wantUsage)
			}
			if r.header.Get("x-muninn-provider") != "fake" {
				t.Errorf("headers %v", r.header)
			}
		})
	}
	// Upstream is always asked for usage.
	for _, c := range fake.Calls() {
		if c.Request.StreamOptions == nil || !c.Request.StreamOptions.IncludeUsage || !c.Request.Stream {
			t.Errorf("upstream stream request without include_usage: %+v", c.Request.StreamOptions)
		}
	}
}

func TestEmbeddings(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{}, fake)
	r := post(t, gw.URL+"/v1/embeddings", `{"model":"fake/m1","input":["ab","cde"]}`)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var resp api.EmbeddingResponse
	if err := json.Unmarshal(r.body, &resp); err != nil || len(resp.Data) != 2 || resp.Data[1].Embedding[0] != 3 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	r = post(t, gw.URL+"/v1/embeddings", `{"model":"fake/m1","input":"abcd","encoding_format":"base64"}`)
	var b64 struct {
		Data []struct {
			Embedding string `json:"embedding"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.body, &b64); err != nil || len(b64.Data) != 1 {
		t.Fatalf("base64 resp %s: %v", r.body, err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64.Data[0].Embedding)
	if err != nil || len(raw) != 12 {
		t.Fatalf("base64 payload %q: %v", b64.Data[0].Embedding, err)
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[:4])); got != 4 {
		t.Errorf("first float = %v, want 4", got)
	}
	if c := fake.Calls(); c[len(c)-1].Embed.EncodingFormat != "" {
		t.Errorf("upstream asked for %q, want floats", c[len(c)-1].Embed.EncodingFormat)
	}
}

func TestModelsAndCompletions(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1", "m2")
	cfg := fakeConfig("fake")
	cfg.Aliases = map[string]string{"fast": "fake/m2"}
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	r := do(t, http.MethodGet, gw.URL+"/v1/models", "")
	var list api.ModelList
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "fake/m1,fake/m2,fast" {
		t.Errorf("models = %v", ids)
	}
	r = post(t, gw.URL+"/v1/completions", `{"model":"fast","prompt":"hi","logprobs":2}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"text":"done"`) || r.header.Get("x-muninn-model") != "m2" {
		t.Errorf("completions: %d %s %v", r.status, r.body, r.header)
	}
	r = post(t, gw.URL+"/v1/completions", `{"model":"fake/m1","prompt":"hi","stream":true}`)
	ev := sseEvents(t, r.body)
	if len(ev) != 3 || ev[2] != "[DONE]" {
		t.Errorf("completions stream events %q", ev)
	}
}
