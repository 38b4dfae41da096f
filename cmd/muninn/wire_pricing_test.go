package main

import (
	"log/slog"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/pricing"
)

func TestBuildPricing(t *testing.T) {
	cfg := &gateway.Config{
		Providers: map[string]*gateway.ProviderConfig{
			"groq":      {Type: "openai"},                 // preset from its name
			"gpu-box":   {Type: "openai", Preset: "vllm"}, // self-hosted: free by default
			"claude-eu": {Type: "anthropic"},
		},
		Pricing: []byte(`{"models":[{"provider":"groq","model":"house","input_per_mtok":1,"output_per_mtok":1}]}`),
	}
	cat, err := buildPricing(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u := pricing.Usage{InputTokens: 1000, OutputTokens: 1000}
	tests := []struct {
		provider, model string
		want            pricing.NanoUSD
	}{
		{"groq", "llama-3.3-70b-versatile", 1_380_000},
		{"groq", "house", 2_000_000},
		{"gpu-box", "llama-3.1-8b", 0},
		{"claude-eu", "claude-3-5-sonnet-20241022", 18_000_000},
	}
	for _, tt := range tests {
		q := cat.Quote(tt.provider, tt.model, u)
		if !q.Known || q.NanoUSD != tt.want {
			t.Errorf("Quote(%s, %s) = %+v, want %d", tt.provider, tt.model, q, tt.want)
		}
	}
	cfg.Pricing = []byte(`{"model":[]}`)
	if _, err := buildPricing(cfg); err == nil {
		t.Fatal("unknown field in the pricing section: want an error")
	}
}

func TestWireCostingAndReload(t *testing.T) {
	cfg := &gateway.Config{Pricing: []byte(`{"models":[{"model":"house","input_per_mtok":1,"output_per_mtok":1}]}`)}
	w := &wiring{Config: cfg, Log: slog.Default()}
	if err := wireCosting(w); err != nil {
		t.Fatal(err)
	}
	if len(w.Plugins()) != 1 || w.Plugins()[0].Name() != "costing" || w.catalog == nil {
		t.Fatalf("wiring = %+v", w)
	}
	if p, ok := w.catalog.ProviderFor("gpt-4o"); !ok || p != "openai" {
		t.Fatalf("catalog ProviderFor(gpt-4o) = %q, %v", p, ok)
	}
	u := pricing.Usage{InputTokens: 1_000_000}
	if q := pricingLive.Quote("any", "house", u); q.NanoUSD != pricing.USD {
		t.Fatalf("before reload: %+v", q)
	}
	reloaded := &gateway.Config{Pricing: []byte(`{"models":[{"model":"house","input_per_mtok":2,"output_per_mtok":2}]}`)}
	if err := reloadPricing(reloaded); err != nil {
		t.Fatal(err)
	}
	if q := pricingLive.Quote("any", "house", u); q.NanoUSD != 2*pricing.USD {
		t.Fatalf("after reload: %+v", q)
	}
	bad := &gateway.Config{Pricing: []byte(`{"models":[{"model":"house"}]}`)}
	if err := reloadPricing(bad); err == nil {
		t.Fatal("bad section: want an error")
	}
	if q := pricingLive.Quote("any", "house", u); q.NanoUSD != 2*pricing.USD {
		t.Fatalf("a rejected reload changed prices: %+v", q)
	}
}
