package pricing

import (
	"strings"
)

// builtinProviderAliases maps the gateway's provider and preset names, and the spellings
// LiteLLM uses, to catalog provider ids.
var builtinProviderAliases = map[string]string{
	"xai":                        "x-ai",
	"grok":                       "x-ai",
	"gemini":                     "google",
	"vertex":                     "google",
	"vertex_ai":                  "google",
	"google_ai":                  "google",
	"azure_openai":               "azure",
	"azure-openai":               "azure",
	"azure_ai":                   "azure",
	"together_ai":                "together",
	"togetherai":                 "together",
	"together-ai":                "together",
	"fireworks_ai":               "fireworks",
	"fireworks-ai":               "fireworks",
	"mistralai":                  "mistral",
	"bedrock":                    "aws",
	"moonshot":                   "moonshotai",
	"hosted_vllm":                "vllm",
	"lm_studio":                  "lmstudio",
	"lm-studio":                  "lmstudio",
	"ollama_chat":                "ollama",
	"text-completion-openai":     "openai",
	"vertex_ai-language-models":  "google",
	"vertex_ai-embedding-models": "google",
	"vertex_ai-anthropic_models": "anthropic",
	"codestral":                  "mistral",
}

// gatewayNames maps catalog provider ids back to the gateway's preset names, for
// ProviderFor.
var gatewayNames = map[string]string{
	"x-ai":   "xai",
	"google": "gemini",
}

// SelfHostedProviders are the gateway presets for servers the user runs themselves, and
// "muninn", the models the gateway runs in-process (the built-in embedder). The default
// configuration prices them at 0 (the gateway pays no per-token fee); set a
// provider or model price (for example from GPU-hours) to account for the hardware.
var SelfHostedProviders = []string{"ollama", "vllm", "lmstudio", "llamacpp", "muninn"}

// nameVariants returns the names to try for a model, most specific first: the name, its
// date normalised (-20240806 -> -2024-08-06), without a trailing date or "latest" tag,
// and the part after the last "/" (fireworks' "accounts/fireworks/models/x").
func nameVariants(name string) []string {
	out := make([]string, 0, 4)
	add := func(s string) {
		if s == "" {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	add(name)
	add(normaliseDate(name))
	add(stripVersion(name))
	if i := strings.LastIndexByte(name, '/'); i >= 0 && i < len(name)-1 {
		base := name[i+1:]
		add(base)
		add(stripVersion(base))
	}
	return out
}

// normaliseDate rewrites a trailing or embedded -YYYYMMDD as -YYYY-MM-DD.
func normaliseDate(name string) string {
	for i := 0; i+9 <= len(name); i++ {
		if name[i] != '-' || !digits(name[i+1:i+9]) {
			continue
		}
		end := i + 9
		if end < len(name) && name[end] != '-' && name[end] != ':' {
			continue
		}
		d := name[i+1 : i+9]
		if !validDate(d[:4], d[4:6], d[6:]) {
			continue
		}
		return name[:i+1] + d[:4] + "-" + d[4:6] + "-" + d[6:] + name[end:]
	}
	return name
}

// stripVersion removes one trailing version tag: -YYYY-MM-DD, -YYYYMMDD, @YYYYMMDD,
// -MMDD (gpt-4-0613), -latest, @latest or :latest.
func stripVersion(name string) string {
	for _, tag := range [...]string{"-latest", "@latest", ":latest"} {
		if strings.HasSuffix(strings.ToLower(name), tag) {
			return name[:len(name)-len(tag)]
		}
	}
	n := len(name)
	switch {
	case n > 11 && name[n-11] == '-' && name[n-6] == '-' && name[n-3] == '-' &&
		digits(name[n-10:n-6]) && digits(name[n-5:n-3]) && digits(name[n-2:]) &&
		validDate(name[n-10:n-6], name[n-5:n-3], name[n-2:]):
		return name[:n-11]
	case n > 9 && (name[n-9] == '-' || name[n-9] == '@') && digits(name[n-8:]) &&
		validDate(name[n-8:n-4], name[n-4:n-2], name[n-2:]):
		return name[:n-9]
	case n > 5 && name[n-5] == '-' && digits(name[n-4:]) && validMonthDay(name[n-4:n-2], name[n-2:]):
		return name[:n-5]
	}
	return name
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func validDate(y, m, d string) bool {
	return y >= "2000" && y <= "2099" && validMonthDay(m, d)
}

func validMonthDay(m, d string) bool {
	return m >= "01" && m <= "12" && d >= "01" && d <= "31"
}
