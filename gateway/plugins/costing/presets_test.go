package costing

import (
	"testing"

	"github.com/muninn-gw/muninn/pricing"
)

// presetModels are the gateway's provider presets (gateway's knownPresets plus the
// anthropic type) and the chat and embedding models each is typically configured with.
// Every one must resolve to a price from the default configuration.
var presetModels = map[string][]string{
	"openai":     {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "text-embedding-3-small", "text-embedding-3-large"},
	"azure":      {"gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"},
	"anthropic":  {"claude-3-5-sonnet-20241022", "claude-3-5-haiku-20241022", "claude-3-7-sonnet-20250219", "claude-sonnet-4-20250514", "claude-opus-4-1-20250805", "claude-sonnet-4-5"},
	"groq":       {"llama-3.3-70b-versatile", "llama-3.1-8b-instant", "openai/gpt-oss-120b"},
	"mistral":    {"mistral-large-latest", "mistral-small-latest", "codestral-latest", "mistral-embed"},
	"deepseek":   {"deepseek-chat", "deepseek-reasoner"},
	"together":   {"meta-llama/Llama-3.3-70B-Instruct-Turbo", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"},
	"fireworks":  {"accounts/fireworks/models/llama-v3p1-8b-instruct", "accounts/fireworks/models/deepseek-v3-0324", "accounts/fireworks/models/qwen3-235b-a22b"},
	"openrouter": {"openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet", "google/gemini-2.5-flash", "meta-llama/llama-3.3-70b-instruct"},
	"xai":        {"grok-3", "grok-3-mini", "grok-4"},
	"gemini":     {"gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro", "gemini-embedding-001"},
	"perplexity": {"sonar", "sonar-pro", "sonar-reasoning"},
	"cerebras":   {"llama3.1-8b", "llama-3.3-70b", "gpt-oss-120b"},
	"ollama":     {"llama3.2", "nomic-embed-text"},
	"vllm":       {"meta-llama/Llama-3.1-8B-Instruct"},
	"lmstudio":   {"qwen2.5-7b-instruct"},
}

func TestEveryPresetModelHasAPrice(t *testing.T) {
	c, err := pricing.New(pricing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for preset, models := range presetModels {
		for _, m := range models {
			r, ok := c.Lookup(preset, m)
			if !ok {
				t.Errorf("%s/%s: no price", preset, m)
				continue
			}
			if r.Price.Input <= 0 && r.Source == pricing.SourceEmbedded {
				t.Errorf("%s/%s: embedded input price is %d", preset, m, r.Price.Input)
			}
		}
	}
}
