package gatewaytest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

func TestBadInput(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fakeConfig("fake")
	cfg.Limits.MaxBodyBytes = 4096
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	chat := gw.URL + "/v1/chat/completions"
	cases := []struct {
		name      string
		path      string
		body      string
		headers   []string
		status    int
		typ       string
		wantInMsg string
	}{
		{"malformed json", chat, `{"model":"fake/m1",`, nil, 400, api.ErrInvalidRequest, "malformed JSON"},
		{"not an object", chat, `[1,2]`, nil, 400, api.ErrInvalidRequest, "JSON object"},
		{"wrong type", chat, `{"model":5,"messages":[]}`, nil, 400, api.ErrInvalidRequest, "model"},
		{"wrong nested type", chat, `{"model":"fake/m1","messages":[{"role":"user","content":5}]}`, nil, 400, api.ErrInvalidRequest, "content"},
		{"missing model", chat, `{"messages":[{"role":"user","content":"x"}]}`, nil, 400, api.ErrInvalidRequest, "model: required"},
		{"empty messages", chat, `{"model":"fake/m1","messages":[]}`, nil, 400, api.ErrInvalidRequest, "messages"},
		{"missing role", chat, `{"model":"fake/m1","messages":[{"content":"x"}]}`, nil, 400, api.ErrInvalidRequest, "messages[0].role"},
		{"absurd max_tokens", chat, chatBody("fake/m1", "x", `"max_tokens":999999999`), nil, 400, api.ErrInvalidRequest, "max_tokens"},
		{"absurd n", chat, chatBody("fake/m1", "x", `"n":100000`), nil, 400, api.ErrInvalidRequest, "n:"},
		{"negative n", chat, chatBody("fake/m1", "x", `"n":-1`), nil, 400, api.ErrInvalidRequest, "n:"},
		{"invalid utf8", chat, "{\"model\":\"fake/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}", nil, 400, api.ErrInvalidRequest, "UTF-8"},
		{"empty body", chat, ` `, []string{"Content-Type", "application/json"}, 400, api.ErrInvalidRequest, "empty"},
		{"wrong content type", chat, chatBody("fake/m1", "x"), []string{"Content-Type", "text/plain"}, 415, api.ErrInvalidRequest, "JSON"},
		{"body too large", chat, chatBody("fake/m1", strings.Repeat("a", 5000)), nil, 413, api.ErrInvalidRequest, "limit"},
		{"unknown model", chat, chatBody("nope/zzz", "x"), nil, 404, api.ErrModelNotFound, "nope/zzz"},
		{"unknown path", gw.URL + "/v1/nothing", `{}`, nil, 404, api.ErrNotFound, "unknown path"},
		{"embeddings without input", gw.URL + "/v1/embeddings", `{"model":"fake/m1"}`, nil, 400, api.ErrInvalidRequest, "input"},
		{"embeddings bad format", gw.URL + "/v1/embeddings", `{"model":"fake/m1","input":"x","encoding_format":"hex"}`, nil, 400, api.ErrInvalidRequest, "encoding_format"},
		{"completions without prompt", gw.URL + "/v1/completions", `{"model":"fake/m1"}`, nil, 400, api.ErrInvalidRequest, "prompt"},
		{"bad fallbacks header", chat, chatBody("fake/m1", "x"), []string{"x-muninn-fallbacks", "nope/zzz"}, 404, api.ErrModelNotFound, "fallback"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, tc.path, tc.body, tc.headers...)
			e := r.apiError(t)
			if r.status != tc.status || e.Type != tc.typ || !strings.Contains(e.Message, tc.wantInMsg) {
				t.Errorf("got %d %s %q; want %d %s containing %q", r.status, e.Type, e.Message, tc.status, tc.typ, tc.wantInMsg)
			}
		})
	}
	r := do(t, http.MethodGet, chat, "")
	if r.status != http.StatusMethodNotAllowed || r.apiError(t).Type != api.ErrInvalidRequest {
		t.Errorf("GET chat: %d %s", r.status, r.body)
	}
	if len(fake.Calls()) != 0 {
		t.Errorf("bad requests reached the provider: %d calls", len(fake.Calls()))
	}
}

func TestUpstreamErrorClasses(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fastRetries(fakeConfig("fake"))
	zero := 0
	cfg.Retries.Max = &zero
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	for _, tc := range []struct {
		err    *api.Error
		status int
	}{
		{&api.Error{Type: api.ErrUpstreamTimeout, Message: "slow"}, 504},
		{&api.Error{Type: api.ErrUpstreamUnavail, Message: "refused"}, 502},
		{&api.Error{Type: api.ErrUpstream, UpstreamStatus: 500, Message: "oops"}, 502},
		{&api.Error{Status: 429, Type: api.ErrRateLimit, UpstreamStatus: 429, Message: "slow down"}, 429},
		{&api.Error{Status: 400, Type: api.ErrContextLength, UpstreamStatus: 400, Message: "too long"}, 400},
		{&api.Error{Status: 400, Type: api.ErrContentFilter, UpstreamStatus: 400, Message: "filtered"}, 400},
	} {
		t.Run(tc.err.Type, func(t *testing.T) {
			fake.Script(gatewaytest.Step{Err: tc.err})
			r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x"))
			if e := r.apiError(t); r.status != tc.status || e.Type != tc.err.Type {
				t.Errorf("got %d %s, want %d %s", r.status, e.Type, tc.status, tc.err.Type)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fakeConfig("fake")
	cfg.Auth.Keys = []gateway.GatewayKey{{Name: "team-a", Value: "sk-team-a-123"}, {Name: "ops", Value: "sk-ops-admin-1", Admin: true}}
	seen := &recorder{name: "rec"}
	admin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("admin ok")) })
	gw := gatewaytest.Start(t, cfg, gateway.Options{Plugins: []gateway.Plugin{seen}, Routes: []gateway.Route{
		{Method: "GET", Path: "/admin/", Handler: admin, Admin: true},
		{Path: "/metrics", Handler: admin, Public: true},
	}}, fake)
	chat := gw.URL + "/v1/chat/completions"
	body := chatBody("fake/m1", "x")
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"no key", nil, 401},
		{"wrong key", []string{"Authorization", "Bearer nope-nope-nope"}, 401},
		{"bearer", []string{"Authorization", "Bearer sk-team-a-123"}, 200},
		{"x-api-key", []string{"x-api-key", "sk-team-a-123"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, chat, body, tc.headers...)
			if r.status != tc.status {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if tc.status == 401 && r.apiError(t).Type != api.ErrAuthentication {
				t.Errorf("type %s", r.apiError(t).Type)
			}
		})
	}
	if tenants := seen.tenants(); len(tenants) != 2 || tenants[0] != "team-a" {
		t.Errorf("tenants seen by the plugin: %v", tenants)
	}
	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/admin/keys", "", 401},
		{"/admin/keys", "sk-team-a-123", 403},
		{"/admin/keys", "sk-ops-admin-1", 200},
		{"/metrics", "", 200},
		{"/v1/models", "", 401},
		{"/healthz", "", 200},
	} {
		var h []string
		if tc.key != "" {
			h = []string{"Authorization", "Bearer " + tc.key}
		}
		if r := do(t, http.MethodGet, gw.URL+tc.path, "", h...); r.status != tc.status {
			t.Errorf("GET %s key %q: %d, want %d (%s)", tc.path, tc.key, r.status, tc.status, r.body)
		}
	}
}

func TestListenWithoutKeys(t *testing.T) {
	cfg := &gateway.Config{}
	for _, tc := range []struct {
		addr  string
		allow bool
		ok    bool
	}{
		{"127.0.0.1:8080", false, true},
		{"localhost:8080", false, true},
		{"[::1]:8080", false, true},
		{"0.0.0.0:8080", false, false},
		{"0.0.0.0:8080", true, true},
	} {
		cfg.Auth.AllowUnauthenticated = tc.allow
		msg, err := gateway.CheckListen(cfg, tc.addr)
		if (err == nil) != tc.ok || (err == nil && msg == "") {
			t.Errorf("%s allow=%v: %q %v", tc.addr, tc.allow, msg, err)
		}
	}
	cfg.Auth.Keys = []gateway.GatewayKey{{Name: "a", Value: "12345678"}}
	if _, err := gateway.CheckListen(cfg, "0.0.0.0:1"); err != nil {
		t.Errorf("with keys: %v", err)
	}
}
