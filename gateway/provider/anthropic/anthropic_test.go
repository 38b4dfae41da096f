package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

const testKey = "sk-ant-api03-SECRET0123456789abcdefXYZ"

func newTest(t *testing.T, cfg provider.Config) (*Provider, *providertest.Server) {
	t.Helper()
	s := providertest.New(t)
	cfg.Name, cfg.Type = "claude", "anthropic"
	if cfg.BaseURL == "" {
		cfg.BaseURL = s.URL()
	}
	pr, err := provider.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := pr.(*Provider)
	t.Cleanup(p.CloseIdleConnections)
	return p, s
}

func attempt() *provider.Attempt {
	return &provider.Attempt{Model: "claude-sonnet-4-5", Key: provider.Key{Name: "k", Value: testKey},
		Headers: [][2]string{{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}}
}

func chatReq(t *testing.T, body string) *api.ChatRequest {
	t.Helper()
	var r api.ChatRequest
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

const simple = `{"model":"x","messages":[{"role":"system","content":"sys"},{"role":"user","content":"hello you"}],"max_tokens":20}`

func TestChat(t *testing.T) {
	p, s := newTest(t, provider.Config{Headers: map[string]string{"anthropic-beta": "b1"}})
	resp, err := p.Chat(context.Background(), attempt(), chatReq(t, simple))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].Message.Content.String() != "echo: hello you" || resp.Choices[0].FinishReason != "stop" ||
		resp.Usage.PromptTokens != 3 || resp.Usage.CompletionTokens != 3 {
		t.Fatalf("resp %+v usage %+v", resp.Choices, resp.Usage)
	}
	r, _ := s.LastRequest()
	if r.Path != "/v1/messages" || r.Header.Get("X-Api-Key") != testKey || r.Header.Get("Anthropic-Version") != DefaultAPIVersion ||
		r.Header.Get("Anthropic-Beta") != "b1" || r.Header.Get("Traceparent") == "" || r.Header.Get("Authorization") != "" {
		t.Fatalf("request %s %v", r.Path, r.Header)
	}
	var sent map[string]json.RawMessage
	_ = json.Unmarshal(r.Body, &sent)
	if string(sent["model"]) != `"claude-sonnet-4-5"` || string(sent["system"]) != `"sys"` || string(sent["max_tokens"]) != "20" {
		t.Fatalf("sent %s", r.Body)
	}
}

func TestChatStream(t *testing.T) {
	p, _ := newTest(t, provider.Config{})
	st, err := p.ChatStream(context.Background(), attempt(), chatReq(t, simple))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var text, finish string
	var usage *api.Usage
	for {
		c, err := st.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Usage != nil {
			usage = c.Usage
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text += *ch.Delta.Content
			}
			if ch.FinishReason != nil {
				finish = *ch.FinishReason
			}
		}
	}
	if text != "echo: hello you" || finish != "stop" || usage == nil || usage.TotalTokens != 6 {
		t.Fatalf("text %q finish %q usage %+v", text, finish, usage)
	}
}

func ev(name, data string) string { return "event: " + name + "\ndata: " + data }

func TestStreamScripted(t *testing.T) {
	start := ev("message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"c","content":[],"usage":{"input_tokens":3,"output_tokens":1,"cache_read_input_tokens":7}}}`)
	tool := []string{start,
		ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}`),
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}`),
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"1}"}}`),
		ev("content_block_stop", `{"type":"content_block_stop","index":0}`),
		ev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}`),
		ev("message_stop", `{"type":"message_stop"}`),
	}
	cases := []struct {
		name    string
		chunks  []string
		args    string
		finish  string
		errType string
		errCode string
	}{
		{name: "tool use", chunks: tool, args: `{"a":1}`, finish: "tool_calls"},
		{name: "no message_stop", chunks: tool[:5], args: `{"a":1}`, errType: api.ErrUpstream, errCode: "stream_truncated"},
		{name: "overloaded event", chunks: []string{start, ev("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded `+testKey+`"}}`)},
			errType: api.ErrUpstream, errCode: "overloaded"},
		{name: "bad event", chunks: []string{start, ev("content_block_delta", `{"type":`)}, errType: api.ErrUpstream, errCode: "bad_upstream_response"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, s := newTest(t, provider.Config{})
			s.Script(providertest.Step{Chunks: c.chunks})
			st, err := p.ChatStream(context.Background(), attempt(), chatReq(t, simple))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var args, finish string
			var usage *api.Usage
			for {
				ch, err := st.Next()
				if err == io.EOF {
					err = nil
				}
				if err != nil || ch == nil {
					checkErr(t, err, c.errType, c.errCode)
					break
				}
				if ch.Usage != nil {
					usage = ch.Usage
				}
				for _, cc := range ch.Choices {
					for _, tc := range cc.Delta.ToolCalls {
						args += tc.Function.Arguments
					}
					if cc.FinishReason != nil {
						finish = *cc.FinishReason
					}
				}
			}
			if args != c.args || finish != c.finish {
				t.Fatalf("args %q finish %q", args, c.finish)
			}
			if c.errType == "" && (usage == nil || usage.PromptTokens != 10 || usage.CachedTokens() != 7 || usage.CompletionTokens != 9) {
				t.Fatalf("usage %+v", usage)
			}
		})
	}
}

func checkErr(t *testing.T, err error, typ, code string) {
	t.Helper()
	if typ == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Type != typ || (code != "" && ae.Code != code) {
		t.Fatalf("error %v, want %s/%s", err, typ, code)
	}
	if strings.Contains(ae.Error(), testKey) || strings.Contains(ae.Error(), "SECRET") {
		t.Fatalf("key leaked: %v", ae)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		step   providertest.Step
		status int
		typ    string
		retry  time.Duration
	}{
		{providertest.Step{Status: 529, Body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`}, 502, api.ErrUpstream, 0},
		{providertest.Step{Status: 401, Body: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ` + testKey + `"}}`}, 502, api.ErrUpstreamAuth, 0},
		{providertest.Step{Status: 429, Header: map[string]string{"retry-after": "12"}, Body: `{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}`}, 429, api.ErrRateLimit, 12 * time.Second},
		{providertest.Step{Status: 400, Body: `{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 300000 tokens > 200000 maximum"}}`}, 400, api.ErrContextLength, 0},
		{providertest.Step{Status: 404, Body: `{"type":"error","error":{"type":"not_found_error","message":"model: claude-nope"}}`}, 404, api.ErrModelNotFound, 0},
	}
	for _, c := range cases {
		p, s := newTest(t, provider.Config{})
		for _, stream := range []bool{false, true} {
			s.Script(c.step)
			var err error
			if stream {
				_, err = p.ChatStream(context.Background(), attempt(), chatReq(t, simple))
			} else {
				_, err = p.Chat(context.Background(), attempt(), chatReq(t, simple))
			}
			checkErr(t, err, c.typ, "")
			ae := err.(*api.Error)
			if ae.Status != c.status || ae.RetryAfter != c.retry || ae.UpstreamStatus != c.step.Status {
				t.Fatalf("%d stream=%v: %+v", c.step.Status, stream, ae)
			}
		}
	}
	// Translation failures are refused before any upstream call.
	p, s := newTest(t, provider.Config{})
	_, err := p.Chat(context.Background(), attempt(), chatReq(t, `{"model":"x","n":3,"messages":[{"role":"user","content":"x"}]}`))
	checkErr(t, err, api.ErrUnsupported, "")
	if s.Calls() != 0 {
		t.Fatal("upstream called for an untranslatable request")
	}
}

func TestConfig(t *testing.T) {
	for _, c := range []struct{ base, url string }{
		{"", "https://api.anthropic.com/v1/messages"},
		{"https://proxy.example/v1/", "https://proxy.example/v1/messages"},
		{"http://127.0.0.1:9", "http://127.0.0.1:9/v1/messages"},
	} {
		pr, err := New(provider.Config{Name: "a", BaseURL: c.base})
		if err != nil {
			t.Fatal(err)
		}
		if got := pr.(*Provider).url; got != c.url {
			t.Errorf("base %q: url %q, want %q", c.base, got, c.url)
		}
	}
	if _, err := New(provider.Config{Name: "a", BaseURL: "ftp://x"}); err == nil {
		t.Error("bad base URL accepted")
	}
	pr, _ := New(provider.Config{Name: "a", Models: []string{"m1"}})
	if m := pr.(*Provider).Models(); len(m) != 1 || m[0] != "m1" {
		t.Errorf("models %v", m)
	}
}

func TestConformance(t *testing.T) {
	providertest.Conformance(t, func(base string) (provider.Provider, error) {
		return provider.New(provider.Config{Name: "conf", Type: "anthropic", BaseURL: base})
	})
}
