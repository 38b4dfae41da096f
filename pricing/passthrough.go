package pricing

import (
	"strings"

	"github.com/muninn-gw/muninn/pricing/internal/schema"
)

// passThrough maps hosts to the source's Hugging Face Inference Providers lists. Hugging
// Face routes to these hosts and bills their own per-token rates without markup, so its
// lists are a second, sourced view of the hosts' prices, under Hugging Face model ids
// ("meta-llama/llama-3.3-70b-instruct"). They fill gaps in a host's own list (Together's
// DeepSeek-V3) and price hosts the source has no list for (SambaNova).
var passThrough = map[string]string{
	"together":   "huggingface_together",
	"fireworks":  "huggingface_fireworks-ai",
	"sambanova":  "huggingface_sambanova",
	"groq":       "huggingface_groq",
	"cerebras":   "huggingface_cerebras",
	"novita":     "huggingface_novita",
	"nebius":     "huggingface_nebius",
	"hyperbolic": "huggingface_hyperbolic",
	"nscale":     "huggingface_nscale",
	"ovhcloud":   "huggingface_ovhcloud",
	"publicai":   "huggingface_publicai",
}

// indexBySegment indexes a pass-through list by the last path segment of every exact
// name its rules accept ("llama-3.3-70b-instruct" for "meta-llama/llama-3.3-70b-instruct"),
// so a host's own spelling without the organisation can find it.
func indexBySegment(p *provider, src *schema.Provider) {
	p.bySegment = map[string]*model{}
	var walk func(m *schema.Match, to *model)
	walk = func(m *schema.Match, to *model) {
		if m.Equals != "" {
			seg := strings.ToLower(m.Equals)
			if i := strings.LastIndexByte(seg, '/'); i >= 0 {
				seg = seg[i+1:]
			}
			if _, dup := p.bySegment[seg]; !dup {
				p.bySegment[seg] = to
			}
		}
		for i := range m.Or {
			walk(&m.Or[i], to)
		}
	}
	for i := range src.Models {
		walk(&src.Models[i].Match, p.models[i])
	}
}

// findPassThrough looks name up in the pass-through list of host: by its full name, then
// by its last segment in the host's spellings ("Meta-Llama-3.3-70B-Instruct" on
// SambaNova, "llama-v3p3-70b-instruct" on Fireworks are Hugging Face's
// "llama-3.3-70b-instruct").
func (c *Catalog) findPassThrough(host, name string) *model {
	id, ok := passThrough[host]
	if !ok {
		return nil
	}
	p := c.byID[id]
	if p == nil {
		return nil
	}
	if m := p.find(name, false); m != nil {
		return m
	}
	seg := strings.ToLower(name)
	if i := strings.LastIndexByte(seg, '/'); i >= 0 {
		seg = seg[i+1:]
	}
	for _, s := range [...]string{seg, strings.TrimPrefix(seg, "meta-"), fireworksVersion(seg)} {
		if m := p.bySegment[s]; m != nil {
			return m
		}
	}
	return nil
}

// fireworksVersion rewrites Fireworks' "v3p3" version spelling as "3.3"
// ("llama-v3p3-70b-instruct" -> "llama-3.3-70b-instruct").
func fireworksVersion(s string) string {
	i := strings.Index(s, "-v")
	if i < 0 {
		return s
	}
	j := i + 2
	k := j
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == j || k >= len(s) || s[k] != 'p' {
		return s
	}
	l := k + 1
	for l < len(s) && s[l] >= '0' && s[l] <= '9' {
		l++
	}
	if l == k+1 {
		return s
	}
	return s[:i+1] + s[j:k] + "." + s[k+1:l] + s[l:]
}
