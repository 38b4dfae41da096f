package costing

import (
	"context"
	"strings"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/pricing"
)

// Response headers set on non-streamed responses.
const (
	// HeaderCost is what the request cost upstream, in USD ("0.000123"); absent when
	// unknown.
	HeaderCost = "x-muninn-cost-usd"
	// HeaderSaved is, on a cache hit, what the hit avoided paying, in USD.
	HeaderSaved = "x-muninn-cost-saved-usd"
)

// Plugin prices calls with the catalog in force.
type Plugin struct {
	prices *pricing.Live
}

// New returns the plugin pricing with prices (which must not be nil).
func New(prices *pricing.Live) *Plugin { return &Plugin{prices: prices} }

// Name implements gateway.Plugin.
func (p *Plugin) Name() string { return "costing" }

// PreHook does nothing; it makes the post-hook run for cache hits that short-circuit
// the plugins registered after this one.
func (p *Plugin) PreHook(context.Context, *gateway.Call) (*gateway.Reply, error) { return nil, nil }

// PostHook prices the call into c.Cost and sets the cost headers.
func (p *Plugin) PostHook(_ context.Context, c *gateway.Call) error {
	if strings.HasPrefix(c.Cache.Status, "hit") {
		c.Cost = gateway.CostInfo{Known: true}
		if u := c.Cache.SavedUsage; u != nil {
			prov, model := c.Cache.SavedProvider, c.Cache.SavedModel
			if model == "" {
				prov, model = c.Provider, modelOf(c)
			}
			if q := p.prices.Quote(prov, model, UsageOf(u)); q.Known {
				c.Cost.SavedNanoUSD = int64(q.NanoUSD)
			}
		}
		if !c.Stream {
			c.SetResponseHeader(HeaderCost, "0")
			if c.Cost.SavedNanoUSD > 0 {
				c.SetResponseHeader(HeaderSaved, pricing.NanoUSD(c.Cost.SavedNanoUSD).String())
			}
		}
		return nil
	}

	c.Cost = gateway.CostInfo{}
	switch {
	case c.Usage != nil:
		q := p.prices.Quote(c.Provider, modelOf(c), UsageOf(c.Usage))
		c.Cost.NanoUSD, c.Cost.Known = int64(q.NanoUSD), q.Known
	case c.Err != nil && !c.Stream && len(c.Attempts) == 0:
		// Refused before any upstream call (validation, auth, limits): nothing billed.
		c.Cost.Known = true
	case c.Err != nil && !c.Stream && !anyUpstreamSuccess(c.Attempts):
		// Every upstream attempt failed with an error status: providers do not bill
		// those.
		c.Cost.Known = true
	}
	if !c.Stream && c.Cost.Known {
		c.SetResponseHeader(HeaderCost, pricing.NanoUSD(c.Cost.NanoUSD).String())
	}
	return nil
}

func anyUpstreamSuccess(as []gateway.Attempt) bool {
	for _, a := range as {
		if a.ErrorType == "" || a.Status == 0 || (a.Status >= 200 && a.Status < 300) {
			return true
		}
	}
	return false
}

// modelOf is the upstream model, or the requested one when routing did not get that far.
func modelOf(c *gateway.Call) string {
	if c.Model != "" {
		return c.Model
	}
	return c.RequestedModel
}

// UsageOf converts the gateway's usage to pricing's. PromptTokens includes cached and
// cache-write tokens (the gateway normalises every provider to that), as pricing.Usage
// expects.
func UsageOf(u *api.Usage) pricing.Usage {
	if u == nil {
		return pricing.Usage{}
	}
	return pricing.Usage{
		InputTokens:      int64(u.PromptTokens),
		CacheReadTokens:  int64(u.CachedTokens()),
		CacheWriteTokens: int64(u.CacheCreationTokens()),
		OutputTokens:     int64(u.CompletionTokens),
		ReasoningTokens:  int64(u.ReasoningTokens()),
	}
}

// ModelCatalog adapts the catalog in force to the gateway router's question: which
// provider serves a bare model name.
func ModelCatalog(prices *pricing.Live) gateway.ModelCatalog { return prices }

var (
	_ gateway.Plugin       = (*Plugin)(nil)
	_ gateway.PreHooker    = (*Plugin)(nil)
	_ gateway.PostHooker   = (*Plugin)(nil)
	_ gateway.ModelCatalog = (*pricing.Live)(nil)
)
