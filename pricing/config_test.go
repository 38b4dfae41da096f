package pricing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeConfigIsStrict(t *testing.T) {
	bad := []struct{ name, json, want string }{
		{"unknown field", `{"modles": []}`, "unknown field"},
		{"unknown rate field", `{"models":[{"model":"x","input_per_token":1}]}`, "unknown field"},
		{"negative", `{"models":[{"model":"x","input_per_mtok":-1}]}`, "negative"},
		{"not a number", `{"models":[{"model":"x","input_per_mtok":"cheap"}]}`, "invalid number"},
		{"trailing", `{} {}`, "trailing"},
	}
	for _, tt := range bad {
		_, err := DecodeConfig(strings.NewReader(tt.json))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	cfg, err := DecodeConfig(strings.NewReader(`{"provider_aliases":{"openai-eu":"openai"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Providers["vllm"].Free || !cfg.Providers["ollama"].Free || !cfg.Providers["lmstudio"].Free {
		t.Fatalf("defaults lost: %+v", cfg.Providers)
	}
}

func TestNewRejectsBadOverrides(t *testing.T) {
	bad := []struct {
		name string
		json string
		want string
	}{
		{"no rate", `{"models":[{"model":"x"}]}`, "no rate"},
		{"empty model", `{"models":[{"model":" ","input_per_mtok":1}]}`, "model is empty"},
		{"free with rates", `{"providers":{"p":{"free":true,"input_per_mtok":1}}}`, "free excludes"},
		{"zero tokens per second", `{"providers":{"p":{"gpu":{"usd_per_hour":2,"tokens_per_second":0}}}}`, "divisor"},
		{"gpu without throughput", `{"providers":{"p":{"gpu":{"usd_per_hour":2}}}}`, "needs usd_per_hour and tokens_per_second"},
		{"gpu and rates", `{"providers":{"p":{"gpu":{"usd_per_hour":2,"tokens_per_second":10},"input_per_mtok":1}}}`, "gpu excludes"},
		{"tiers out of order", `{"models":[{"model":"x","input_per_mtok":1,"tiers":[{"above_input_tokens":10,"input_per_mtok":2},{"above_input_tokens":5,"input_per_mtok":3}]}]}`, "must increase"},
		{"alias without provider", `{"models":[{"model":"x","same_as":"gpt-4o"}]}`, "provider/model"},
		{"alias to nothing", `{"models":[{"model":"x","same_as":"openai/no-such-model"}]}`, "has no price"},
		{"alias cycle", `{"models":[{"provider":"a","model":"x","same_as":"a/y"},{"provider":"a","model":"y","same_as":"a/x"}]}`, "has no price"},
		{"missing sheet", `{"litellm_files":["/nonexistent/prices.json"]}`, "litellm sheet"},
	}
	for _, tt := range bad {
		cfg, err := DecodeConfig(strings.NewReader(tt.json))
		if err != nil {
			t.Errorf("%s: decode: %v", tt.name, err)
			continue
		}
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	sheet := filepath.Join(t.TempDir(), "model_prices_and_context_window.json")
	// A LiteLLM sheet: per-token USD as JSON floats, provider prefixes in keys, a 200k
	// tier, and entries Muninn must skip (images, the sample spec).
	if err := os.WriteFile(sheet, []byte(`{
  "sample_spec": {"input_cost_per_token": 0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "one of chat"},
  "gpt-4o": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "cache_read_input_token_cost": 1e-06, "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 128000},
  "gemini/gemini-2.5-pro": {"input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05, "input_cost_per_token_above_200k_tokens": 2.5e-06, "output_cost_per_token_above_200k_tokens": 1.5e-05, "litellm_provider": "gemini", "mode": "chat"},
  "claude-sheet-model": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06, "cache_read_input_token_cost": 3e-07, "litellm_provider": "anthropic", "mode": "chat"},
  "hosted_vllm/my-llama": {"input_cost_per_token": 7.5e-08, "output_cost_per_token": 7.5e-08, "litellm_provider": "hosted_vllm", "mode": "chat"},
  "dall-e-3": {"output_cost_per_image": 0.04, "litellm_provider": "openai", "mode": "image_generation"}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := DecodeConfig(strings.NewReader(`{
  "litellm_files": [` + quote(sheet) + `],
  "provider_aliases": {"gpu-box": "vllm", "corp-openai": "openai"},
  "providers": {
    "gpu-box": {"gpu": {"usd_per_hour": "2.50", "tokens_per_second": 1000}},
    "vllm": {"free": true}
  },
  "models": [
    {"provider": "openai", "model": "gpt-4o-mini", "input_per_mtok": 0.1, "output_per_mtok": "0.4"},
    {"model": "house-model", "input_per_mtok": 1, "output_per_mtok": 2, "cache_read_per_mtok": 0.5,
     "tiers": [{"above_input_tokens": 1000, "input_per_mtok": 4}]},
    {"provider": "corp-openai", "model": "fast", "same_as": "openai/gpt-4o-mini"},
    {"provider": "gpu-box", "model": "special", "free": true}
  ]
}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		provider, model string
		u               Usage
		wantSource      string
		want            NanoUSD
	}{
		// Config model override beats the embedded catalog: $0.10/$0.40.
		{"model override", "openai", "gpt-4o-mini", Usage{InputTokens: 1000, OutputTokens: 1000}, SourceConfig, 500_000},
		// LiteLLM sheet beats embedded: $2/$8, cached $1: 600×2000 + 400×1000 + 500×8000.
		{"litellm sheet", "openai", "gpt-4o", Usage{InputTokens: 1000, CacheReadTokens: 400, OutputTokens: 500}, SourceLiteLLM, 5_600_000},
		// A provider alias reaches the sheet's openai entries.
		{"alias reaches sheet", "corp-openai", "gpt-4o", Usage{InputTokens: 1000}, SourceLiteLLM, 2_000_000},
		// "gemini/" prefix stripped, provider canonicalised, tier above 200k:
		// 250,000×2500 + 1000×15000.
		{"litellm tier", "gemini", "gemini-2.5-pro", Usage{InputTokens: 250_000, OutputTokens: 1000}, SourceLiteLLM, 640_000_000},
		// 1h cache writes from cache_creation_input_token_cost_above_1hr:
		// 1000×3000 + 1000×3750 + 1000×6000 + 1000×300.
		{"litellm cache writes", "anthropic", "claude-sheet-model",
			Usage{InputTokens: 4000, CacheReadTokens: 1000, CacheWriteTokens: 2000, CacheWrite1hTokens: 1000}, SourceLiteLLM, 13_050_000},
		// $0.075/MTok from 7.5e-08 per token, exactly: 1000×75 + 1000×75.
		{"litellm exact small float", "vllm", "my-llama", Usage{InputTokens: 1000, OutputTokens: 1000}, SourceLiteLLM, 150_000},
		// Provider-wide free rate.
		{"provider free", "vllm", "anything", Usage{InputTokens: 1000, OutputTokens: 1000}, SourceConfig, 0},
		// GPU-hours: $2.50/h at 1000 tok/s = 2.5e9 / 3.6e6 nano-USD per token = 694.444...
		// -> 694,444,444 nano-USD per MTok (rounded); 3,600,000 tokens cost $2.50 (less the
		// rounding of the rate: 3.6 × 694,444,444 = 2,499,999,998.4).
		{"gpu hours", "gpu-box", "llama-70b", Usage{InputTokens: 1_800_000, OutputTokens: 1_800_000}, SourceConfig, 2_499_999_998},
		// Model override under a provider-wide rate wins.
		{"model beats provider", "gpu-box", "special", Usage{InputTokens: 1000}, SourceConfig, 0},
		// Provider-less model override, with its own tier: 2000 input > 1000 -> $4.
		{"any-provider override with tier", "whatever", "house-model", Usage{InputTokens: 2000, OutputTokens: 1000}, SourceConfig, 8_000_000 + 2_000_000},
		{"any-provider override below tier", "openai", "house-model", Usage{InputTokens: 1000, CacheReadTokens: 500, OutputTokens: 1000}, SourceConfig, 500_000 + 250_000 + 2_000_000},
		// same_as alias to another model's price.
		{"same_as", "corp-openai", "fast", Usage{InputTokens: 1000, OutputTokens: 1000}, SourceConfig, 500_000},
		// Untouched models still come from the embedded catalog.
		{"embedded", "anthropic", "claude-3-5-sonnet-20241022", Usage{InputTokens: 1000}, SourceEmbedded, 3_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := c.Lookup(tt.provider, tt.model)
			if !ok {
				t.Fatalf("no price")
			}
			if r.Source != tt.wantSource {
				t.Errorf("source %q, want %q", r.Source, tt.wantSource)
			}
			if got := Cost(tt.u, r.Price); got != tt.want {
				t.Errorf("cost %d, want %d", got, tt.want)
			}
		})
	}
	if p, ok := c.ProviderFor("special"); !ok || p != "gpu-box" {
		t.Errorf("ProviderFor(special) = %q, %v; want the configured provider", p, ok)
	}
	if _, ok := c.Lookup("openai", "dall-e-3"); ok {
		t.Error("image model from the sheet must not be priced as tokens")
	}
}

func TestDisableEmbedded(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DisableEmbedded = true
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup("openai", "gpt-4o"); ok {
		t.Fatal("embedded catalog still answers")
	}
	if _, ok := c.Lookup("ollama", "llama3"); !ok {
		t.Fatal("provider override lost")
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `\`, `\\`) + `"` }
