package pricing

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/pricing/internal/schema"
)

// Source names where a price came from.
const (
	SourceEmbedded = "embedded" // the generated catalog in pricing/data
	SourceConfig   = "config"   // a model or provider override in the configuration
	SourceLiteLLM  = "litellm"  // a LiteLLM-format price sheet
)

// Resolved is the price found for a (provider, model) pair.
type Resolved struct {
	// Provider and Model identify the catalog entry that priced the request (a catalog
	// provider id such as "x-ai" and a model id such as "grok-3"); they can differ from
	// the names asked for (aliases, date suffixes, models served by another provider).
	Provider string
	Model    string
	Source   string
	// ContextWindow is the model's context size in tokens, 0 when unknown.
	ContextWindow int64
	Price         Price
}

// Catalog answers price lookups. Build it with New; it is immutable afterwards and safe
// for concurrent use (its lookup memo is internally synchronised). Swap a whole Catalog
// (see Live) to apply a new configuration.
type Catalog struct {
	providers []*provider
	byID      map[string]*provider
	// aliases maps lower-case gateway provider names to catalog provider ids.
	aliases map[string]string
	// overrides holds configured and LiteLLM models by overrideKey(provider, model);
	// provider "" applies to every provider.
	overrides map[string]*model
	// flat holds provider-wide prices by canonical provider name.
	flat map[string]*model
	// overrideProvider maps lower-case model names of provider-specific overrides to the
	// provider they name, for ProviderFor.
	overrideProvider map[string]string
	source           schema.Source
	now              func() time.Time

	memo  sync.Map // memoKey -> *model (nil: unknown)
	memoN atomic.Int64
}

// memoLimit bounds the lookup memo: model names come from configuration and upstream
// answers, but a client can send arbitrary ones.
const memoLimit = 16384

type provider struct {
	id            string
	name          string
	providerMatch *matcher
	modelMatch    *matcher
	fallback      []*provider
	models        []*model
	// bySegment indexes pass-through lists (see passThrough).
	bySegment map[string]*model
}

type model struct {
	id       string
	provider string
	source   string
	match    matcher
	context  int64
	prices   []conditional
	// sameAs makes this entry share another model's price.
	sameAs *[2]string
}

type conditional struct {
	start      time.Time // zero: no start date
	daily      bool
	from, till int // seconds after UTC midnight
	price      Price
}

// SourceInfo returns the provenance of the embedded data (package, version, integrity).
func (c *Catalog) SourceInfo() (pkg, version, integrity string) {
	return c.source.Package, c.source.Version, c.source.Integrity
}

// priceAt picks the price in force at t: the last conditional whose condition holds,
// else the first.
func (m *model) priceAt(t time.Time) *Price {
	for i := len(m.prices) - 1; i >= 0; i-- {
		cd := &m.prices[i]
		switch {
		case cd.daily:
			u := t.UTC()
			s := u.Hour()*3600 + u.Minute()*60 + u.Second()
			if cd.till < cd.from {
				if s >= cd.from || s < cd.till {
					return &cd.price
				}
			} else if s >= cd.from && s < cd.till {
				return &cd.price
			}
		case !cd.start.IsZero():
			if !t.Before(cd.start) {
				return &cd.price
			}
		default:
			return &cd.price
		}
	}
	return &m.prices[0].price
}

// Lookup finds the price of modelName served by providerName, as in force now.
// providerName is the gateway's provider name ("openai", "xai", a configured name with an alias, or "" when
// unknown); modelName may carry a date suffix, a "provider/" prefix or an alias.
func (c *Catalog) Lookup(providerName, modelName string) (Resolved, bool) {
	return c.LookupAt(providerName, modelName, c.now())
}

// LookupAt is Lookup for prices in force at t (some providers price by date or by time
// of day).
func (c *Catalog) LookupAt(providerName, modelName string, t time.Time) (Resolved, bool) {
	m := c.resolveMemo(providerName, modelName)
	if m == nil {
		return Resolved{}, false
	}
	return Resolved{Provider: m.provider, Model: m.id, Source: m.source, ContextWindow: m.context, Price: *m.priceAt(t)}, true
}

// Quote is a priced request.
type Quote struct {
	NanoUSD NanoUSD
	// Known is false when no price is known for the model: NanoUSD is then 0 and means
	// "unknown", never "free".
	Known bool
	// Provider and Model are the catalog entry used (see Resolved), empty when unknown.
	Provider, Model string
}

// Quote prices usage for modelName served by providerName, at the price in force now. It does not count unknown models;
// Live.Quote does.
func (c *Catalog) Quote(providerName, modelName string, u Usage) Quote {
	m := c.resolveMemo(providerName, modelName)
	if m == nil {
		return Quote{}
	}
	return Quote{NanoUSD: Cost(u, *m.priceAt(c.now())), Known: true, Provider: m.provider, Model: m.id}
}

type memoKey struct{ provider, model string }

func (c *Catalog) resolveMemo(providerName, modelName string) *model {
	k := memoKey{providerName, modelName}
	if v, ok := c.memo.Load(k); ok {
		return v.(*model)
	}
	m := c.resolve(providerName, modelName, 0)
	if c.memoN.Load() < memoLimit {
		if _, loaded := c.memo.LoadOrStore(k, m); !loaded {
			c.memoN.Add(1)
		}
	}
	return m
}

// canon maps a gateway provider name to the name catalogs use: configured aliases first,
// then the built-in spellings (xai -> x-ai, gemini -> google, ...).
func (c *Catalog) canon(name string) string {
	chain := c.names(name)
	return chain[len(chain)-1]
}

// names returns the names a provider is known by, most specific first: the lower-case
// name as configured, its configured alias, and the built-in spelling of either. A
// configured name keeps its own overrides ("gpu-box" priced per GPU-hour) even when it
// is an alias of a preset with other prices ("vllm", free).
func (c *Catalog) names(name string) []string {
	name = strings.ToLower(strings.TrimSpace(name))
	out := make([]string, 1, 3)
	out[0] = name
	if a, ok := c.aliases[name]; ok && a != name {
		out = append(out, a)
		name = a
	}
	if a, ok := builtinProviderAliases[name]; ok && a != name {
		out = append(out, a)
	}
	return out
}

// catalogProvider finds the embedded provider for a canonical name: by id, then by the
// provider's own name rules ("openai-eu" contains "openai").
func (c *Catalog) catalogProvider(name string) *provider {
	if name == "" {
		return nil
	}
	if p := c.byID[name]; p != nil {
		return p
	}
	for _, p := range c.providers {
		if p.providerMatch != nil && p.providerMatch.match(name, name) {
			return p
		}
	}
	return nil
}

// maxAliasDepth bounds same_as chains (and catches cycles).
const maxAliasDepth = 8

func (c *Catalog) resolve(providerName, name string, depth int) *model {
	name = strings.TrimSpace(name)
	if name == "" || depth > maxAliasDepth {
		return nil
	}
	pnames := c.names(providerName)
	p := pnames[len(pnames)-1]
	variants := nameVariants(name)
	if len(c.overrides) > 0 {
		for _, v := range variants {
			lower := strings.ToLower(v)
			for _, pn := range pnames {
				if m := c.override(pn, lower, depth); m != nil {
					return m
				}
			}
			if m := c.override("", lower, depth); m != nil {
				return m
			}
		}
	}
	for _, pn := range pnames {
		if m := c.flat[pn]; m != nil {
			return m
		}
	}
	cp := c.catalogProvider(p)
	if cp != nil {
		for _, v := range variants {
			if m := cp.find(v, true); m != nil {
				return m
			}
		}
	}
	// The host's prices as Hugging Face passes them through.
	for _, v := range variants {
		if m := c.findPassThrough(p, v); m != nil {
			return m
		}
	}
	// "provider/model" naming: a model served under another provider's name
	// (openrouter's "anthropic/claude-3.5-sonnet") or given with its provider.
	if i := strings.IndexByte(name, '/'); i > 0 {
		prefix := c.canon(name[:i])
		if prefix != p && (c.byID[prefix] != nil || c.flat[prefix] != nil) {
			if m := c.resolve(prefix, name[i+1:], depth+1); m != nil {
				return m
			}
		}
	}
	if cp == nil {
		// Unknown provider: guess it from the model name's shape (claude -> anthropic).
		if gp := c.providerForModel(name); gp != nil {
			for _, v := range variants {
				if m := gp.find(v, true); m != nil {
					return m
				}
			}
		}
	}
	return nil
}

func (c *Catalog) override(providerName, lowerModel string, depth int) *model {
	m := c.overrides[overrideKey(providerName, lowerModel)]
	if m != nil && m.sameAs != nil {
		return c.resolve(m.sameAs[0], m.sameAs[1], depth+1)
	}
	return m
}

// find returns the first model of p whose rules match name, then tries the providers p
// falls back to (without their own fallbacks).
func (p *provider) find(name string, fallback bool) *model {
	lower := strings.ToLower(name)
	for _, m := range p.models {
		if m.match.match(name, lower) {
			return m
		}
	}
	if fallback {
		for _, q := range p.fallback {
			if m := q.find(name, false); m != nil {
				return m
			}
		}
	}
	return nil
}

// providerForModel picks the provider whose model naming rule matches name.
func (c *Catalog) providerForModel(name string) *provider {
	lower := strings.ToLower(name)
	for _, p := range c.providers {
		if p.modelMatch != nil && p.modelMatch.match(name, lower) {
			return p
		}
	}
	return nil
}

func overrideKey(provider, lowerModel string) string { return provider + "\x00" + lowerModel }
