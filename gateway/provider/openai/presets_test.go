package openai

import (
	"context"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

func TestPresetChoiceAndURLs(t *testing.T) {
	cases := []struct {
		cfg    provider.Config
		preset string
		url    string // chat URL for model "m"
		models string
	}{
		{cfg: provider.Config{Name: "openai", Type: "openai"}, preset: "openai", url: "https://api.openai.com/v1/chat/completions"},
		{cfg: provider.Config{Name: "groq", Type: "openai"}, preset: "groq", url: "https://api.groq.com/openai/v1/chat/completions"},
		{cfg: provider.Config{Name: "fast", Type: "groq"}, preset: "groq", url: "https://api.groq.com/openai/v1/chat/completions"},
		{cfg: provider.Config{Name: "x", Type: "openai", Preset: "gemini"}, preset: "gemini",
			url: "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"},
		{cfg: provider.Config{Name: "local", Type: "openai", BaseURL: "http://127.0.0.1:8000/"}, preset: "",
			url: "http://127.0.0.1:8000/v1/chat/completions"},
		{cfg: provider.Config{Name: "local", Type: "openai", BaseURL: "http://h:1/api/v2"}, preset: "", url: "http://h:1/api/v2/chat/completions"},
		{cfg: provider.Config{Name: "pplx", Type: "perplexity"}, preset: "perplexity", url: "https://api.perplexity.ai/chat/completions"},
		{cfg: provider.Config{Name: "az", Type: "azure", BaseURL: "https://r.openai.azure.com",
			Deployments: map[string]string{"m": "my-dep", "gpt-4o": "g4"}}, preset: "azure",
			url: "https://r.openai.azure.com/openai/deployments/my-dep/chat/completions?api-version=2024-10-21", models: "gpt-4o,m"},
		{cfg: provider.Config{Name: "az", Type: "azure", BaseURL: "https://r.openai.azure.com/openai", APIVersion: "2025-01-01-preview"}, preset: "azure",
			url: "https://r.openai.azure.com/openai/deployments/m/chat/completions?api-version=2025-01-01-preview"},
		{cfg: provider.Config{Name: "az", Type: "azure", BaseURL: "https://r.openai.azure.com/openai/v1"}, preset: "azure",
			url: "https://r.openai.azure.com/openai/v1/chat/completions"},
		{cfg: provider.Config{Name: "ollama", Type: "openai", Models: []string{"a", "b", "a"}}, preset: "ollama",
			url: "http://localhost:11434/v1/chat/completions", models: "a,b"},
	}
	for _, c := range cases {
		pr, err := provider.New(c.cfg)
		if err != nil {
			t.Fatalf("%+v: %v", c.cfg, err)
		}
		p := pr.(*Provider)
		if p.Preset().Name != c.preset {
			t.Errorf("%+v: preset %q, want %q", c.cfg, p.Preset().Name, c.preset)
		}
		if got := p.endpoint("/chat/completions", "m"); got != c.url {
			t.Errorf("%+v: url %q, want %q", c.cfg, got, c.url)
		}
		if c.models != "" && strings.Join(p.Models(), ",") != c.models {
			t.Errorf("%+v: models %v, want %s", c.cfg, p.Models(), c.models)
		}
	}
}

func TestPresetErrors(t *testing.T) {
	for _, cfg := range []provider.Config{
		{Name: "a", Type: "openai", Preset: "nope"},
		{Name: "az", Type: "azure"},
		{Name: "a", Type: "openai", BaseURL: "ftp://x"},
		{Name: "a", Type: "openai", BaseURL: "http://x/v1?a=b"},
		{Name: "a", Type: "openai", BaseURL: "not a url"},
		{Name: "a", Type: "openai", Headers: map[string]string{"x-bad": "a\r\nb"}},
	} {
		if _, err := provider.New(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestPresetsRegistered(t *testing.T) {
	types := strings.Join(provider.Types(), ",")
	for _, p := range Presets() {
		if !strings.Contains(","+types+",", ","+p.Name+",") {
			t.Errorf("preset %s is not a registered type (%s)", p.Name, types)
		}
		if !p.NeedsBaseURL && p.BaseURL == "" {
			t.Errorf("preset %s has no base URL", p.Name)
		}
	}
}

func TestAzureAgainstFake(t *testing.T) {
	p, s := newTest(t, provider.Config{Name: "az", Type: "azure", APIVersion: "2024-06-01", Deployments: map[string]string{"gpt-4o": "prod-4o"}})
	_, err := p.Chat(context.Background(), attempt("gpt-4o"), chatReq(t, `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.LastRequest()
	if r.Path != "/openai/deployments/prod-4o/chat/completions" || r.Query != "api-version=2024-06-01" ||
		r.Header.Get("Api-Key") != testKey || r.Header.Get("Authorization") != "" {
		t.Fatalf("azure request %s?%s %v", r.Path, r.Query, r.Header)
	}
}

func TestNoKeyNoAuth(t *testing.T) {
	p, s := newTest(t, provider.Config{Name: "ollama"})
	at := attempt("llama3.2")
	at.Key = provider.Key{}
	if _, err := p.Chat(context.Background(), at, chatReq(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.LastRequest(); r.Header.Get("Authorization") != "" {
		t.Fatalf("auth sent without a key: %v", r.Header)
	}
}

func TestConformance(t *testing.T) {
	for _, mode := range transports {
		t.Run(mode, func(t *testing.T) {
			providertest.Conformance(t, func(base string) (provider.Provider, error) {
				p, err := newProvider(provider.Config{Name: "conf", Type: "openai", BaseURL: base})
				if err == nil && mode == "nethttp" {
					p.client.UseNetHTTP()
				}
				return p, err
			})
		})
	}
}
