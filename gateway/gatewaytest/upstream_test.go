package gatewaytest_test

// End-to-end tests through the real "openai" provider against the fake upstream
// (providertest) on loopback: client -> gateway -> HTTP -> fake upstream.

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	_ "github.com/muninn-gw/muninn/gateway/provider/anthropic"
	_ "github.com/muninn-gw/muninn/gateway/provider/openai"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

func upstreamConfig(up *providertest.Server, keys ...string) *gateway.Config {
	pc := &gateway.ProviderConfig{Type: "openai", BaseURL: up.URL() + "/v1", Models: []string{"gpt-test"}}
	for _, k := range keys {
		pc.Keys = append(pc.Keys, gateway.KeyConfig{Name: k, Value: "sk-" + k + "-secret"})
	}
	one := 1
	return &gateway.Config{
		Providers: map[string]*gateway.ProviderConfig{"up": pc},
		Retries:   gateway.RetryConfig{Max: &one, InitialBackoff: gateway.Duration(time.Millisecond), MaxBackoff: gateway.Duration(5 * time.Millisecond)},
	}
}

func TestUpstreamChatAndStream(t *testing.T) {
	up := providertest.New(t)
	gw := gatewaytest.Start(t, upstreamConfig(up, "k1"), gateway.Options{})
	tp := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("up/gpt-test", "hello there", `"user":"u1","logit_bias":{"50256":-100}`), "traceparent", tp)
	resp := decodeChat(t, r)
	if resp.Choices[0].Message.Content.Text != "echo: hello there" || resp.Usage == nil || r.header.Get("x-muninn-provider") != "up" {
		t.Errorf("chat %+v %v", resp, r.header)
	}
	last, _ := up.LastRequest()
	var sent map[string]json.RawMessage
	json.Unmarshal(last.Body, &sent)
	if string(sent["model"]) != `"gpt-test"` || string(sent["logit_bias"]) != `{"50256":-100}` || sent["fallbacks"] != nil {
		t.Errorf("upstream body %s", last.Body)
	}
	if last.Header.Get("traceparent") != tp || last.Header.Get("Authorization") != "Bearer sk-k1-secret" {
		t.Errorf("upstream headers %v", last.Header)
	}

	for _, usage := range []bool{false, true} {
		extra := `"stream":true`
		if usage {
			extra += `,"stream_options":{"include_usage":true}`
		}
		r = post(t, gw.URL+"/v1/chat/completions", chatBody("up/gpt-test", "a b c", extra))
		ev := sseEvents(t, r.body)
		text, u, finish := streamText(t, ev)
		if text != "echo: a b c" || finish != "stop" || (u != nil) != usage || ev[len(ev)-1] != "[DONE]" {
			t.Errorf("stream usage=%v: text %q finish %q usage %v events %d", usage, text, finish, u, len(ev))
		}
	}

	r = post(t, gw.URL+"/v1/embeddings", `{"model":"up/gpt-test","input":["x","y"],"encoding_format":"base64"}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"embedding":"`) {
		t.Errorf("embeddings %d %s", r.status, r.body)
	}
	r = post(t, gw.URL+"/v1/completions", `{"model":"up/gpt-test","prompt":"say hi"}`)
	if r.status != 200 {
		t.Errorf("completions %d %s", r.status, r.body)
	}
}

func TestUpstreamRetriesAndKeys(t *testing.T) {
	up := providertest.New(t)
	gw := gatewaytest.Start(t, upstreamConfig(up, "k1", "k2"), gateway.Options{})
	// A 503 is retried; a 401 cools its key down and the other key answers.
	up.Script(providertest.Step{Status: 503, Body: `{"error":{"message":"overloaded","type":"server_error"}}`})
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("up/gpt-test", "x"))
	decodeChat(t, r)
	if r.header.Get("x-muninn-attempts") != "2" {
		t.Errorf("attempts %q", r.header.Get("x-muninn-attempts"))
	}
	up.Reset()
	up.Script(providertest.Step{Status: 401, Body: `{"error":{"message":"Incorrect API key provided: sk-k1-secret","type":"invalid_request_error"}}`})
	for range 4 {
		decodeChat(t, post(t, gw.URL+"/v1/chat/completions", chatBody("up/gpt-test", "x")))
	}
	refused := ""
	uses := map[string]int{}
	for i, req := range up.Requests() {
		k := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
		if i == 0 {
			refused = k
			continue
		}
		uses[k]++
	}
	if uses[refused] != 0 || len(uses) != 1 {
		t.Errorf("after %s was refused, keys used: %v", refused, uses)
	}

	// Every key refused: the client gets a 502 that does not echo any key.
	up.Reset()
	gw2 := gatewaytest.Start(t, upstreamConfig(up, "k1", "k2"), gateway.Options{})
	bad := providertest.Step{Status: 401, Body: `{"error":{"message":"Incorrect API key provided: sk-k1-secret","type":"invalid_request_error"}}`}
	up.Script(bad, bad)
	r = post(t, gw2.URL+"/v1/chat/completions", chatBody("up/gpt-test", "x"))
	if e := r.apiError(t); r.status != 502 || e.Type != api.ErrUpstreamAuth || strings.Contains(string(r.body), "secret") {
		t.Errorf("all keys refused: %d %s", r.status, r.body)
	}
}

func TestUpstreamTimeoutAndFallback(t *testing.T) {
	slow := providertest.New(t)
	fast := providertest.New(t)
	cfg := upstreamConfig(slow)
	zero := 0
	cfg.Retries.Max = &zero
	cfg.Providers["slow"] = cfg.Providers["up"]
	delete(cfg.Providers, "up")
	cfg.Providers["slow"].Timeouts = gateway.TimeoutsConfig{FirstByte: gateway.Duration(100 * time.Millisecond), Total: gateway.Duration(100 * time.Millisecond)}
	cfg.Providers["fast"] = &gateway.ProviderConfig{Type: "openai", BaseURL: fast.URL() + "/v1"}
	cfg.Fallbacks = map[string][]string{"slow/gpt-test": {"fast/gpt-test"}}
	gw := gatewaytest.Start(t, cfg, gateway.Options{})
	for _, stream := range []bool{false, true} {
		slow.Script(providertest.Step{Hang: true})
		extra := []string{}
		if stream {
			extra = append(extra, `"stream":true`)
		}
		r := post(t, gw.URL+"/v1/chat/completions", chatBody("slow/gpt-test", "x", extra...))
		if r.status != 200 || r.header.Get("x-muninn-provider") != "fast" || r.header.Get("x-muninn-attempts") != "2" {
			t.Errorf("stream=%v: %d %v %s", stream, r.status, r.header, r.body)
		}
	}
}

func TestAnthropicFrontToOpenAIUpstream(t *testing.T) {
	up := providertest.New(t)
	gw := gatewaytest.Start(t, upstreamConfig(up), gateway.Options{})
	body := `{"model":"up/gpt-test","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"one two"}]}`
	r := post(t, gw.URL+"/anthropic/v1/messages", body)
	ev := anthropicEvents(t, r.body)
	var text strings.Builder
	for _, e := range ev {
		if d, ok := e.data["delta"].(map[string]any); ok && d["type"] == "text_delta" {
			text.WriteString(d["text"].(string))
		}
	}
	if r.status != 200 || text.String() != "echo: one two" || ev[len(ev)-1].name != "message_stop" {
		t.Errorf("status %d text %q events %d", r.status, text.String(), len(ev))
	}
	md := ev[len(ev)-2].data
	if u := md["usage"].(map[string]any); u["output_tokens"] == float64(0) {
		t.Errorf("message_delta without usage: %v", md)
	}
}

func TestOpenAIFrontToAnthropicUpstream(t *testing.T) {
	up := providertest.New(t)
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{
		"anthropic": {BaseURL: up.URL(), Keys: []gateway.KeyConfig{{Name: "a", Value: "sk-ant-secret"}}, Models: []string{"claude-test"}},
	}}
	gw := gatewaytest.Start(t, cfg, gateway.Options{})
	body := `{"model":"claude-test","max_tokens":64,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"ping pong"}]}`
	r := post(t, gw.URL+"/v1/chat/completions", body)
	resp := decodeChat(t, r)
	if resp.Choices[0].Message.Content.Text != "echo: ping pong" || resp.Usage == nil || resp.Usage.PromptTokens == 0 {
		t.Errorf("chat via anthropic: %+v", resp)
	}
	last, _ := up.LastRequest()
	if !strings.HasSuffix(last.Path, "/v1/messages") || last.Header.Get("x-api-key") != "sk-ant-secret" || !strings.Contains(string(last.Body), `"system"`) {
		t.Errorf("upstream request %s %v %s", last.Path, last.Header, last.Body)
	}
	r = post(t, gw.URL+"/v1/chat/completions", strings.Replace(body, `"max_tokens":64`, `"max_tokens":64,"stream":true,"stream_options":{"include_usage":true}`, 1))
	text, usage, finish := streamText(t, sseEvents(t, r.body))
	if text != "echo: ping pong" || usage == nil || finish != "stop" {
		t.Errorf("stream via anthropic: %q %+v %q", text, usage, finish)
	}
	// Both fronts at once: the Anthropic front to the Anthropic provider.
	r = post(t, gw.URL+"/anthropic/v1/messages", `{"model":"anthropic/claude-test","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"text":"echo: hi"`) {
		t.Errorf("anthropic to anthropic: %d %s", r.status, r.body)
	}
}

func TestUpstreamCancellationAndReload(t *testing.T) {
	up := providertest.New(t)
	end := &endRecorder{done: make(chan gateway.Call, 1)}
	gw := gatewaytest.Start(t, upstreamConfig(up), gateway.Options{Plugins: []gateway.Plugin{end}})

	// The upstream never answers; the client leaves; the call ends as cancelled (it
	// would otherwise wait for the upstream's 10-minute total timeout).
	up.Script(providertest.Step{Hang: true})
	conn, err := net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := chatBody("up/gpt-test", "x")
	fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	for up.Calls() == 0 {
		time.Sleep(time.Millisecond)
	}
	conn.Close()
	if call := <-end.done; call.Err == nil || call.Err.Type != api.ErrContextCanceled || len(call.Attempts) != 1 {
		t.Errorf("post-hook saw err=%v attempts=%d", call.Err, len(call.Attempts))
	}

	// Reload onto another upstream: new requests go there.
	other := providertest.New(t)
	if err := gw.Server.Reload(upstreamConfig(other)); err != nil {
		t.Fatal(err)
	}
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("up/gpt-test", "after reload"))
	<-end.done
	decodeChat(t, r)
	if other.Calls() != 1 {
		t.Errorf("the reloaded upstream got %d calls", other.Calls())
	}
}
