package cache

import (
	"context"
	"testing"
)

// BenchmarkLookupExactHit is the in-process cost of an exact hit: keys, map lookup,
// counters (no embedding, no vector search).
func BenchmarkLookupExactHit(b *testing.B) {
	e := newEnv(b, Config{})
	req := userReq("tenant", "How do I reverse a list in Python without modifying the original?")
	res := e.c.Lookup(context.Background(), req, LookupOptions{})
	e.c.Store(res, StoreInput{Response: []byte(`{"choices":[]}`)})
	e.c.Flush(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		if r := e.c.Lookup(context.Background(), req, LookupOptions{}); !r.Hit() {
			b.Fatal("miss")
		}
	}
}

// BenchmarkNearMissVerdict is the cost of the near-miss checks for one candidate: the
// features of both prompts and every rule, on a pair that passes them all (the slowest
// case: no rule returns early).
func BenchmarkNearMissVerdict(b *testing.B) {
	const (
		q = "What's the safest way to thaw a frozen chicken breast from the freezer before cooking it tonight?"
		c = "How do I safely defrost frozen chicken breasts from the freezer before I cook them tonight?"
	)
	b.ReportAllocs()
	for b.Loop() {
		Mismatch(ExtractFeatures(q), ExtractFeatures(c), nil)
	}
}
