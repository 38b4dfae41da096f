package costing

import (
	"testing"

	"github.com/muninn-gw/muninn/gateway/provider/openai"
	"github.com/muninn-gw/muninn/pricing"
)

// anthropicModels are the models of the native Anthropic provider type, which has no
// OpenAI-compatible preset.
var anthropicModels = []string{"claude-3-5-sonnet-20241022", "claude-3-5-haiku-20241022", "claude-3-7-sonnet-20250219",
	"claude-sonnet-4-20250514", "claude-opus-4-1-20250805", "claude-sonnet-4-5", "claude-haiku-4-5"}

// unpriced are preset example models the pinned source has no price for, and why. They
// are priced "unknown" (never 0) until configured; the test fails when one gains a price,
// so the list stays true.
var unpriced = map[string]string{
	"fireworks/accounts/fireworks/models/deepseek-v3": "the source lists Fireworks' deepseek-v3-0324, not deepseek-v3",
	"gemini/text-embedding-004":                       "the source lists gemini-embedding-001 and gemini-embedding-2 only",
	"nvidia/meta/llama-3.3-70b-instruct":              "NVIDIA's API catalog publishes no per-token price",
	"together/Qwen/Qwen2.5-72B-Instruct-Turbo":        "not in the source's Together list nor its Hugging Face pass-through list",
}

// TestEveryPresetModelHasAPrice checks that every model the gateway's presets list
// resolves to a price with the default configuration.
func TestEveryPresetModelHasAPrice(t *testing.T) {
	c, err := pricing.New(pricing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	check := func(preset, model string) {
		r, ok := c.Lookup(preset, model)
		if why, listed := unpriced[preset+"/"+model]; listed {
			if ok {
				t.Errorf("%s/%s is listed as unpriced (%s) but resolves to %s/%s: update the list", preset, model, why, r.Provider, r.Model)
			}
			return
		}
		if !ok {
			t.Errorf("%s/%s: no price", preset, model)
			return
		}
		if r.Source == pricing.SourceEmbedded && r.Price.Input <= 0 {
			t.Errorf("%s/%s: embedded input price is %d", preset, model, r.Price.Input)
		}
	}
	presets := openai.Presets()
	if len(presets) < 15 {
		t.Fatalf("only %d presets", len(presets))
	}
	for _, p := range presets {
		for _, m := range p.Models {
			check(p.Name, m)
		}
	}
	for _, m := range anthropicModels {
		check("anthropic", m)
	}
}

// TestSelfHostedPresetsAreFree checks the self-hosted presets are priced at 0 by default,
// whatever the model.
func TestSelfHostedPresetsAreFree(t *testing.T) {
	c, err := pricing.New(pricing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pricing.SelfHostedProviders {
		if _, ok := openai.LookupPreset(p); !ok && p != "muninn" { // muninn: in-process models
			t.Errorf("%s is not a gateway preset", p)
		}
		r, ok := c.Lookup(p, "some-local-model")
		if !ok || r.Source != pricing.SourceConfig || r.Price.Rates != (pricing.Rates{}) {
			t.Errorf("%s: %+v, %v; want free", p, r, ok)
		}
	}
}
