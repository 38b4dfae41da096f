package pricing

import (
	"strconv"
	"testing"
)

// BenchmarkCost is the arithmetic alone.
func BenchmarkCost(b *testing.B) {
	c, err := New(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	r, ok := c.Lookup("anthropic", "claude-sonnet-4-5")
	if !ok {
		b.Fatal("no price")
	}
	u := Usage{InputTokens: 250_000, CacheReadTokens: 100_000, CacheWriteTokens: 2000, OutputTokens: 1000, ReasoningTokens: 200}
	b.ReportAllocs()
	var sink NanoUSD
	for b.Loop() {
		sink += Cost(u, r.Price)
	}
	_ = sink
}

// BenchmarkQuote is what the costing plugin pays per request: a memoised lookup and the
// cost. "cold" resolves names never seen before (a scan of the provider's match rules);
// "openrouter-cold" scans the largest provider (700 models).
func BenchmarkQuote(b *testing.B) {
	u := Usage{InputTokens: 1000, CacheReadTokens: 400, OutputTokens: 500}
	b.Run("memoised", func(b *testing.B) {
		l := NewLive(mustNew(b))
		b.ReportAllocs()
		for b.Loop() {
			if q := l.Quote("openai", "gpt-4o-2024-08-06", u); !q.Known {
				b.Fatal("unknown")
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		c := mustNew(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			// A new catalog every memoLimit names keeps every lookup a miss.
			if i%memoLimit == 0 {
				c = mustNew(b)
			}
			c.resolve("openai", "gpt-4o-2030-"+strconv.Itoa(i), 0)
		}
	})
	b.Run("openrouter-cold", func(b *testing.B) {
		c := mustNew(b)
		b.ReportAllocs()
		for b.Loop() {
			if c.resolve("openrouter", "z-ai/unknown-model", 0) != nil {
				b.Fatal("known")
			}
		}
	})
}

// BenchmarkNew is the start (and reload) cost: parsing the embedded catalog.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		mustNew(b)
	}
}

func mustNew(b *testing.B) *Catalog {
	b.Helper()
	c, err := New(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	return c
}
