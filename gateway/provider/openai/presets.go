package openai

import "sort"

// Auth styles of upstreams.
const (
	AuthBearer = "bearer"  // Authorization: Bearer KEY
	AuthAPIKey = "api-key" // api-key: KEY (Azure OpenAI)
)

// Preset is what Muninn knows about one OpenAI-compatible upstream.
type Preset struct {
	Name    string
	BaseURL string // default base URL, including the API version path ("/v1")
	Auth    string // AuthBearer or AuthAPIKey
	// Models are a few well-known models, listed by GET /v1/models when the config names
	// none. They are examples, not a limit: any model name is passed through.
	Models []string
	// StreamUsage: the upstream accepts stream_options.include_usage, so Muninn always asks
	// for the usage chunk (costs and logs need it).
	StreamUsage bool
	// KeepPath: a base URL without a path is used as is (no "/v1" appended).
	KeepPath bool
	// NeedsBaseURL: the preset has no default base URL (Azure: the resource's URL).
	NeedsBaseURL bool
	// APIVersion is the default api-version query parameter (Azure).
	APIVersion string
}

// DefaultAzureAPIVersion is the api-version sent to Azure OpenAI when the config sets none.
const DefaultAzureAPIVersion = "2024-10-21"

var presets = map[string]Preset{
	"openai": {BaseURL: "https://api.openai.com/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3-mini", "o4-mini",
			"text-embedding-3-small", "text-embedding-3-large"}},
	"azure": {Auth: AuthAPIKey, StreamUsage: true, NeedsBaseURL: true, KeepPath: true,
		APIVersion: DefaultAzureAPIVersion},
	"groq": {BaseURL: "https://api.groq.com/openai/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"llama-3.3-70b-versatile", "llama-3.1-8b-instant", "openai/gpt-oss-120b"}},
	"mistral": {BaseURL: "https://api.mistral.ai/v1", Auth: AuthBearer,
		Models: []string{"mistral-large-latest", "mistral-small-latest", "codestral-latest", "mistral-embed"}},
	"deepseek": {BaseURL: "https://api.deepseek.com/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"deepseek-chat", "deepseek-reasoner"}},
	"together": {BaseURL: "https://api.together.xyz/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"meta-llama/Llama-3.3-70B-Instruct-Turbo", "deepseek-ai/DeepSeek-V3", "Qwen/Qwen2.5-72B-Instruct-Turbo"}},
	"fireworks": {BaseURL: "https://api.fireworks.ai/inference/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"accounts/fireworks/models/llama-v3p3-70b-instruct", "accounts/fireworks/models/deepseek-v3"}},
	"openrouter": {BaseURL: "https://openrouter.ai/api/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet", "meta-llama/llama-3.3-70b-instruct"}},
	"xai": {BaseURL: "https://api.x.ai/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"grok-3", "grok-3-mini", "grok-4"}},
	"gemini": {BaseURL: "https://generativelanguage.googleapis.com/v1beta/openai", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004"}},
	"ollama": {BaseURL: "http://localhost:11434/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"llama3.2", "qwen2.5", "nomic-embed-text"}},
	"vllm":     {BaseURL: "http://localhost:8000/v1", Auth: AuthBearer, StreamUsage: true},
	"lmstudio": {BaseURL: "http://localhost:1234/v1", Auth: AuthBearer, StreamUsage: true},
	"llamacpp": {BaseURL: "http://localhost:8080/v1", Auth: AuthBearer, StreamUsage: true},
	"perplexity": {BaseURL: "https://api.perplexity.ai", Auth: AuthBearer, KeepPath: true,
		Models: []string{"sonar", "sonar-pro", "sonar-reasoning"}},
	"cerebras": {BaseURL: "https://api.cerebras.ai/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"llama3.1-8b", "llama-3.3-70b", "qwen-3-32b"}},
	"sambanova": {BaseURL: "https://api.sambanova.ai/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"Meta-Llama-3.3-70B-Instruct", "DeepSeek-V3-0324"}},
	"nvidia": {BaseURL: "https://integrate.api.nvidia.com/v1", Auth: AuthBearer, StreamUsage: true,
		Models: []string{"meta/llama-3.3-70b-instruct"}},
}

// generic is the preset of a type "openai" provider whose name names no preset but
// whose base URL is set (a self-hosted OpenAI-compatible server).
var generic = Preset{Name: "", Auth: AuthBearer, StreamUsage: true}

func init() {
	for name, p := range presets {
		p.Name = name
		presets[name] = p
	}
}

// Presets returns the known presets, sorted by name. Every preset name is also a
// registered provider type (provider.Types()), so a config entry named "groq" needs no
// "type".
func Presets() []Preset {
	out := make([]Preset, 0, len(presets))
	for _, p := range presets {
		p.Models = append([]string(nil), p.Models...)
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupPreset returns the preset called name.
func LookupPreset(name string) (Preset, bool) {
	p, ok := presets[name]
	return p, ok
}
