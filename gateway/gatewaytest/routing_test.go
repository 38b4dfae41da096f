package gatewaytest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

func fastRetries(cfg *gateway.Config) *gateway.Config {
	cfg.Retries = gateway.RetryConfig{InitialBackoff: gateway.Duration(time.Millisecond), MaxBackoff: gateway.Duration(2 * time.Millisecond)}
	return cfg
}

func TestRetriesThenSuccess(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	fake.Script(
		gatewaytest.Step{Err: &api.Error{Type: api.ErrUpstream, UpstreamStatus: 503, Message: "busy"}},
		gatewaytest.Step{Err: &api.Error{Type: api.ErrUpstreamUnavail, Message: "connection refused"}},
	)
	gw := gatewaytest.Start(t, fastRetries(fakeConfig("fake")), gateway.Options{}, fake)
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "hi"))
	decodeChat(t, r)
	if r.header.Get("x-muninn-attempts") != "3" {
		t.Errorf("attempts = %q, want 3", r.header.Get("x-muninn-attempts"))
	}
}

func TestRetriesExhaustedAndFatal(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fastRetries(fakeConfig("fake"))
	one := 1
	cfg.Retries.Max = &one
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	for range 2 {
		fake.Script(gatewaytest.Step{Err: &api.Error{Type: api.ErrUpstream, UpstreamStatus: 500, Message: "boom"}})
	}
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "hi"))
	if e := r.apiError(t); r.status != 502 || e.Type != api.ErrUpstream || r.header.Get("x-muninn-attempts") != "2" {
		t.Errorf("got %d %+v attempts %s", r.status, e, r.header.Get("x-muninn-attempts"))
	}
	// A request the upstream calls invalid is not retried.
	fake.Script(gatewaytest.Step{Err: &api.Error{Status: 400, Type: api.ErrInvalidRequest, UpstreamStatus: 400, Message: "bad tool schema"}})
	r = post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "hi"))
	if e := r.apiError(t); r.status != 400 || e.Message != "bad tool schema" || r.header.Get("x-muninn-attempts") != "1" {
		t.Errorf("got %d %+v attempts %s", r.status, e, r.header.Get("x-muninn-attempts"))
	}
}

func TestFallbacks(t *testing.T) {
	a := gatewaytest.NewFake("a", "m1")
	b := gatewaytest.NewFake("b", "m1")
	cfg := fastRetries(fakeConfig("a", "b"))
	zero := 0
	cfg.Retries.Max = &zero
	cfg.Fallbacks = map[string][]string{"a/m1": {"b/m1"}}
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, a, b)
	down := gatewaytest.Step{Err: &api.Error{Type: api.ErrUpstreamTimeout, Message: "slow"}}

	cases := []struct {
		name, body string
		headers    []string
		want       string
	}{
		{"config chain", chatBody("a/m1", "x"), nil, "b"},
		{"body fallbacks", chatBody("b/m1", "x", `"fallbacks":["a/m1"]`), nil, "a"},
		{"header fallbacks", chatBody("b/m1", "x"), []string{"x-muninn-fallbacks", "a/m1"}, "a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "b" {
				a.Script(down)
			} else {
				b.Script(down)
			}
			r := post(t, gw.URL+"/v1/chat/completions", tc.body, tc.headers...)
			decodeChat(t, r)
			if got := r.header.Get("x-muninn-provider"); got != tc.want || r.header.Get("x-muninn-attempts") != "2" {
				t.Errorf("provider %q attempts %q", got, r.header.Get("x-muninn-attempts"))
			}
		})
	}
	// Fallbacks are never sent upstream.
	for _, c := range append(a.Calls(), b.Calls()...) {
		if len(c.Request.Fallbacks) != 0 {
			t.Errorf("fallbacks sent upstream: %v", c.Request.Fallbacks)
		}
	}
}

func TestKeyCooldown(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fastRetries(fakeConfig("fake"))
	cfg.Providers["fake"].Keys = []gateway.KeyConfig{{Name: "k1", Value: "secret-one"}, {Name: "k2", Value: "secret-two"}}
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)

	// k1 is refused: the gateway moves to k2 and leaves k1 out afterwards.
	fake.Script(gatewaytest.Step{Key: "k1", Err: &api.Error{Type: api.ErrUpstreamAuth, UpstreamStatus: 401, Message: "bad key"}})
	for range 6 {
		decodeChat(t, post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x")))
	}
	calls := fake.Calls()
	k1 := 0
	for _, c := range calls {
		if c.Key == "k1" {
			k1++
		}
	}
	if k1 > 1 {
		t.Errorf("k1 used %d times after being refused", k1)
	}

	// Both keys refused: an upstream_auth_error that names no secret.
	fake2 := gatewaytest.NewFake("fake", "m1")
	gw2 := gatewaytest.Start(t, cfg, gateway.Options{}, fake2)
	refuse := &api.Error{Type: api.ErrUpstreamAuth, UpstreamStatus: 403, Message: "forbidden"}
	fake2.Script(gatewaytest.Step{Err: refuse}, gatewaytest.Step{Err: refuse})
	r := post(t, gw2.URL+"/v1/chat/completions", chatBody("fake/m1", "x"))
	e := r.apiError(t)
	if r.status != 502 || e.Type != api.ErrUpstreamAuth || strings.Contains(string(r.body), "secret-") {
		t.Errorf("got %d %s", r.status, r.body)
	}

	// 429 with Retry-After cools the key for that long; the other key serves.
	fake3 := gatewaytest.NewFake("fake", "m1")
	gw3 := gatewaytest.Start(t, cfg, gateway.Options{}, fake3)
	fake3.Script(gatewaytest.Step{Key: "k2", Err: &api.Error{Type: api.ErrRateLimit, UpstreamStatus: 429, RetryAfter: time.Hour, Message: "slow down"}})
	for range 6 {
		decodeChat(t, post(t, gw3.URL+"/v1/chat/completions", chatBody("fake/m1", "x")))
	}
	k2 := 0
	for _, c := range fake3.Calls() {
		if c.Key == "k2" {
			k2++
		}
	}
	if k2 > 1 {
		t.Errorf("k2 used %d times while cooling down", k2)
	}
}

func TestModelResolution(t *testing.T) {
	fake := gatewaytest.NewFake("openai", "gpt-4o-mini", "glm-5")
	cfg := fakeConfig("openai")
	cfg.Aliases = map[string]string{"fast": "openai/gpt-4o-mini"}
	gw := gatewaytest.Start(t, cfg, gateway.Options{Catalog: catalog{"claude-x": "openai"}}, fake)
	for _, tc := range []struct{ model, want string }{
		{"openai/gpt-4o-mini", "gpt-4o-mini"},
		{"openai/openai/glm-5", "glm-5"},
		{"gpt-4o-mini", "gpt-4o-mini"},
		{"fast", "gpt-4o-mini"},
		{"claude-x", "claude-x"},
	} {
		r := post(t, gw.URL+"/v1/chat/completions", chatBody(tc.model, "x"))
		decodeChat(t, r)
		if got := r.header.Get("x-muninn-model"); got != tc.want {
			t.Errorf("%s routed to %q, want %q", tc.model, got, tc.want)
		}
	}
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("gpt-4o-mni", "x"))
	e := r.apiError(t)
	if r.status != http.StatusNotFound || e.Type != api.ErrModelNotFound || !strings.Contains(e.Message, "openai/gpt-4o-mini") {
		t.Errorf("unknown model: %d %+v", r.status, e)
	}
}

type catalog map[string]string

func (c catalog) ProviderFor(model string) (string, bool) {
	p, ok := c[model]
	return p, ok
}

func TestStreamRetriedBeforeFirstByte(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	fake.Script(gatewaytest.Step{Err: &api.Error{Type: api.ErrUpstream, UpstreamStatus: 502, Message: "bad gateway"}})
	gw := gatewaytest.Start(t, fastRetries(fakeConfig("fake")), gateway.Options{}, fake)
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "a b", `"stream":true`))
	text, _, _ := streamText(t, sseEvents(t, r.body))
	if r.status != 200 || text != "echo: a b" || r.header.Get("x-muninn-attempts") != "2" {
		t.Errorf("status %d text %q attempts %q", r.status, text, r.header.Get("x-muninn-attempts"))
	}
}

func TestStreamIdleTimeout(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	word := "x"
	// One chunk, then silence until the idle timer cancels the call.
	fake.Script(gatewaytest.Step{Endless: true, Chunks: []api.ChatChunk{{ID: "1", Model: "m1",
		Choices: []api.ChunkChoice{{Delta: api.Delta{Content: &word}}}}}})
	cfg := fakeConfig("fake")
	cfg.Timeouts.StreamIdle = gateway.Duration(time.Nanosecond)
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x", `"stream":true`))
	ev := sseEvents(t, r.body)
	if len(ev) == 0 || !strings.Contains(ev[len(ev)-1], api.ErrUpstreamTimeout) {
		t.Errorf("stream did not end with an upstream_timeout event: %q", ev)
	}
}
