package pricing

import "testing"

func TestPassThroughPrices(t *testing.T) {
	c := newDefault(t)
	tests := []struct {
		provider, model string
		wantProvider    string
		in, out         string // USD per million tokens in the source's pass-through list
	}{
		{"sambanova", "Meta-Llama-3.3-70B-Instruct", "huggingface_sambanova", "0.6", "1.2"},
		{"sambanova", "DeepSeek-V3-0324", "huggingface_sambanova", "3", "4.5"},
		{"fireworks", "accounts/fireworks/models/llama-v3p3-70b-instruct", "huggingface_fireworks-ai", "0.9", "0.9"},
		{"together", "deepseek-ai/DeepSeek-V3", "huggingface_together", "1.25", "1.25"},
		// A host's own list wins over the pass-through list.
		{"groq", "llama-3.3-70b-versatile", "groq", "0.59", "0.79"},
	}
	for _, tt := range tests {
		r, ok := c.Lookup(tt.provider, tt.model)
		if !ok {
			t.Errorf("%s/%s: no price", tt.provider, tt.model)
			continue
		}
		if r.Provider != tt.wantProvider || r.Price.Input != perMTok(t, tt.in) || r.Price.Output != perMTok(t, tt.out) {
			t.Errorf("%s/%s = %s/%s in %s out %s; want %s in %s out %s", tt.provider, tt.model, r.Provider, r.Model,
				r.Price.Input, r.Price.Output, tt.wantProvider, tt.in, tt.out)
		}
	}
	// Pass-through lists are for their hosts only.
	if r, ok := c.Lookup("openai", "Meta-Llama-3.3-70B-Instruct"); ok {
		t.Errorf("openai priced a SambaNova model: %+v", r)
	}
}

func TestFireworksVersion(t *testing.T) {
	for in, want := range map[string]string{
		"llama-v3p3-70b-instruct": "llama-3.3-70b-instruct",
		"llama-v3p1-8b-instruct":  "llama-3.1-8b-instruct",
		"deepseek-v3":             "deepseek-v3",
		"qwen2p5-vl-72b":          "qwen2p5-vl-72b",
		"x-v1p":                   "x-v1p",
		"x-vp2":                   "x-vp2",
	} {
		if got := fireworksVersion(in); got != want {
			t.Errorf("fireworksVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
