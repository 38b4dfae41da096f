package openai

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

const testKey = "sk-test-SECRETKEY0123456789abcdef"

// transports are the two HTTP paths: the fast transport (plain http) and net/http.
var transports = []string{"fast", "nethttp"}

func newTest(t *testing.T, cfg provider.Config) (*Provider, *providertest.Server) {
	return newTestMode(t, cfg, "fast")
}

func newTestMode(t *testing.T, cfg provider.Config, mode string) (*Provider, *providertest.Server) {
	t.Helper()
	s := providertest.New(t)
	if cfg.Name == "" {
		cfg.Name = "fake"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = s.URL()
	}
	if cfg.Type == "" {
		cfg.Type = "openai"
	}
	pr, err := provider.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := pr.(*Provider)
	if mode == "nethttp" {
		p.client.UseNetHTTP()
	}
	t.Cleanup(p.CloseIdleConnections)
	return p, s
}

func attempt(model string) *provider.Attempt {
	return &provider.Attempt{Model: model, Key: provider.Key{Name: "k1", Value: testKey},
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

func TestChat(t *testing.T) {
	p, s := newTest(t, provider.Config{Headers: map[string]string{"x-extra": "1"}})
	req := chatReq(t, `{"model":"alias","messages":[{"role":"user","content":"hi there"}],"fallbacks":["b"],"reasoning_effort":"low","temperature":0}`)
	resp, err := p.Chat(context.Background(), attempt("gpt-4o-mini"), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].Message.Content.String() != "echo: hi there" || resp.Usage.PromptTokens != 2 || resp.Usage.CompletionTokens != 3 {
		t.Fatalf("response %+v usage %+v", resp, resp.Usage)
	}
	r, _ := s.LastRequest()
	if r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer "+testKey ||
		r.Header.Get("Traceparent") == "" || r.Header.Get("X-Extra") != "1" {
		t.Fatalf("upstream request %s %v", r.Path, r.Header)
	}
	var sent map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &sent); err != nil {
		t.Fatal(err)
	}
	if string(sent["model"]) != `"gpt-4o-mini"` || string(sent["reasoning_effort"]) != `"low"` ||
		string(sent["temperature"]) != "0" || sent["fallbacks"] != nil || sent["stream"] != nil {
		t.Fatalf("sent %s", r.Body)
	}
	if req.Model != "alias" || len(req.Fallbacks) != 1 {
		t.Fatal("the caller's request was modified")
	}
}

func collect(t *testing.T, st provider.ChatStream) (text string, finish string, usage *api.Usage, err error) {
	t.Helper()
	defer st.Close()
	var sb strings.Builder
	for {
		c, err := st.Next()
		if err != nil {
			if err == io.EOF {
				return sb.String(), finish, usage, nil
			}
			return sb.String(), finish, usage, err
		}
		if c.Usage != nil {
			usage = c.Usage
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				sb.WriteString(*ch.Delta.Content)
			}
			if ch.FinishReason != nil {
				finish = *ch.FinishReason
			}
		}
	}
}

func TestChatStream(t *testing.T) {
	p, s := newTest(t, provider.Config{})
	st, err := p.ChatStream(context.Background(), attempt("m"), chatReq(t, `{"model":"m","stream":true,"messages":[{"role":"user","content":"one two three"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	text, finish, usage, err := collect(t, st)
	if err != nil || text != "echo: one two three" || finish != "stop" || usage == nil || usage.TotalTokens != 7 {
		t.Fatalf("text %q finish %q usage %+v err %v", text, finish, usage, err)
	}
	r, _ := s.LastRequest()
	if !strings.Contains(string(r.Body), `"stream_options":{"include_usage":true}`) || r.Header.Get("Accept") != "text/event-stream" {
		t.Fatalf("sent %s %v", r.Body, r.Header)
	}
}

const chunkA = `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"A"},"finish_reason":null}]}`
const chunkStop = `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`

func TestStreamEdges(t *testing.T) {
	cases := []struct {
		name     string
		step     providertest.Step
		timeouts provider.Timeouts
		text     string
		errType  string
		errCode  string
	}{
		{name: "no space, CRLF, comments", step: providertest.Step{Chunks: []string{
			": keep-alive", "data:" + chunkA + "\r\n\r\n", "event: chunk\ndata: " + chunkA, chunkStop, "[DONE]"}}, text: "AA"},
		{name: "held open after [DONE]", step: providertest.Step{Chunks: []string{chunkA, chunkStop, "[DONE]"}, Hang: true}, text: "A"},
		{name: "missing [DONE] after finish", step: providertest.Step{Chunks: []string{chunkA, chunkStop}}, text: "A"},
		{name: "missing [DONE] before finish", step: providertest.Step{Chunks: []string{chunkA}}, text: "A",
			errType: api.ErrUpstream, errCode: "stream_truncated"},
		{name: "connection cut", step: providertest.Step{Chunks: []string{chunkA, chunkA, chunkStop}, CloseAfterChunks: 2}, text: "AA",
			errType: api.ErrUpstream},
		{name: "cut mid-line", step: providertest.Step{Chunks: []string{"data: " + chunkA + "\n\n", "data: {\"id\":"}, CloseAfterChunks: 2}, text: "A",
			errType: api.ErrUpstream},
		{name: "error event", step: providertest.Step{Chunks: []string{chunkA, `{"error":{"message":"boom","type":"server_error"}}`}}, text: "A",
			errType: api.ErrUpstream},
		{name: "bad JSON chunk", step: providertest.Step{Chunks: []string{"{nope"}}, errType: api.ErrUpstream, errCode: "bad_upstream_response"},
		{name: "idle timeout", step: providertest.Step{Chunks: []string{chunkA}, Hang: true}, text: "A",
			timeouts: provider.Timeouts{StreamIdle: 50 * time.Millisecond}, errType: api.ErrUpstreamTimeout, errCode: "stream_idle_timeout"},
	}
	for _, mode := range transports {
		for _, c := range cases {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				p, s := newTestMode(t, provider.Config{Timeouts: c.timeouts}, mode)
				s.Script(c.step)
				st, err := p.ChatStream(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
				if err != nil {
					t.Fatal(err)
				}
				text, _, _, err := collect(t, st)
				if text != c.text {
					t.Fatalf("text %q, want %q", text, c.text)
				}
				checkErr(t, err, c.errType, c.errCode)
			})
		}
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
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want *api.Error %s", err, err, typ)
	}
	if ae.Type != typ || (code != "" && ae.Code != code) {
		t.Fatalf("error %+v, want type %s code %s", ae, typ, code)
	}
	if strings.Contains(ae.Error(), testKey) || strings.Contains(ae.Error(), testKey[:12]) {
		t.Fatalf("key leaked: %v", ae)
	}
}

func TestErrors(t *testing.T) {
	leak := `{"error":{"message":"Incorrect API key provided: ` + testKey + `. Bearer ` + testKey + `","type":"invalid_request_error","code":"invalid_api_key"}}`
	cases := []errCase{
		{name: "400", step: providertest.Step{Status: 400, Body: `{"error":{"message":"bad temperature","type":"invalid_request_error","param":"temperature"}}`},
			status: 400, typ: api.ErrInvalidRequest, msg: "bad temperature"},
		{name: "400 context length", step: providertest.Step{Status: 400, Body: `{"error":{"message":"This model's maximum context length is 8192 tokens","code":"context_length_exceeded"}}`},
			status: 400, typ: api.ErrContextLength},
		{name: "401 with key echoed", step: providertest.Step{Status: 401, Body: leak}, status: 502, typ: api.ErrUpstreamAuth, msg: "Incorrect API key"},
		{name: "403", step: providertest.Step{Status: 403, Body: `{"error":"forbidden ` + testKey + `"}`}, status: 502, typ: api.ErrUpstreamAuth},
		{name: "404 model", step: providertest.Step{Status: 404, Body: `{"error":{"message":"The model 'x' does not exist","code":"model_not_found"}}`},
			status: 404, typ: api.ErrModelNotFound},
		{name: "404 path", step: providertest.Step{Status: 404, Body: `not found`}, status: 502, typ: api.ErrUpstream},
		{name: "429 seconds", step: providertest.Step{Status: 429, Header: map[string]string{"Retry-After": "7"}, Body: `{"error":{"message":"slow down"}}`},
			status: 429, typ: api.ErrRateLimit, retryAfter: 7 * time.Second},
		{name: "429 reset headers", step: providertest.Step{Status: 429, Header: map[string]string{"x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s"}},
			status: 429, typ: api.ErrRateLimit, retryAfter: 6 * time.Minute},
		{name: "500", step: providertest.Step{Status: 500, Body: `<html>oops</html>`}, status: 502, typ: api.ErrUpstream},
		{name: "503", step: providertest.Step{Status: 503, Body: `{"message":"overloaded"}`}, status: 502, typ: api.ErrUpstream, msg: "overloaded"},
		{name: "504", step: providertest.Step{Status: 504}, status: 504, typ: api.ErrUpstreamTimeout},
		{name: "bad JSON 200", step: providertest.Step{Body: `{"choices":`}, status: 502, typ: api.ErrUpstream, code: "bad_upstream_response"},
	}
	for _, c := range cases {
		for _, mode := range transports {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				p, s := newTestMode(t, provider.Config{}, mode)
				testErrorCase(t, p, s, c)
			})
		}
	}
}

// errCase is an upstream failure and the error it must become.
type errCase struct {
	name       string
	step       providertest.Step
	status     int
	typ        string
	code       string
	retryAfter time.Duration
	msg        string
}

func testErrorCase(t *testing.T, p *Provider, s *providertest.Server, c errCase) {
	t.Helper()
	for _, stream := range []bool{false, true} {
		s.Script(c.step)
		var err error
		if stream {
			var st provider.ChatStream
			st, err = p.ChatStream(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
			if err == nil {
				_, _, _, err = collect(t, st)
			}
		} else {
			_, err = p.Chat(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
		}
		checkErr(t, err, c.typ, c.code)
		ae := err.(*api.Error)
		if ae.Status != c.status && !(stream && c.code == "bad_upstream_response") {
			t.Fatalf("stream=%v status %d, want %d (%v)", stream, ae.Status, c.status, ae)
		}
		if ae.RetryAfter != c.retryAfter {
			t.Fatalf("retry after %v, want %v", ae.RetryAfter, c.retryAfter)
		}
		if c.step.Status != 0 && ae.UpstreamStatus != c.step.Status {
			t.Fatalf("upstream status %d", ae.UpstreamStatus)
		}
		if !strings.Contains(ae.Message, c.msg) {
			t.Fatalf("message %q lacks %q", ae.Message, c.msg)
		}
	}
}

func TestTransportErrors(t *testing.T) {
	for _, mode := range transports {
		t.Run(mode, func(t *testing.T) { testTransportErrors(t, mode) })
	}
}

func testTransportErrors(t *testing.T, mode string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	p, err := newProvider(provider.Config{Name: "down", BaseURL: closed})
	if err != nil {
		t.Fatal(err)
	}
	if mode == "nethttp" {
		p.client.UseNetHTTP()
	}
	_, err = p.Chat(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	checkErr(t, err, api.ErrUpstreamUnavail, "")
	_, err = p.ChatStream(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	checkErr(t, err, api.ErrUpstreamUnavail, "")

	// Hanging upstream: the first-byte and total timeouts, and the client's cancel.
	pt, s := newTestMode(t, provider.Config{Timeouts: provider.Timeouts{FirstByte: 50 * time.Millisecond}}, mode)
	s.Script(providertest.Step{Hang: true})
	_, err = pt.ChatStream(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	checkErr(t, err, api.ErrUpstreamTimeout, "")
	s.Script(providertest.Step{Hang: true})
	_, err = pt.Chat(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	checkErr(t, err, api.ErrUpstreamTimeout, "")

	pt, s = newTestMode(t, provider.Config{Timeouts: provider.Timeouts{Total: 50 * time.Millisecond}}, mode)
	s.Script(providertest.Step{Hang: true})
	_, err = pt.Chat(context.Background(), attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	checkErr(t, err, api.ErrUpstreamTimeout, "")

	// A deadline of the caller's context bounds the call too.
	s.Script(providertest.Step{Hang: true})
	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	_, err = pt.Chat(dctx, attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	dcancel()
	checkErr(t, err, api.ErrUpstreamTimeout, "")

	s.Script(providertest.Step{Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	n := s.Calls()
	go func() {
		for s.Calls() == n {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = pt.Chat(ctx, attempt("m"), chatReq(t, `{"model":"m","messages":[]}`))
	checkErr(t, err, api.ErrContextCanceled, "")
}

func TestEmbed(t *testing.T) {
	p, s := newTest(t, provider.Config{})
	var req api.EmbeddingRequest
	if err := json.Unmarshal([]byte(`{"model":"e","input":["a","b b"],"encoding_format":"base64","dimensions":4}`), &req); err != nil {
		t.Fatal(err)
	}
	resp, err := p.Embed(context.Background(), attempt("emb"), &req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 2 || resp.Usage.PromptTokens != 3 || resp.Data[1].Embedding[0] != providertest.Vector("b b", 4)[0] {
		t.Fatalf("resp %+v", resp)
	}
	r, _ := s.LastRequest()
	if !strings.Contains(string(r.Body), `"encoding_format":"float"`) || !strings.Contains(string(r.Body), `"model":"emb"`) {
		t.Fatalf("sent %s", r.Body)
	}
	// Out-of-order data is sorted by index.
	s.Script(providertest.Step{Body: `{"object":"list","model":"e","data":[{"object":"embedding","index":1,"embedding":[2]},{"object":"embedding","index":0,"embedding":[1]}]}`})
	resp, err = p.Embed(context.Background(), attempt("emb"), &req)
	if err != nil || resp.Data[0].Embedding[0] != 1 || resp.Data[1].Embedding[0] != 2 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	s.Script(providertest.Step{Body: `{"object":"list","model":"e","data":[{"object":"embedding","index":0,"embedding":[1]}]}`})
	_, err = p.Embed(context.Background(), attempt("emb"), &req)
	checkErr(t, err, api.ErrUpstream, "bad_upstream_response")
}

func TestComplete(t *testing.T) {
	p, s := newTest(t, provider.Config{})
	var req api.CompletionRequest
	if err := json.Unmarshal([]byte(`{"model":"c","prompt":"say hi","suffix":"!","fallbacks":["x"]}`), &req); err != nil {
		t.Fatal(err)
	}
	raw, err := p.Complete(context.Background(), attempt("davinci"), &req)
	if err != nil || !strings.Contains(string(raw), `"text":"echo: say hi"`) {
		t.Fatalf("raw %s err %v", raw, err)
	}
	r, _ := s.LastRequest()
	if !strings.Contains(string(r.Body), `"suffix":"!"`) || strings.Contains(string(r.Body), "fallbacks") || r.Path != "/v1/completions" {
		t.Fatalf("sent %s to %s", r.Body, r.Path)
	}
	rs, err := p.CompleteStream(context.Background(), attempt("davinci"), &req)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var n int
	for {
		d, err := rs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(d) {
			t.Fatalf("payload %q", d)
		}
		n++
	}
	if n != 4 { // "echo:", " say", " hi", finish
		t.Fatalf("%d payloads", n)
	}
}

func TestStreamCancelReachesUpstream(t *testing.T) {
	for _, mode := range transports {
		t.Run(mode, func(t *testing.T) { testStreamCancel(t, mode) })
	}
}

func testStreamCancel(t *testing.T, mode string) {
	p, s := newTestMode(t, provider.Config{}, mode)
	s.Script(providertest.Step{Chunks: []string{chunkA}, Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	st, err := p.ChatStream(ctx, attempt("m"), chatReq(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	// The upstream holds the connection; the canceled context cuts it.
	_, err = st.Next()
	checkErr(t, err, api.ErrContextCanceled, "")
	st.Close()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitCanceled(wctx, 1); err != nil {
		t.Fatal(err)
	}
}
