package costing

import (
	"context"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/pricing"
)

func newPlugin(t *testing.T) (*Plugin, *pricing.Live) {
	t.Helper()
	c, err := pricing.New(pricing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	l := pricing.NewLive(c)
	return New(l), l
}

func header(c *gateway.Call, name string) (string, bool) {
	for _, h := range c.ResponseHeaders() {
		if h[0] == name {
			return h[1], true
		}
	}
	return "", false
}

func usage(prompt, cached, completion int) *api.Usage {
	return &api.Usage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion,
		PromptTokensDetails: &api.PromptTokensDetails{CachedTokens: cached}}
}

func TestPostHook(t *testing.T) {
	tests := []struct {
		name        string
		call        gateway.Call
		want        gateway.CostInfo
		wantHeader  string // "" when absent
		wantSaved   string
		wantUnknown uint64
	}{
		{
			// gpt-4o: 600×2500 + 400×1250 + 500×10000 nano-USD.
			name: "priced response",
			call: gateway.Call{Provider: "openai", Model: "gpt-4o-2024-08-06", Usage: usage(1000, 400, 500), Status: 200},
			want: gateway.CostInfo{NanoUSD: 7_000_000, Known: true}, wantHeader: "0.007",
		},
		{
			// Anthropic cache writes: 1000×3000 + 1000×3750 + 100×15000.
			name: "anthropic cache write",
			call: gateway.Call{Provider: "anthropic", Model: "claude-3-5-sonnet-20241022", Status: 200,
				Usage: &api.Usage{PromptTokens: 2000, CompletionTokens: 100,
					PromptTokensDetails: &api.PromptTokensDetails{CacheCreationTokens: 1000}}},
			want: gateway.CostInfo{NanoUSD: 8_250_000, Known: true}, wantHeader: "0.00825",
		},
		{
			// Embeddings carry only prompt tokens: 1234×20.
			name: "embeddings",
			call: gateway.Call{Endpoint: gateway.EndpointEmbeddings, Provider: "openai", Model: "text-embedding-3-small",
				Usage: &api.Usage{PromptTokens: 1234, TotalTokens: 1234}, Status: 200},
			want: gateway.CostInfo{NanoUSD: 24_680, Known: true}, wantHeader: "0.00002468",
		},
		{
			name: "streamed response gets no header",
			call: gateway.Call{Provider: "openai", Model: "gpt-4o", Stream: true, Usage: usage(1000, 400, 500), Status: 200},
			want: gateway.CostInfo{NanoUSD: 7_000_000, Known: true},
		},
		{
			name: "unknown model is unknown, not free",
			call: gateway.Call{Provider: "openai", Model: "gpt-nonexistent-9", Usage: usage(1000, 0, 10), Status: 200},
			want: gateway.CostInfo{}, wantUnknown: 1,
		},
		{
			name: "no usage on a successful stream is unknown",
			call: gateway.Call{Provider: "openai", Model: "gpt-4o", Stream: true, Status: 200},
			want: gateway.CostInfo{},
		},
		{
			name: "refused before any upstream call costs nothing",
			call: gateway.Call{RequestedModel: "gpt-4o", Status: 400, Err: &api.Error{Type: "invalid_request_error"}},
			want: gateway.CostInfo{Known: true}, wantHeader: "0",
		},
		{
			name: "upstream error status costs nothing",
			call: gateway.Call{Provider: "openai", Model: "gpt-4o", Status: 429, Err: &api.Error{Type: "rate_limit_error"},
				Attempts: []gateway.Attempt{{Provider: "openai", Status: 429, ErrorType: "rate_limit_error"}}},
			want: gateway.CostInfo{Known: true}, wantHeader: "0",
		},
		{
			name: "upstream timeout may have been billed",
			call: gateway.Call{Provider: "openai", Model: "gpt-4o", Status: 504, Err: &api.Error{Type: "timeout_error"},
				Attempts: []gateway.Attempt{{Provider: "openai", Status: 0, ErrorType: "timeout_error"}}},
			want: gateway.CostInfo{},
		},
		{
			// A hit costs nothing; it saved the original response's price:
			// claude-3.5-sonnet 1000×3000 + 200×15000.
			name: "cache hit records savings",
			call: gateway.Call{Provider: "openai", Model: "gpt-4o", Status: 200, Usage: usage(1000, 0, 200),
				Cache: gateway.CacheInfo{Status: "hit-semantic", SavedUsage: usage(1000, 0, 200),
					SavedProvider: "anthropic", SavedModel: "claude-3-5-sonnet-20241022"}},
			want: gateway.CostInfo{NanoUSD: 0, Known: true, SavedNanoUSD: 6_000_000}, wantHeader: "0", wantSaved: "0.006",
		},
		{
			// Without a saved model, the call's own model prices the savings: gpt-4o 1000×2500.
			name: "exact hit falls back to the call's model",
			call: gateway.Call{RequestedModel: "gpt-4o", Status: 200,
				Cache: gateway.CacheInfo{Status: "hit-exact", SavedUsage: usage(1000, 0, 0)}},
			want: gateway.CostInfo{Known: true, SavedNanoUSD: 2_500_000}, wantHeader: "0", wantSaved: "0.0025",
		},
		{
			name: "hit of an unknown model saved an unknown amount",
			call: gateway.Call{Status: 200, Cache: gateway.CacheInfo{Status: "hit-exact", SavedUsage: usage(10, 0, 10),
				SavedProvider: "openai", SavedModel: "gpt-nonexistent-9"}},
			want: gateway.CostInfo{Known: true}, wantHeader: "0", wantUnknown: 1,
		},
		{
			// A miss is priced like any response.
			name: "cache miss",
			call: gateway.Call{Provider: "groq", Model: "llama-3.3-70b-versatile", Status: 200, Usage: usage(1000, 0, 1000),
				Cache: gateway.CacheInfo{Status: "miss"}},
			want: gateway.CostInfo{NanoUSD: 1_380_000, Known: true}, wantHeader: "0.00138",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, l := newPlugin(t)
			c := tt.call
			if r, err := p.PreHook(context.Background(), &c); r != nil || err != nil {
				t.Fatalf("PreHook = %v, %v", r, err)
			}
			if err := p.PostHook(context.Background(), &c); err != nil {
				t.Fatal(err)
			}
			if c.Cost != tt.want {
				t.Errorf("Cost = %+v, want %+v", c.Cost, tt.want)
			}
			got, ok := header(&c, HeaderCost)
			if tt.wantHeader == "" && ok {
				t.Errorf("%s = %q, want no header", HeaderCost, got)
			}
			if tt.wantHeader != "" && got != tt.wantHeader {
				t.Errorf("%s = %q, want %q", HeaderCost, got, tt.wantHeader)
			}
			if saved, _ := header(&c, HeaderSaved); saved != tt.wantSaved {
				t.Errorf("%s = %q, want %q", HeaderSaved, saved, tt.wantSaved)
			}
			if l.Unknown() != tt.wantUnknown {
				t.Errorf("unknown counter = %d, want %d", l.Unknown(), tt.wantUnknown)
			}
		})
	}
}

func TestPostHookOverwritesStaleCost(t *testing.T) {
	// Calls are pooled: a previous request's cost must not survive.
	p, _ := newPlugin(t)
	c := gateway.Call{Provider: "openai", Model: "gpt-nonexistent-9", Usage: usage(1, 0, 1),
		Cost: gateway.CostInfo{NanoUSD: 99, Known: true, SavedNanoUSD: 7}}
	if err := p.PostHook(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	if c.Cost != (gateway.CostInfo{}) {
		t.Fatalf("Cost = %+v, want unknown", c.Cost)
	}
}

func TestModelCatalogAdapter(t *testing.T) {
	_, l := newPlugin(t)
	mc := ModelCatalog(l)
	for model, want := range map[string]string{"gpt-4o-mini": "openai", "claude-3-5-haiku-20241022": "anthropic", "gemini-2.0-flash": "gemini", "grok-3": "xai"} {
		if got, ok := mc.ProviderFor(model); !ok || got != want {
			t.Errorf("ProviderFor(%q) = %q, %v; want %q", model, got, ok, want)
		}
	}
	if got, ok := mc.ProviderFor("house-finetune-7"); ok {
		t.Errorf("ProviderFor(house-finetune-7) = %q, want no answer", got)
	}
}

func TestUsageOf(t *testing.T) {
	u := &api.Usage{PromptTokens: 100, CompletionTokens: 50,
		PromptTokensDetails:     &api.PromptTokensDetails{CachedTokens: 30, CacheCreationTokens: 20},
		CompletionTokensDetails: &api.CompletionTokensDetails{ReasoningTokens: 10}}
	want := pricing.Usage{InputTokens: 100, CacheReadTokens: 30, CacheWriteTokens: 20, OutputTokens: 50, ReasoningTokens: 10}
	if got := UsageOf(u); got != want {
		t.Fatalf("UsageOf = %+v, want %+v", got, want)
	}
	if got := UsageOf(nil); got != (pricing.Usage{}) {
		t.Fatalf("UsageOf(nil) = %+v", got)
	}
}

func newPluginB() (*Plugin, error) {
	c, err := pricing.New(pricing.DefaultConfig())
	if err != nil {
		return nil, err
	}
	return New(pricing.NewLive(c)), nil
}
