package gateway

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// ModelCatalog says which provider serves a bare model name (the price catalog plugs in
// here). The answer is a provider name or type ("openai", "anthropic"); the router maps
// it to a configured provider of that name, or to the only configured provider of that
// type.
type ModelCatalog interface {
	ProviderFor(model string) (provider string, ok bool)
}

// upstream is one configured provider in a routing table.
type upstream struct {
	name      string
	cfg       provider.Config
	prov      provider.Provider
	streamer  provider.Streamer
	embedder  provider.Embedder
	completer provider.Completer
	keys      []*keyState
	retry     retryPolicy
	limit     *limiter
	models    []string // configured and listed models, for /v1/models and resolution
}

// target is a resolved model: the provider and the upstream model name.
type target struct {
	up       *upstream
	model    string
	fallback bool
}

// table is an immutable routing table. A reload builds a new one and swaps it in
// atomically; requests keep the table they started with.
type table struct {
	providers   map[string]*upstream
	names       []string // sorted provider names
	aliases     map[string]string
	fallbacks   map[string][]string
	byModel     map[string]*upstream // bare model -> provider (first by name order)
	defaultProv *upstream
	auth        map[string]*GatewayKey // key value -> key
}

// buildTable builds providers and the routing maps from cfg.
func buildTable(cfg *Config, newProvider func(provider.Config) (provider.Provider, error)) (*table, error) {
	t := &table{
		providers: make(map[string]*upstream, len(cfg.Providers)),
		aliases:   cfg.Aliases,
		fallbacks: cfg.Fallbacks,
		byModel:   map[string]*upstream{},
	}
	for name := range cfg.Providers {
		t.names = append(t.names, name)
	}
	sort.Strings(t.names)
	for _, name := range t.names {
		pc := cfg.Providers[name]
		pcfg := pc.providerConfig(name, cfg.Timeouts)
		p, err := newProvider(pcfg)
		if err != nil {
			return nil, err
		}
		up := &upstream{name: name, cfg: pcfg, prov: p, retry: pc.retryPolicy(cfg.Retries)}
		up.streamer, _ = p.(provider.Streamer)
		up.embedder, _ = p.(provider.Embedder)
		up.completer, _ = p.(provider.Completer)
		wait := pc.QueueTimeout.D()
		if wait == 0 {
			wait = DefaultQueueTimeout
		}
		up.limit = newLimiter(name, pc.MaxInFlight, pc.MaxQueue, wait)
		for i, kc := range pc.Keys {
			ks := &keyState{key: provider.Key{Name: pc.keyName(name, i), Value: kc.Value}, weight: 1}
			if kc.Weight != nil {
				ks.weight = *kc.Weight
			}
			if len(kc.Models) > 0 {
				ks.models = make(map[string]struct{}, len(kc.Models))
				for _, m := range kc.Models {
					ks.models[m] = struct{}{}
				}
			}
			up.keys = append(up.keys, ks)
		}
		seen := map[string]bool{}
		add := func(m string) {
			if m != "" && !seen[m] {
				seen[m] = true
				up.models = append(up.models, m)
			}
		}
		for _, m := range pc.Models {
			add(m)
		}
		for m := range pc.Deployments {
			add(m)
		}
		if l, ok := p.(provider.Lister); ok {
			for _, m := range l.Models() {
				add(m)
			}
		}
		for _, m := range up.models {
			if _, taken := t.byModel[m]; !taken {
				t.byModel[m] = up
			}
		}
		t.providers[name] = up
	}
	if cfg.DefaultProvider != "" {
		t.defaultProv = t.providers[cfg.DefaultProvider]
	}
	if len(cfg.Auth.Keys) > 0 {
		t.auth = make(map[string]*GatewayKey, len(cfg.Auth.Keys))
		for i := range cfg.Auth.Keys {
			k := cfg.Auth.Keys[i]
			t.auth[k.Value] = &k
		}
	}
	// Aliases and fallbacks must point somewhere routable now, not at the first request.
	for alias, to := range t.aliases {
		if _, err := t.resolve(to, nil); err != nil {
			return nil, fmt.Errorf("aliases.%s: %s", alias, err.Message)
		}
	}
	for model, chain := range t.fallbacks {
		for i, m := range chain {
			if _, err := t.resolve(m, nil); err != nil {
				return nil, fmt.Errorf("fallbacks.%s[%d]: %s", model, i, err.Message)
			}
		}
	}
	return t, nil
}

// resolve maps a model as a client wrote it to a provider and upstream model name.
func (t *table) resolve(model string, catalog ModelCatalog) (target, *api.Error) {
	m := strings.TrimSpace(model)
	for range 4 { // aliases may chain, but not loop
		to, ok := t.aliases[m]
		if !ok {
			break
		}
		m = to
	}
	if prefix, rest, ok := strings.Cut(m, "/"); ok {
		if up, ok := t.providers[prefix]; ok && rest != "" {
			// Some tools add the provider prefix again: openai/openai/glm-5.
			for {
				r, ok := strings.CutPrefix(rest, prefix+"/")
				if !ok || r == "" {
					break
				}
				rest = r
			}
			return target{up: up, model: rest}, nil
		}
	}
	if up, ok := t.byModel[m]; ok {
		return target{up: up, model: m}, nil
	}
	if catalog != nil {
		if name, ok := catalog.ProviderFor(m); ok {
			if up := t.byNameOrType(name); up != nil {
				return target{up: up, model: m}, nil
			}
		}
	}
	if t.defaultProv != nil && m != "" {
		return target{up: t.defaultProv, model: m}, nil
	}
	return target{}, t.notFound(model)
}

func (t *table) byNameOrType(name string) *upstream {
	if up, ok := t.providers[name]; ok {
		return up
	}
	var found *upstream
	for _, n := range t.names {
		if up := t.providers[n]; up.cfg.Type == name || up.cfg.Preset == name {
			if found != nil {
				return nil // ambiguous
			}
			found = up
		}
	}
	return found
}

func (t *table) notFound(model string) *api.Error {
	e := &api.Error{Status: http.StatusNotFound, Type: api.ErrModelNotFound, Code: "model_not_found", Param: "model"}
	near := closeMatches(model, t.routableNames(), 3)
	switch {
	case len(t.providers) == 0:
		e.Message = fmt.Sprintf("model %q: no provider is configured", model)
	case len(near) > 0:
		e.Message = fmt.Sprintf("model %q is not routable; did you mean %s?", model, strings.Join(near, ", "))
	default:
		e.Message = fmt.Sprintf("model %q is not routable; use provider/model (providers: %s) or see GET /v1/models",
			model, strings.Join(t.names, ", "))
	}
	return e
}

// routableNames lists provider/model for every known model, then the aliases, sorted.
func (t *table) routableNames() []string {
	var out []string
	for _, n := range t.names {
		for _, m := range t.providers[n].models {
			out = append(out, n+"/"+m)
		}
	}
	for a := range t.aliases {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// closeMatches returns up to max candidates near s: by edit distance, or sharing the
// model part after a provider prefix.
func closeMatches(s string, candidates []string, max int) []string {
	type scored struct {
		name string
		d    int
	}
	ls := strings.ToLower(s)
	_, bare, hasSlash := strings.Cut(ls, "/")
	var best []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		_, cBare, _ := strings.Cut(lc, "/")
		d := editDistance(ls, lc)
		if cBare != "" {
			if hasSlash && bare != "" {
				d = min(d, editDistance(bare, cBare)+1)
			} else {
				d = min(d, editDistance(ls, cBare))
			}
		}
		if d > max3(2, len(ls)/4) {
			continue
		}
		best = append(best, scored{c, d})
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].d < best[j].d })
	out := make([]string, 0, max)
	for i := 0; i < len(best) && i < max; i++ {
		out = append(out, best[i].name)
	}
	return out
}

func max3(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// targets resolves the requested model and its fallbacks: the request's own list when
// given (body or header), else the configured chain of the model.
func (t *table) targets(model string, reqFallbacks []string, catalog ModelCatalog) ([]target, *api.Error) {
	first, err := t.resolve(model, catalog)
	if err != nil {
		return nil, err
	}
	chain := reqFallbacks
	if len(chain) == 0 {
		chain = t.fallbacks[model]
		if len(chain) == 0 {
			chain = t.fallbacks[first.up.name+"/"+first.model]
		}
	}
	if len(chain) == 0 {
		return []target{first}, nil
	}
	out := make([]target, 0, 1+len(chain))
	out = append(out, first)
	for _, m := range chain {
		tg, err := t.resolve(m, catalog)
		if err != nil {
			err.Param = "fallbacks"
			err.Message = "fallback " + err.Message
			return nil, err
		}
		tg.fallback = true
		out = append(out, tg)
	}
	return out, nil
}
