package metrics

import (
	"context"
	"strings"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/telemetry"
)

// Plugin feeds a telemetry.Metrics.
type Plugin struct{ m *telemetry.Metrics }

// New returns the plugin for m.
func New(m *telemetry.Metrics) *Plugin { return &Plugin{m: m} }

func (p *Plugin) Name() string { return "metrics" }

// PreHook does nothing; it exists so the post-hook also runs for cache hits that
// short-circuit later plugins.
func (p *Plugin) PreHook(context.Context, *gateway.Call) (*gateway.Reply, error) { return nil, nil }

// PostHook records the call.
func (p *Plugin) PostHook(_ context.Context, c *gateway.Call) error {
	r := telemetry.Request{
		Endpoint:       c.Endpoint,
		Provider:       c.Provider,
		Model:          c.Model,
		Tenant:         c.Tenant,
		Status:         c.Status,
		Duration:       c.Duration,
		FirstChunk:     c.FirstByte,
		Stream:         c.Stream,
		Operation:      telemetry.OperationName(c.Endpoint),
		ProviderName:   telemetry.ProviderName(c.Provider),
		CostNanoUSD:    c.Cost.NanoUSD,
		SavedNanoUSD:   c.Cost.SavedNanoUSD,
		CostKnown:      c.Cost.Known,
		SavedLatency:   c.Cache.SavedLatency,
		Similarity:     c.Cache.Similarity,
		LookupDuration: c.Cache.LookupDuration,
		EmbedDuration:  c.Cache.EmbedDuration,
	}
	if c.Err != nil {
		r.ErrorType = c.Err.Type
	}
	r.Cache, r.CacheTier = splitCacheStatus(c.Cache.Status)
	r.CacheReason = boundedReason(c.Cache.Reason)
	if u := c.Usage; u != nil {
		r.HasUsage = true
		r.InputTokens, r.OutputTokens = u.PromptTokens, u.CompletionTokens
		r.CachedTokens, r.CacheWriteTokens, r.ReasoningTokens = u.CachedTokens(), u.CacheCreationTokens(), u.ReasoningTokens()
	}
	if n := len(c.Attempts); n > 0 {
		var buf [4]telemetry.Attempt
		r.Attempts = buf[:0]
		for _, a := range c.Attempts {
			r.Attempts = append(r.Attempts, telemetry.Attempt{
				Provider: a.Provider, Model: a.Model, ErrorType: a.ErrorType,
				Duration: a.Duration, Fallback: a.Fallback,
			})
		}
	}
	p.m.Observe(&r)
	return nil
}

// splitCacheStatus maps "hit-exact" to ("hit", "exact") and so on.
func splitCacheStatus(s string) (result, tier string) {
	switch s {
	case "hit-exact":
		return "hit", "exact"
	case "hit-semantic":
		return "hit", "semantic"
	case "miss", "bypass":
		return s, ""
	case "":
		return "", ""
	}
	return "other", ""
}

// boundedReason keeps identifier-like reasons ("temperature", "tool_calls",
// "near_miss:number") and folds anything else into "other".
func boundedReason(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 40 {
		return "other"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("_-:.", r)) {
			return "other"
		}
	}
	return s
}

var (
	_ gateway.PreHooker  = (*Plugin)(nil)
	_ gateway.PostHooker = (*Plugin)(nil)
)
