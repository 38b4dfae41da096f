package pricing

import (
	"testing"
	"time"
)

// offPeak and peak are fixed moments for DeepSeek's time-of-day prices (peak is 00:30 to
// 16:30 UTC in the pinned data).
var (
	offPeak = time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC)
	peak    = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
)

// TestGoldenCosts prices well-known models from the embedded catalog and compares with
// costs computed by hand from the providers' published prices (USD per million tokens,
// noted on each case; per token that is the same number in micro-USD, so $2.50/MTok is
// 2500 nano-USD per token).
func TestGoldenCosts(t *testing.T) {
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		provider, model string
		at              time.Time
		u               Usage
		wantModel       string
		want            NanoUSD
	}{
		{
			// gpt-4o: in $2.50, cached $1.25, out $10.
			// 600×2500 + 400×1250 + 500×10000 = 1,500,000 + 500,000 + 5,000,000
			name: "openai gpt-4o with cached input", provider: "openai", model: "gpt-4o",
			u: Usage{InputTokens: 1000, CacheReadTokens: 400, OutputTokens: 500}, wantModel: "gpt-4o", want: 7_000_000,
		},
		{
			// A dated snapshot resolves to the same entry.
			name: "openai gpt-4o dated snapshot", provider: "openai", model: "gpt-4o-2024-08-06",
			u: Usage{InputTokens: 1000, CacheReadTokens: 400, OutputTokens: 500}, wantModel: "gpt-4o", want: 7_000_000,
		},
		{
			// gpt-4o-mini: in $0.15, cached $0.075, out $0.60.
			// 800,000×150 + 200,000×75 + 100,000×600 = 120,000,000 + 15,000,000 + 60,000,000
			name: "openai gpt-4o-mini", provider: "openai", model: "gpt-4o-mini",
			u: Usage{InputTokens: 1_000_000, CacheReadTokens: 200_000, OutputTokens: 100_000}, wantModel: "gpt-4o-mini", want: 195_000_000,
		},
		{
			// text-embedding-3-small: $0.02 -> 1234×20.
			name: "openai embeddings", provider: "openai", model: "text-embedding-3-small",
			u: Usage{InputTokens: 1234}, wantModel: "text-embedding-3-small", want: 24_680,
		},
		{
			// Azure serves OpenAI's models at OpenAI's price.
			name: "azure gpt-4o", provider: "azure", model: "gpt-4o",
			u: Usage{InputTokens: 1000, CacheReadTokens: 400, OutputTokens: 500}, wantModel: "gpt-4o", want: 7_000_000,
		},
		{
			// claude-3.5-sonnet: in $3, cache read $0.30, 5m write $3.75, 1h write $6, out $15.
			// 2000×3000 + 6000×300 + 1500×3750 + 500×6000 + 1000×15000
			// = 6,000,000 + 1,800,000 + 5,625,000 + 3,000,000 + 15,000,000
			name: "anthropic claude-3.5-sonnet with cache reads and writes", provider: "anthropic", model: "claude-3-5-sonnet-20241022",
			u:         Usage{InputTokens: 10_000, CacheReadTokens: 6000, CacheWriteTokens: 2000, CacheWrite1hTokens: 500, OutputTokens: 1000},
			wantModel: "claude-3-5-sonnet", want: 31_425_000,
		},
		{
			// claude-sonnet-4.5 at its 200k boundary: 200,000 input tokens is still base.
			// 200,000×3000 + 1000×15000
			name: "anthropic claude-sonnet-4.5 at the tier threshold", provider: "anthropic", model: "claude-sonnet-4-5",
			u: Usage{InputTokens: 200_000, OutputTokens: 1000}, wantModel: "claude-sonnet-4-5", want: 615_000_000,
		},
		{
			// One token more: the whole request at $6 in / $22.50 out.
			// 200,001×6000 + 1000×22500
			name: "anthropic claude-sonnet-4.5 above the tier threshold", provider: "anthropic", model: "claude-sonnet-4-5-20250929",
			u: Usage{InputTokens: 200_001, OutputTokens: 1000}, wantModel: "claude-sonnet-4-5", want: 1_222_506_000,
		},
		{
			// Cached tokens count toward the threshold and are billed at the tier's read rate
			// ($0.60): 200,000×6000 + 100,000×600 + 1000×22500.
			name: "anthropic tier with cached tokens", provider: "anthropic", model: "claude-sonnet-4-5",
			u: Usage{InputTokens: 300_000, CacheReadTokens: 100_000, OutputTokens: 1000}, wantModel: "claude-sonnet-4-5", want: 1_282_500_000,
		},
		{
			// gemini-2.5-pro below 200k: in $1.25, out $10: 100,000×1250 + 2000×10000.
			name: "gemini 2.5 pro below the tier", provider: "gemini", model: "gemini-2.5-pro",
			u: Usage{InputTokens: 100_000, OutputTokens: 2000}, wantModel: "gemini-2.5-pro", want: 145_000_000,
		},
		{
			// Above 200k: in $2.50, out $15: 250,000×2500 + 2000×15000.
			name: "gemini 2.5 pro above the tier", provider: "gemini", model: "gemini-2.5-pro",
			u: Usage{InputTokens: 250_000, OutputTokens: 2000}, wantModel: "gemini-2.5-pro", want: 655_000_000,
		},
		{
			// gemini-2.0-flash: in $0.10, cached $0.025, out $0.40.
			// 6000×100 + 4000×25 + 1000×400
			name: "gemini 2.0 flash with cached input", provider: "gemini", model: "gemini-2.0-flash",
			u: Usage{InputTokens: 10_000, CacheReadTokens: 4000, OutputTokens: 1000}, wantModel: "gemini-2.0-flash", want: 1_100_000,
		},
		{
			// gemini-embedding-001: $0.15 -> 1000×150.
			name: "gemini embeddings", provider: "gemini", model: "gemini-embedding-001",
			u: Usage{InputTokens: 1000}, wantModel: "gemini-embedding-001", want: 150_000,
		},
		{
			// llama-3.3-70b-versatile on Groq: in $0.59, out $0.79.
			name: "groq llama 3.3 70b", provider: "groq", model: "llama-3.3-70b-versatile",
			u: Usage{InputTokens: 1000, OutputTokens: 1000}, wantModel: "llama-3.3-70b-versatile", want: 1_380_000,
		},
		{
			// mistral-large-latest: in $2, out $6: 2000×2000 + 500×6000.
			name: "mistral large latest", provider: "mistral", model: "mistral-large-latest",
			u: Usage{InputTokens: 2000, OutputTokens: 500}, wantModel: "mistral-large", want: 7_000_000,
		},
		{
			// mistral-embed: $0.10 -> 12,345×100.
			name: "mistral embeddings", provider: "mistral", model: "mistral-embed",
			u: Usage{InputTokens: 12_345}, wantModel: "mistral-embed", want: 1_234_500,
		},
		{
			// deepseek-chat off-peak: in $0.135, cached $0.035, out $0.55.
			// 500,000×135 + 500,000×35 + 100,000×550
			name: "deepseek chat off-peak", provider: "deepseek", model: "deepseek-chat", at: offPeak,
			u: Usage{InputTokens: 1_000_000, CacheReadTokens: 500_000, OutputTokens: 100_000}, wantModel: "deepseek-chat", want: 140_000_000,
		},
		{
			// deepseek-chat at peak: in $0.27, cached $0.07, out $1.10.
			// 500,000×270 + 500,000×70 + 100,000×1100
			name: "deepseek chat at peak", provider: "deepseek", model: "deepseek-chat", at: peak,
			u: Usage{InputTokens: 1_000_000, CacheReadTokens: 500_000, OutputTokens: 100_000}, wantModel: "deepseek-chat", want: 280_000_000,
		},
		{
			// Together's Llama 3.3 70B Turbo: $0.88 both ways.
			name: "together llama", provider: "together", model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
			u: Usage{InputTokens: 1000, OutputTokens: 1000}, wantModel: "meta-llama/Llama-3.3-70B-Instruct-Turbo", want: 1_760_000,
		},
		{
			// Fireworks' account-path names: llama-v3p1-8b-instruct at $0.20 both ways.
			name: "fireworks account path", provider: "fireworks", model: "accounts/fireworks/models/llama-v3p1-8b-instruct",
			u: Usage{InputTokens: 5000, OutputTokens: 5000}, wantModel: "llama-v3p1-8b-instruct", want: 2_000_000,
		},
		{
			// OpenRouter's own price for Claude 3.5 Sonnet: in $3, out $15.
			name: "openrouter anthropic model", provider: "openrouter", model: "anthropic/claude-3.5-sonnet",
			u: Usage{InputTokens: 1000, OutputTokens: 100}, wantModel: "anthropic/claude-3.5-sonnet", want: 4_500_000,
		},
		{
			// grok-3: in $3, cached $0.75, out $15: 2000×3000 + 2000×750 + 100×15000.
			name: "xai grok-3 with cached input", provider: "xai", model: "grok-3",
			u: Usage{InputTokens: 4000, CacheReadTokens: 2000, OutputTokens: 100}, wantModel: "grok-3", want: 9_000_000,
		},
		{
			// sonar: $1 both ways: 100×1000 + 200×1000.
			name: "perplexity sonar", provider: "perplexity", model: "sonar",
			u: Usage{InputTokens: 100, OutputTokens: 200}, wantModel: "sonar", want: 300_000,
		},
		{
			// sonar-deep-research prices reasoning apart: in $2, out $8, reasoning $3.
			// 100×2000 + 600×8000 + 400×3000
			name: "perplexity reasoning tokens", provider: "perplexity", model: "sonar-deep-research",
			u: Usage{InputTokens: 100, OutputTokens: 1000, ReasoningTokens: 400}, wantModel: "sonar-deep-research", want: 6_200_000,
		},
		{
			// Cerebras llama3.1-8b: $0.10 both ways.
			name: "cerebras llama 3.1 8b", provider: "cerebras", model: "llama3.1-8b",
			u: Usage{InputTokens: 1000, OutputTokens: 1000}, wantModel: "llama3.1-8b", want: 200_000,
		},
		{
			// Self-hosted presets are free by default.
			name: "ollama is free by default", provider: "ollama", model: "llama3.2",
			u: Usage{InputTokens: 1000, OutputTokens: 1000}, wantModel: "*", want: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.at
			if at.IsZero() {
				at = offPeak
			}
			r, ok := c.LookupAt(tt.provider, tt.model, at)
			if !ok {
				t.Fatalf("no price for %s/%s", tt.provider, tt.model)
			}
			if r.Model != tt.wantModel {
				t.Errorf("resolved to %s/%s, want model %s", r.Provider, r.Model, tt.wantModel)
			}
			if got := Cost(tt.u, r.Price); got != tt.want {
				t.Errorf("cost = %d nano-USD ($%s), want %d ($%s)", got, got, tt.want, tt.want)
			}
		})
	}
}
