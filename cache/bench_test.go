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
