package gatewaytest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

// journal is shared by the example plugins to record the order of hook calls.
type journal struct {
	mu     sync.Mutex
	events []string
}

func (j *journal) add(e string) {
	j.mu.Lock()
	j.events = append(j.events, e)
	j.mu.Unlock()
}

func (j *journal) take() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := strings.Join(j.events, " ")
	j.events = nil
	return s
}

// example is the tiny plugin proving the pipeline rules. Its behaviour is chosen per
// request by the x-test header: "reply-NAME" short-circuits at NAME, "fail-NAME" makes
// NAME's pre-hook return an error, "panic-NAME" makes it panic.
type example struct {
	name   string
	j      *journal
	chunks int
	mu     sync.Mutex
	last   gateway.Call // copy of what the post-hook saw
}

func (p *example) Name() string { return p.name }

func (p *example) PreHook(ctx context.Context, c *gateway.Call) (*gateway.Reply, error) {
	p.j.add("pre:" + p.name)
	c.SetResponseHeader("x-plugin-"+p.name, "pre")
	switch c.Header("x-test") {
	case "reply-" + p.name:
		return &gateway.Reply{Response: &api.ChatResponse{ID: "cached", Object: "chat.completion", Model: "cache",
			Choices: []api.Choice{{Message: api.Message{Role: "assistant", Content: api.TextContent("from " + p.name)}, FinishReason: "stop"}},
			Usage:   &api.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3}}}, nil
	case "deny-" + p.name:
		return &gateway.Reply{Error: &api.Error{Status: 403, Type: api.ErrPermission, Message: "denied by " + p.name}}, nil
	case "fail-" + p.name:
		return nil, errors.New("pre-hook failure")
	case "panic-" + p.name:
		panic("pre-hook panic")
	}
	return nil, nil
}

func (p *example) PostHook(ctx context.Context, c *gateway.Call) error {
	p.j.add("post:" + p.name)
	p.mu.Lock()
	p.last = *c
	p.last.Attempts = append([]gateway.Attempt(nil), c.Attempts...)
	p.mu.Unlock()
	if c.Header("x-test") == "postfail-"+p.name {
		return errors.New("post-hook failure")
	}
	if c.Header("x-test") == "postpanic-"+p.name {
		panic("post-hook panic")
	}
	return nil
}

func (p *example) OnChunk(c *gateway.Call, ch *api.ChatChunk) {
	p.mu.Lock()
	p.chunks++
	p.mu.Unlock()
}

func (p *example) seen() (gateway.Call, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.chunks
}

// recorder remembers the tenant of each call.
type recorder struct {
	name string
	mu   sync.Mutex
	ts   []string
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) PreHook(ctx context.Context, c *gateway.Call) (*gateway.Reply, error) {
	r.mu.Lock()
	r.ts = append(r.ts, c.Tenant)
	r.mu.Unlock()
	return nil, nil
}
func (r *recorder) tenants() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ts...)
}

// postOnly has no pre-hook: it counts as having run when the pipeline reached it.
type postOnly struct {
	j *journal
}

func (p postOnly) Name() string { return "post-only" }
func (p postOnly) PostHook(ctx context.Context, c *gateway.Call) error {
	p.j.add("post:P")
	return nil
}

func TestPipelineRules(t *testing.T) {
	j := &journal{}
	a, b, c := &example{name: "A", j: j}, &example{name: "B", j: j}, &example{name: "C", j: j}
	fake := gatewaytest.NewFake("fake", "m1")
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{Plugins: []gateway.Plugin{a, postOnly{j}, b, c}}, fake)
	chat := gw.URL + "/v1/chat/completions"

	cases := []struct {
		name     string
		test     string
		stream   bool
		journal  string
		status   int
		upstream int // provider calls expected
	}{
		{"order", "", false, "pre:A pre:B pre:C post:C post:B post:P post:A", 200, 1},
		{"short-circuit", "reply-B", false, "pre:A pre:B post:B post:P post:A", 200, 0},
		{"short-circuit error", "deny-A", false, "pre:A post:A", 403, 0},
		{"pre error isolated", "fail-B", false, "pre:A pre:B pre:C post:C post:B post:P post:A", 200, 1},
		{"pre panic isolated", "panic-A", false, "pre:A pre:B pre:C post:C post:B post:P post:A", 200, 1},
		{"post panic isolated", "postpanic-C", false, "pre:A pre:B pre:C post:C post:B post:P post:A", 200, 1},
		{"stream order", "", true, "pre:A pre:B pre:C post:C post:B post:P post:A", 200, 1},
		{"stream short-circuit", "reply-C", true, "pre:A pre:B pre:C post:C post:B post:P post:A", 200, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.Calls())
			extra := []string{}
			if tc.stream {
				extra = append(extra, `"stream":true,"stream_options":{"include_usage":true}`)
			}
			r := post(t, chat, chatBody("fake/m1", "hi", extra...), "x-test", tc.test)
			if r.status != tc.status {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := j.take(); got != tc.journal {
				t.Errorf("hooks ran as\n  %s\nwant\n  %s", got, tc.journal)
			}
			if n := len(fake.Calls()) - before; n != tc.upstream {
				t.Errorf("provider called %d times, want %d", n, tc.upstream)
			}
			if r.header.Get("x-plugin-A") != "pre" {
				t.Errorf("pre-hook response header missing: %v", r.header)
			}
		})
	}
	if f := gw.Server.PluginFailures(); f[0].Panics != 1 || f[2].Errors != 1 || f[3].Panics != 1 {
		t.Errorf("failures not counted: %+v", f)
	}
}

func TestPipelineStreamCall(t *testing.T) {
	j := &journal{}
	p := &example{name: "A", j: j}
	fake := gatewaytest.NewFake("fake", "m1")
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{Plugins: []gateway.Plugin{p}}, fake)
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "a b c", `"stream":true`))
	ev := sseEvents(t, r.body)
	call, chunks := p.seen()
	// Upstream sends role + 4 words + finish + usage = 7 chunks; the hook sees all of
	// them, the client gets the 6 without the usage chunk, then [DONE].
	if chunks != 7 || len(ev) != 7 {
		t.Errorf("chunk hook saw %d chunks, client got %d events", chunks, len(ev))
	}
	if !call.StreamComplete || call.Response == nil || call.Usage == nil || call.Usage.TotalTokens != 14 {
		t.Fatalf("post-hook saw complete=%v resp=%v usage=%+v", call.StreamComplete, call.Response != nil, call.Usage)
	}
	if got := call.Response.Choices[0].Message.Content.Text; got != "echo: a b c" || call.Response.Choices[0].FinishReason != "stop" {
		t.Errorf("assembled %q finish %q", got, call.Response.Choices[0].FinishReason)
	}
	if call.Status != 200 || call.Provider != "fake" || len(call.Attempts) != 1 || call.Endpoint != gateway.EndpointChat || call.FirstByte <= 0 || call.Duration < call.FirstByte {
		t.Errorf("call: status %d provider %q attempts %d endpoint %q fb %v dur %v", call.Status, call.Provider, len(call.Attempts), call.Endpoint, call.FirstByte, call.Duration)
	}

	// A short-circuit Reply on a streamed request is replayed as chunks.
	r = post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x", `"stream":true,"stream_options":{"include_usage":true}`), "x-test", "reply-A")
	text, usage, finish := streamText(t, sseEvents(t, r.body))
	if text != "from A" || finish != "stop" || usage == nil || usage.TotalTokens != 3 {
		t.Errorf("replay: text %q finish %q usage %+v", text, finish, usage)
	}
}

func TestStreamCutByUpstream(t *testing.T) {
	j := &journal{}
	p := &example{name: "A", j: j}
	fake := gatewaytest.NewFake("fake", "m1")
	fake.Script(gatewaytest.Step{FailAfter: 2})
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{Plugins: []gateway.Plugin{p}}, fake)
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "a b c", `"stream":true`))
	ev := sseEvents(t, r.body)
	if len(ev) != 3 || !strings.Contains(ev[2], `"error"`) {
		t.Fatalf("events %q", ev)
	}
	call, _ := p.seen()
	if call.StreamComplete || call.Err == nil || call.Response == nil {
		t.Errorf("post-hook saw complete=%v err=%v", call.StreamComplete, call.Err)
	}
}

// tracer sets its own traceparent for the upstream, as the tracing plugin does.
type tracer struct{}

func (tracer) Name() string { return "tracer" }
func (tracer) PreHook(ctx context.Context, c *gateway.Call) (*gateway.Reply, error) {
	c.UpstreamHeaders = append(c.UpstreamHeaders, [2]string{"traceparent", "00-11111111111111111111111111111111-2222222222222222-01"})
	return nil, nil
}

func TestPluginUpstreamHeaders(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{Plugins: []gateway.Plugin{tracer{}}}, fake)
	decodeChat(t, post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x"),
		"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
	h := fake.Calls()[0].Headers
	if len(h) != 1 || h[0][1] != "00-11111111111111111111111111111111-2222222222222222-01" {
		t.Errorf("upstream headers %v: the plugin's traceparent must replace the client's", h)
	}
	// Answers given before routing still carry a request id.
	r := post(t, gw.URL+"/v1/chat/completions", `{`, "x-request-id", "abc")
	if r.header.Get("x-request-id") != "abc" {
		t.Errorf("x-request-id %q", r.header.Get("x-request-id"))
	}
}
