package pricing

import (
	"strings"
	"sync/atomic"
	"time"
)

// Live is the catalog in force. Reloading the configuration builds a new Catalog and
// Swaps it in; requests in flight keep the one they loaded. The unknown-model counter
// survives swaps.
type Live struct {
	cur     atomic.Pointer[Catalog]
	unknown atomic.Uint64
}

// NewLive returns a Live serving c (which must not be nil).
func NewLive(c *Catalog) *Live {
	l := &Live{}
	l.cur.Store(c)
	return l
}

// Catalog returns the catalog in force.
func (l *Live) Catalog() *Catalog { return l.cur.Load() }

// Swap puts c in force (nil is ignored) and returns the previous catalog.
func (l *Live) Swap(c *Catalog) *Catalog {
	if c == nil {
		return l.cur.Load()
	}
	return l.cur.Swap(c)
}

// Quote prices usage for modelName served by providerName; an unknown model gives a
// Quote with Known false and is counted.
func (l *Live) Quote(providerName, modelName string, u Usage) Quote {
	q := l.cur.Load().Quote(providerName, modelName, u)
	if !q.Known {
		l.unknown.Add(1)
	}
	return q
}

// Unknown returns how many quotes found no price since start (for metrics: a counter).
func (l *Live) Unknown() uint64 { return l.unknown.Load() }

// ProviderFor answers the gateway router's question "who serves this bare model name?"
// from the catalog in force.
func (l *Live) ProviderFor(model string) (string, bool) {
	return l.cur.Load().ProviderFor(model)
}

// presetOrder is the order in which the gateway's hosted presets are asked whether they
// serve a bare model name: first-party model makers before hosts of open models.
var presetOrder = []string{"openai", "anthropic", "google", "mistral", "deepseek", "x-ai", "perplexity",
	"groq", "cerebras", "together", "fireworks", "openrouter"}

// ProviderFor returns the gateway preset name ("openai", "anthropic", "gemini", "xai",
// ...) that serves a bare model name, or the provider a configured override names.
func (c *Catalog) ProviderFor(model string) (string, bool) {
	name := strings.TrimSpace(model)
	if name == "" {
		return "", false
	}
	if p, ok := c.overrideProvider[strings.ToLower(name)]; ok {
		return p, true
	}
	lower := strings.ToLower(name)
	// The naming rules of the model makers (gpt-, claude, gemini, grok, ...).
	for _, id := range presetOrder {
		if p := c.byID[id]; p != nil && p.modelMatch != nil && p.modelMatch.match(name, lower) {
			return gatewayName(id), true
		}
	}
	for _, v := range nameVariants(name) {
		for _, id := range presetOrder {
			if p := c.byID[id]; p != nil && p.find(v, false) != nil {
				return gatewayName(id), true
			}
		}
	}
	return "", false
}

func gatewayName(id string) string {
	if g, ok := gatewayNames[id]; ok {
		return g
	}
	return id
}

// setNow pins the clock of a catalog (tests).
func (c *Catalog) setNow(now func() time.Time) { c.now = now }
