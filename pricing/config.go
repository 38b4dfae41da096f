package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/pricing/internal/decimal"
)

// Config is the pricing section of Muninn's configuration. Start from DefaultConfig.
type Config struct {
	// Models set or replace the price of individual models. They win over everything
	// else.
	Models []ModelOverride `json:"models,omitempty"`
	// Providers price every model of a provider at one rate (self-hosted servers). Keys
	// are gateway provider names. DefaultConfig prices the self-hosted presets at 0.
	Providers map[string]Rate `json:"providers,omitempty"`
	// ProviderAliases maps gateway provider names to the provider whose prices they use
	// ("openai-eu": "openai", "my-vllm": "vllm"). cmd/muninn fills it from each configured
	// provider's preset; the built-in spellings (xai, gemini, ...) need no entry.
	ProviderAliases map[string]string `json:"provider_aliases,omitempty"`
	// LiteLLMFiles are price sheets in LiteLLM's model_prices_and_context_window.json
	// format. Their entries win over the embedded catalog; later files win over earlier.
	LiteLLMFiles []string `json:"litellm_files,omitempty"`
	// DisableEmbedded drops the embedded catalog, so only the overrides price anything.
	DisableEmbedded bool `json:"disable_embedded,omitempty"`
}

// ModelOverride prices one model.
type ModelOverride struct {
	// Provider is the gateway provider name; "" applies to the model on every provider.
	Provider string `json:"provider,omitempty"`
	// Model is the model name as the gateway sees it (case-insensitive).
	Model string `json:"model"`
	// SameAs, "provider/model", gives this model another model's price (an alias).
	SameAs string `json:"same_as,omitempty"`
	Rate
	// ContextWindow is informational.
	ContextWindow int64 `json:"context_window,omitempty"`
}

// Rate is a configured price. Amounts are USD per million tokens, written as JSON
// numbers or strings and read exactly (never through float64). Unset components fall
// back as the catalog's do: cache read and write to input, the 1h write to the write,
// reasoning to output.
type Rate struct {
	// Free prices every token at 0 (a self-hosted model whose hardware is paid for).
	Free         bool     `json:"free,omitempty"`
	Input        *Decimal `json:"input_per_mtok,omitempty"`
	Output       *Decimal `json:"output_per_mtok,omitempty"`
	CacheRead    *Decimal `json:"cache_read_per_mtok,omitempty"`
	CacheWrite   *Decimal `json:"cache_write_per_mtok,omitempty"`
	CacheWrite1h *Decimal `json:"cache_write_1h_per_mtok,omitempty"`
	Reasoning    *Decimal `json:"reasoning_per_mtok,omitempty"`
	// Tiers bill the whole request at other rates above an input-token threshold.
	Tiers []TierRate `json:"tiers,omitempty"`
	// GPU derives one rate for input and output tokens from what the hardware costs.
	GPU *GPURate `json:"gpu,omitempty"`
}

// TierRate is a context tier of a configured Rate.
type TierRate struct {
	AboveInputTokens int64    `json:"above_input_tokens"`
	Input            *Decimal `json:"input_per_mtok,omitempty"`
	Output           *Decimal `json:"output_per_mtok,omitempty"`
	CacheRead        *Decimal `json:"cache_read_per_mtok,omitempty"`
	CacheWrite       *Decimal `json:"cache_write_per_mtok,omitempty"`
	CacheWrite1h     *Decimal `json:"cache_write_1h_per_mtok,omitempty"`
	Reasoning        *Decimal `json:"reasoning_per_mtok,omitempty"`
}

// GPURate prices a self-hosted model by GPU time: a server costing USDPerHour that
// produces TokensPerSecond costs USDPerHour / (3600 × TokensPerSecond) per token.
type GPURate struct {
	USDPerHour      Decimal `json:"usd_per_hour"`
	TokensPerSecond Decimal `json:"tokens_per_second"`
}

// Decimal is a non-negative decimal number kept as written ("0.075", "2.5e-06"). It
// decodes from a JSON number or string.
type Decimal string

// UnmarshalJSON accepts a JSON number or a string holding one.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	if _, _, err := decimal.Scale(s, 0); err != nil {
		return err
	}
	if strings.HasPrefix(strings.TrimSpace(s), "-") {
		return fmt.Errorf("negative amount %s", s)
	}
	*d = Decimal(strings.TrimSpace(s))
	return nil
}

// DefaultConfig returns the defaults: the embedded catalog, and the self-hosted presets
// (SelfHostedProviders) priced at 0.
func DefaultConfig() Config {
	c := Config{Providers: map[string]Rate{}}
	for _, p := range SelfHostedProviders {
		c.Providers[p] = Rate{Free: true}
	}
	return c
}

// DecodeConfig reads a JSON pricing section over DefaultConfig. Unknown fields are
// errors, so a typo does not silently leave a price unset.
func DecodeConfig(r io.Reader) (Config, error) {
	cfg := DefaultConfig()
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("pricing config: %w", err)
	}
	if dec.More() {
		return Config{}, errors.New("pricing config: trailing data after the object")
	}
	return cfg, nil
}

// New builds a Catalog from cfg: the embedded catalog (unless disabled), the LiteLLM
// sheets and the overrides. Errors name the offending entry.
func New(cfg Config) (*Catalog, error) {
	c := &Catalog{
		byID:      map[string]*provider{},
		aliases:   map[string]string{},
		overrides: map[string]*model{},
		flat:      map[string]*model{},
		now:       time.Now,

		overrideProvider: map[string]string{},
	}
	for k, v := range cfg.ProviderAliases {
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
		if k == "" || v == "" {
			return nil, fmt.Errorf("pricing: provider alias %q -> %q: empty name", k, v)
		}
		c.aliases[k] = v
	}
	if !cfg.DisableEmbedded {
		if err := loadEmbedded(c); err != nil {
			return nil, err
		}
	}
	for _, path := range cfg.LiteLLMFiles {
		if err := c.loadLiteLLMFile(path); err != nil {
			return nil, err
		}
	}
	for name, r := range cfg.Providers {
		p := strings.ToLower(strings.TrimSpace(name))
		price, err := r.price()
		if err != nil {
			return nil, fmt.Errorf("pricing: provider %q: %w", name, err)
		}
		c.flat[p] = &model{id: "*", provider: p, source: SourceConfig, prices: []conditional{{price: price}}}
	}
	for i, o := range cfg.Models {
		if err := c.addOverride(&o); err != nil {
			return nil, fmt.Errorf("pricing: models[%d] (%s/%s): %w", i, o.Provider, o.Model, err)
		}
	}
	// Every alias must land on a price now, not fail on the first request.
	for i, o := range cfg.Models {
		if o.SameAs == "" {
			continue
		}
		if m := c.resolve(o.Provider, o.Model, 0); m == nil {
			return nil, fmt.Errorf("pricing: models[%d] (%s/%s): same_as %q has no price (or is a cycle)", i, o.Provider, o.Model, o.SameAs)
		}
	}
	return c, nil
}

func (c *Catalog) addOverride(o *ModelOverride) error {
	name := strings.TrimSpace(o.Model)
	if name == "" {
		return errors.New("model is empty")
	}
	p := strings.ToLower(strings.TrimSpace(o.Provider))
	m := &model{id: name, provider: p, source: SourceConfig, context: o.ContextWindow}
	if o.SameAs != "" {
		i := strings.IndexByte(o.SameAs, '/')
		if i <= 0 || i == len(o.SameAs)-1 {
			return fmt.Errorf("same_as %q: want \"provider/model\"", o.SameAs)
		}
		if !o.Rate.isZero() {
			return errors.New("same_as excludes rates")
		}
		m.sameAs = &[2]string{o.SameAs[:i], o.SameAs[i+1:]}
	} else {
		price, err := o.Rate.price()
		if err != nil {
			return err
		}
		m.prices = []conditional{{price: price}}
		if p == "" {
			m.provider = "*"
		}
	}
	c.overrides[overrideKey(p, strings.ToLower(name))] = m
	if p != "" {
		c.overrideProvider[strings.ToLower(name)] = strings.TrimSpace(o.Provider)
	}
	return nil
}

func (r *Rate) isZero() bool {
	return !r.Free && r.Input == nil && r.Output == nil && r.CacheRead == nil && r.CacheWrite == nil &&
		r.CacheWrite1h == nil && r.Reasoning == nil && len(r.Tiers) == 0 && r.GPU == nil
}

// price converts a configured rate to a Price.
func (r *Rate) price() (Price, error) {
	var p Price
	switch {
	case r.Free:
		if r.Input != nil || r.Output != nil || r.GPU != nil || len(r.Tiers) > 0 {
			return p, errors.New("free excludes rates")
		}
		return p, nil
	case r.GPU != nil:
		if r.Input != nil || r.Output != nil {
			return p, errors.New("gpu excludes input_per_mtok and output_per_mtok")
		}
		if r.GPU.USDPerHour == "" || r.GPU.TokensPerSecond == "" {
			return p, errors.New("gpu needs usd_per_hour and tokens_per_second")
		}
		// nano-USD per million tokens = USD/h × 1e9 × 1e6 / (3600 × tokens/s).
		v, _, err := decimal.Div(string(r.GPU.USDPerHour), string(r.GPU.TokensPerSecond), 15, 3600)
		if err != nil {
			return p, fmt.Errorf("gpu: %w", err)
		}
		d := Decimal(decimal.Append(nil, v, 9))
		in, out := d, d
		r = &Rate{Input: &in, Output: &out, CacheRead: r.CacheRead, CacheWrite: r.CacheWrite,
			CacheWrite1h: r.CacheWrite1h, Reasoning: r.Reasoning, Tiers: r.Tiers}
	case r.Input == nil && r.Output == nil:
		return p, errors.New("no rate: set input_per_mtok/output_per_mtok, gpu, or free")
	}
	var err error
	if p.Rates, err = ratesOf(r.Input, r.Output, r.CacheRead, r.CacheWrite, r.CacheWrite1h, r.Reasoning); err != nil {
		return p, err
	}
	last := int64(-1)
	for i, t := range r.Tiers {
		if t.AboveInputTokens <= last {
			return p, fmt.Errorf("tiers[%d]: above_input_tokens must increase", i)
		}
		last = t.AboveInputTokens
		// A tier states what changes; the rest is the base's, and derived components
		// follow their parent in the tier.
		or := func(d, base *Decimal) *Decimal {
			if d != nil {
				return d
			}
			return base
		}
		tr, err := ratesOf(or(t.Input, r.Input), or(t.Output, r.Output), or(t.CacheRead, r.CacheRead),
			or(t.CacheWrite, r.CacheWrite), or(t.CacheWrite1h, r.CacheWrite1h), or(t.Reasoning, r.Reasoning))
		if err != nil {
			return p, fmt.Errorf("tiers[%d]: %w", i, err)
		}
		p.Tiers = append(p.Tiers, Tier{Above: t.AboveInputTokens, Rates: tr})
	}
	return p, nil
}

// ratesOf converts USD-per-million amounts; unset components fall back to their parent.
func ratesOf(in, out, read, write, write1h, reasoning *Decimal) (Rates, error) {
	var r Rates
	conv := func(d *Decimal, dst *NanoUSD, fallback NanoUSD, name string) error {
		if d == nil {
			*dst = fallback
			return nil
		}
		v, _, err := decimal.Scale(string(*d), 9)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if v < 0 {
			return fmt.Errorf("%s: negative amount", name)
		}
		*dst = NanoUSD(v)
		return nil
	}
	for _, s := range [...]struct {
		d        *Decimal
		dst      *NanoUSD
		fallback *NanoUSD
		name     string
	}{
		{in, &r.Input, nil, "input_per_mtok"},
		{out, &r.Output, nil, "output_per_mtok"},
		{read, &r.CacheRead, &r.Input, "cache_read_per_mtok"},
		{write, &r.CacheWrite, &r.Input, "cache_write_per_mtok"},
		{write1h, &r.CacheWrite1h, &r.CacheWrite, "cache_write_1h_per_mtok"},
		{reasoning, &r.Reasoning, &r.Output, "reasoning_per_mtok"},
	} {
		var fb NanoUSD
		if s.fallback != nil {
			fb = *s.fallback
		}
		if err := conv(s.d, s.dst, fb, s.name); err != nil {
			return r, err
		}
	}
	return r, nil
}
