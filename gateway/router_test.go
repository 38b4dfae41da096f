package gateway

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

type nopProvider struct {
	name   string
	models []string
}

func (p nopProvider) Name() string     { return p.name }
func (p nopProvider) Models() []string { return p.models }
func (p nopProvider) Chat(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (*api.ChatResponse, error) {
	return &api.ChatResponse{Model: at.Model}, nil
}

func nopFactory(models map[string][]string) func(provider.Config) (provider.Provider, error) {
	return func(c provider.Config) (provider.Provider, error) { return nopProvider{c.Name, models[c.Name]}, nil }
}

type mapCatalog map[string]string

func (m mapCatalog) ProviderFor(model string) (string, bool) { p, ok := m[model]; return p, ok }

func TestResolve(t *testing.T) {
	cfg := &Config{
		Providers: map[string]*ProviderConfig{
			"openai":     {Type: "openai", Models: []string{"gpt-4o"}},
			"groq":       {Type: "openai"},
			"anthropic":  {Type: "anthropic"},
			"openrouter": {Type: "openai"},
		},
		Aliases: map[string]string{"fast": "groq/llama-3.3-70b", "faster": "fast"},
	}
	tab, err := buildTable(cfg, nopFactory(map[string][]string{"groq": {"llama-3.3-70b"}}))
	if err != nil {
		t.Fatal(err)
	}
	cat := mapCatalog{"claude-sonnet-4": "anthropic", "gpt-5": "openai"}
	for _, tc := range []struct{ in, prov, model string }{
		{"openai/gpt-4o", "openai", "gpt-4o"},
		{"openai/openai/glm-5", "openai", "glm-5"},
		{"gpt-4o", "openai", "gpt-4o"},
		{"llama-3.3-70b", "groq", "llama-3.3-70b"},
		{"fast", "groq", "llama-3.3-70b"},
		{"faster", "groq", "llama-3.3-70b"},
		{"claude-sonnet-4", "anthropic", "claude-sonnet-4"},
		{"gpt-5", "openai", "gpt-5"},
		{"openrouter/meta/llama-3", "openrouter", "meta/llama-3"},
	} {
		tg, e := tab.resolve(tc.in, cat)
		if e != nil || tg.up.name != tc.prov || tg.model != tc.model {
			t.Errorf("%s -> %v %q (%v), want %s %s", tc.in, tg.up, tg.model, e, tc.prov, tc.model)
		}
	}
	_, e := tab.resolve("gpt-4", cat)
	if e == nil || e.Type != api.ErrModelNotFound || e.Status != 404 {
		t.Fatalf("unknown model: %+v", e)
	}
	_, e = tab.resolve("claude-sonet-4", nil)
	if e == nil {
		t.Fatal("resolved without catalog")
	}
}

func TestCloseMatches(t *testing.T) {
	names := []string{"openai/gpt-4o", "openai/gpt-4o-mini", "groq/llama-3.3-70b", "fast"}
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"gpt-4o-mni", "openai/gpt-4o-mini"},
		{"opnai/gpt-4o", "openai/gpt-4o"},
		{"grok/llama-3.3-70b", "groq/llama-3.3-70b"},
		{"fats", "fast"},
	} {
		if got := closeMatches(tc.in, names, 3); !slices.Contains(got, tc.want) {
			t.Errorf("%s: %v, want %s among them", tc.in, got, tc.want)
		}
	}
	if got := closeMatches("totally-different", names, 3); len(got) != 0 {
		t.Errorf("unrelated: %v", got)
	}
}

func TestPickKeyWeightsAndCooldown(t *testing.T) {
	keys := []*keyState{
		{key: provider.Key{Name: "a"}, weight: 3},
		{key: provider.Key{Name: "b"}, weight: 1},
		{key: provider.Key{Name: "c"}, weight: 1, models: map[string]struct{}{"special": {}}},
		{key: provider.Key{Name: "z"}, weight: 0},
	}
	now := time.Now()
	counts := map[string]int{}
	for range 4000 {
		i, p := pickKey(keys, "m", 0, now)
		if p != keyOK {
			t.Fatal(p)
		}
		counts[keys[i].key.Name]++
	}
	if counts["c"] != 0 || counts["z"] != 0 || counts["a"] < 2600 || counts["a"] > 3400 {
		t.Errorf("distribution %v, want a:b about 3:1, never c or z", counts)
	}
	keys[0].coolDown(time.Minute, now)
	keys[1].coolDown(time.Minute, now)
	if i, p := pickKey(keys, "m", 0, now); p != keyOK || keys[i].key.Name != "z" {
		t.Errorf("with weighted keys cooling, want the zero-weight key, got %v", p)
	}
	if _, p := pickKey(keys, "m", 1<<3, now); p != keyCooling {
		t.Errorf("all cooling: %v", p)
	}
	if _, p := pickKey(keys, "m", 0, now.Add(2*time.Minute)); p != keyOK {
		t.Errorf("after cool-down: %v", p)
	}
	if _, p := pickKey(keys[2:3], "m", 0, now); p != keyNoModel {
		t.Errorf("restricted key: %v", p)
	}
	if _, p := pickKey(nil, "m", 0, now); p != keyNone {
		t.Errorf("no keys: %v", p)
	}
}

func TestBackoffCapped(t *testing.T) {
	p := retryPolicy{initial: 100 * time.Millisecond, maxBackoff: time.Second}
	for n := range 10 {
		d := p.backoff(n)
		want := min(100*time.Millisecond<<n, time.Second)
		if d < want/2 || d > want {
			t.Errorf("backoff(%d) = %v, want in [%v, %v]", n, d, want/2, want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		e    *api.Error
		want outcome
	}{
		{&api.Error{Type: api.ErrUpstream, UpstreamStatus: 502}, outRetry},
		{&api.Error{Type: api.ErrRateLimit, UpstreamStatus: 429}, outRetry},
		{&api.Error{Type: api.ErrUpstreamTimeout}, outRetry},
		{&api.Error{Type: api.ErrUpstreamUnavail}, outRetry},
		{&api.Error{Type: api.ErrUpstreamAuth, UpstreamStatus: 401}, outNextKey},
		{&api.Error{Type: api.ErrPermission, UpstreamStatus: 403}, outNextKey},
		{&api.Error{Type: api.ErrModelNotFound, UpstreamStatus: 404}, outFallback},
		{&api.Error{Type: api.ErrInvalidRequest, UpstreamStatus: 400}, outFatal},
		{&api.Error{Type: api.ErrContextCanceled}, outFatal},
	} {
		if got := classify(tc.e); got != tc.want {
			t.Errorf("%s/%d: %v, want %v", tc.e.Type, tc.e.UpstreamStatus, got, tc.want)
		}
	}
}
