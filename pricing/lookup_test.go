package pricing

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func newDefault(t *testing.T) *Catalog {
	t.Helper()
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	c.setNow(func() time.Time { return offPeak })
	return c
}

func TestLookupNames(t *testing.T) {
	c := newDefault(t)
	tests := []struct {
		provider, model      string
		wantProvider, wantID string
	}{
		{"openai", "gpt-4o-2024-08-06", "openai", "gpt-4o"},         // exact snapshot entry
		{"openai", "gpt-4o-2031-02-03", "openai", "gpt-4o"},         // unknown snapshot: date stripped
		{"openai", "gpt-4o-mini-20240718", "openai", "gpt-4o-mini"}, // compact date normalised
		{"openai", "GPT-4o", "openai", "gpt-4o"},                    // case-insensitive
		{"openai", "openai/gpt-4o", "openai", "gpt-4o"},             // provider/model naming
		{"", "gpt-4o", "openai", "gpt-4o"},                          // provider unknown: guessed from the name
		{"", "anthropic/claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet"},
		{"openai-eu", "gpt-4o", "openai", "gpt-4o"},                  // a configured name containing a known one
		{"azure", "gpt-4o-mini", "openai", "gpt-4o-mini"},            // Azure falls back to OpenAI's price list
		{"xai", "grok-3", "x-ai", "grok-3"},                          // gateway spelling of x-ai
		{"gemini", "gemini-2.0-flash", "google", "gemini-2.0-flash"}, // and of google
		{"openrouter", "anthropic/claude-3.5-sonnet", "openrouter", "anthropic/claude-3.5-sonnet"},
		{"openrouter", "anthropic/claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet"}, // not listed by openrouter: served model
		{"anthropic", "claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest"},
		{"mistral", "mistral-small-latest", "mistral", "mistral-small-latest"},
		{"fireworks", "accounts/fireworks/models/deepseek-v3-0324", "fireworks", "deepseek-v3-0324"},
		{"vertex", "gemini-2.5-pro", "google", "gemini-2.5-pro"},
	}
	for _, tt := range tests {
		r, ok := c.Lookup(tt.provider, tt.model)
		if !ok {
			t.Errorf("Lookup(%q, %q): unknown", tt.provider, tt.model)
			continue
		}
		if r.Provider != tt.wantProvider || r.Model != tt.wantID {
			t.Errorf("Lookup(%q, %q) = %s/%s, want %s/%s", tt.provider, tt.model, r.Provider, r.Model, tt.wantProvider, tt.wantID)
		}
		if r.Source != SourceEmbedded {
			t.Errorf("Lookup(%q, %q): source %q", tt.provider, tt.model, r.Source)
		}
	}
}

func TestGeminiTTSModelsAreNotPricedAsChat(t *testing.T) {
	// The source's rule for gemini-2.5-pro excludes "-tts" names with a negative
	// lookahead, which RE2 lacks; the generator rewrites it as "not ... and ...".
	c := newDefault(t)
	r, ok := c.Lookup("gemini", "gemini-2.5-pro-preview-tts")
	if ok && r.Model == "gemini-2.5-pro" {
		t.Fatalf("gemini-2.5-pro-preview-tts priced as %s", r.Model)
	}
	if r, ok := c.Lookup("gemini", "gemini-2.5-pro-preview-05-06"); !ok || r.Model != "gemini-2.5-pro" {
		t.Fatalf("gemini-2.5-pro-preview-05-06 = %+v, %v", r, ok)
	}
}

func TestUnknownModelIsNotFree(t *testing.T) {
	c := newDefault(t)
	l := NewLive(c)
	for _, pm := range [][2]string{
		{"openai", "no-such-model-xyz"},
		{"", "no-such-model-xyz"},
		{"unheard-of-provider", "mystery-1"},
		{"openai", ""},
	} {
		if r, ok := c.Lookup(pm[0], pm[1]); ok {
			t.Errorf("Lookup(%q, %q) = %+v, want unknown", pm[0], pm[1], r)
		}
		q := l.Quote(pm[0], pm[1], Usage{InputTokens: 1000, OutputTokens: 1000})
		if q.Known || q.NanoUSD != 0 {
			t.Errorf("Quote(%q, %q) = %+v, want unknown", pm[0], pm[1], q)
		}
	}
	if got := l.Unknown(); got != 4 {
		t.Fatalf("Unknown() = %d, want 4", got)
	}
	if q := l.Quote("openai", "gpt-4o", Usage{InputTokens: 1000}); !q.Known || q.NanoUSD != 2_500_000 {
		t.Fatalf("known quote = %+v", q)
	}
	if got := l.Unknown(); got != 4 {
		t.Fatalf("Unknown() after a known quote = %d, want 4", got)
	}
}

func TestLiveSwapKeepsCounter(t *testing.T) {
	l := NewLive(newDefault(t))
	l.Quote("openai", "nope", Usage{})
	cfg := DefaultConfig()
	cfg.Models = []ModelOverride{{Model: "nope", Rate: Rate{Input: dec("1"), Output: dec("2")}}}
	c2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	old := l.Swap(c2)
	if old == nil || old == c2 {
		t.Fatal("Swap did not return the previous catalog")
	}
	if q := l.Quote("openai", "nope", Usage{InputTokens: 1_000_000, OutputTokens: 1_000_000}); !q.Known || q.NanoUSD != 3*USD {
		t.Fatalf("after swap: %+v", q)
	}
	if l.Swap(nil) != c2 || l.Catalog() != c2 {
		t.Fatal("Swap(nil) must keep the catalog in force")
	}
	if l.Unknown() != 1 {
		t.Fatalf("Unknown() = %d, want 1", l.Unknown())
	}
}

func TestLiveConcurrentQuotesAndSwaps(t *testing.T) {
	l := NewLive(newDefault(t))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				m := fmt.Sprintf("gpt-4o-2030-01-%02d", i%28+1)
				if q := l.Quote("openai", m, Usage{InputTokens: 1000}); !q.Known || q.NanoUSD != 2_500_000 {
					t.Errorf("Quote(%s) = %+v", m, q)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			c, err := New(DefaultConfig())
			if err != nil {
				t.Error(err)
				return
			}
			l.Swap(c)
		}
	}()
	wg.Wait()
}

func TestProviderFor(t *testing.T) {
	c := newDefault(t)
	tests := []struct{ model, want string }{
		{"gpt-4o", "openai"},
		{"o3-mini", "openai"},
		{"text-embedding-3-small", "openai"},
		{"claude-3-5-sonnet-20241022", "anthropic"},
		{"gemini-2.5-pro", "gemini"},
		{"grok-3", "xai"},
		{"deepseek-chat", "deepseek"},
		{"mistral-large-latest", "mistral"},
		{"llama-3.3-70b-versatile", "groq"},
		{"sonar-pro", "perplexity"},
	}
	for _, tt := range tests {
		if got, ok := c.ProviderFor(tt.model); !ok || got != tt.want {
			t.Errorf("ProviderFor(%q) = %q, %v; want %q", tt.model, got, ok, tt.want)
		}
	}
	for _, m := range []string{"", "my-own-finetune", "llama3"} {
		if got, ok := c.ProviderFor(m); ok {
			t.Errorf("ProviderFor(%q) = %q, want no answer", m, got)
		}
	}
}

func TestNameVariants(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"gpt-4o-2024-08-06", "gpt-4o-2024-08-06|gpt-4o"},
		{"claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022|claude-3-5-sonnet-2024-10-22|claude-3-5-sonnet"},
		{"gpt-4-0613", "gpt-4-0613|gpt-4"},
		{"llama3-70b-8192", "llama3-70b-8192"}, // 8192 is not a month and day
		{"claude-3-5-sonnet@20241022", "claude-3-5-sonnet@20241022|claude-3-5-sonnet"},
		{"mistral-large-latest", "mistral-large-latest|mistral-large"},
		{"accounts/fireworks/models/x-1", "accounts/fireworks/models/x-1|x-1"},
	}
	for _, tt := range tests {
		if got := strings.Join(nameVariants(tt.in), "|"); got != tt.want {
			t.Errorf("nameVariants(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func dec(s string) *Decimal { d := Decimal(s); return &d }

func TestEmbeddedSourceAndAttribution(t *testing.T) {
	c := newDefault(t)
	pkg, version, integrity := c.SourceInfo()
	if pkg != "@pydantic/genai-prices" || version != "0.1.8" || !strings.HasPrefix(integrity, "sha512-") {
		t.Fatalf("SourceInfo = %q %q %q", pkg, version, integrity)
	}
	lic, err := os.ReadFile("data/LICENSE.genai-prices")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@pydantic/genai-prices 0.1.8", "The MIT License", "Pydantic Services Inc."} {
		if !strings.Contains(string(lic), want) {
			t.Errorf("attribution file lacks %q", want)
		}
	}
}

func TestEmbeddedCatalogIsSane(t *testing.T) {
	c := newDefault(t)
	models := 0
	for _, p := range c.providers {
		for _, m := range p.models {
			models++
			if len(m.prices) == 0 {
				t.Errorf("%s/%s: no prices", p.id, m.id)
			}
			for _, cd := range m.prices {
				all := append([]Rates{cd.price.Rates}, func() (rs []Rates) {
					for _, tr := range cd.price.Tiers {
						rs = append(rs, tr.Rates)
					}
					return rs
				}()...)
				for _, r := range all {
					if r.Input < 0 || r.Output < 0 || r.CacheRead < 0 || r.CacheWrite < 0 || r.CacheWrite1h < 0 || r.Reasoning < 0 {
						t.Errorf("%s/%s: negative rate %+v", p.id, m.id, r)
					}
				}
				for i := 1; i < len(cd.price.Tiers); i++ {
					if cd.price.Tiers[i].Above <= cd.price.Tiers[i-1].Above {
						t.Errorf("%s/%s: tiers out of order", p.id, m.id)
					}
				}
			}
		}
	}
	if len(c.providers) < 40 || models < 1000 {
		t.Fatalf("catalog has %d providers and %d models, want the whole source", len(c.providers), models)
	}
}
