package pgvector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	_ "github.com/muninn-gw/muninn/vectorstore/memory"
	"github.com/muninn-gw/muninn/vectorstore/qdrant"
	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
)

// TestSemanticCacheSameHitsOnEveryBackend runs the semantic cache end to end, with the
// built-in sentence encoder, over the built-in store, Qdrant (the in-process fake) and
// pgvector (the test Postgres), and checks that every lookup has the same outcome: the
// same status, the same response served, the same similarity.
//
// It lives in this package because the test Postgres accepts one client at a time and
// this package's tests are the ones that serialise their use of it.
func TestSemanticCacheSameHitsOnEveryBackend(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	emb, err := uselite.Default()
	if err != nil {
		t.Fatal(err)
	}
	backends := []struct {
		name string
		open func(t *testing.T) vectorstore.Store
	}{
		{"builtin", func(t *testing.T) vectorstore.Store {
			s, err := vectorstore.Open(tctx(t), "builtin", json.RawMessage(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"qdrant", func(t *testing.T) vectorstore.Store {
			srv := qdranttest.Start(t, qdranttest.Options{RequireIndexes: true})
			s, err := qdrant.Open(tctx(t), qdrant.Config{Addr: srv.Addr()})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"pgvector", func(t *testing.T) vectorstore.Store {
			return openShared(t, dsn, testConfig(t, dsn, newPrefix(t, dsn)))
		}},
	}
	fills := []struct{ tenant, prompt string }{
		{"acme", "What is the capital of France?"},
		{"acme", "How do I reverse a list in Python?"},
		{"acme", "Explain the difference between TCP and UDP."},
		{"acme", "Give me a recipe for pancakes."},
		{"beta", "What is the capital of France?"},
	}
	queries := []struct{ tenant, prompt string }{
		{"acme", "What is the capital of France?"},    // exact tier
		{"acme", "what's the capital city of France"}, // paraphrase
		{"acme", "How can I reverse a Python list?"},  // paraphrase
		{"acme", "What is the difference between TCP and UDP?"},
		{"acme", "Give me a recipe for 12 pancakes."},  // near miss: a number appears
		{"acme", "What is the capital of Germany?"},    // near miss: another entity
		{"acme", "How tall is Mount Everest?"},         // unrelated
		{"gamma", "what's the capital city of France"}, // another tenant: never shared
		{"beta", "Tell me the capital of France."},     // beta's own entry
	}
	type outcome struct {
		status, reason, body string
		sim                  float32
	}
	results := make([][]outcome, len(backends))
	for bi, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			st := be.open(t)
			defer st.Close()
			c, err := cache.New(cache.Config{}, cache.Options{Store: st, Embedder: emb})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			req := func(tenant, prompt string) *cache.Request {
				return &cache.Request{Tenant: tenant, Model: "openai/gpt-4o-mini", Temperature: cache.FloatPtr(0),
					Messages: []cache.Message{{Role: "user", Text: prompt}}}
			}
			for i, f := range fills {
				res := c.Lookup(tctx(t), req(f.tenant, f.prompt), cache.LookupOptions{})
				if res.Hit() {
					t.Fatalf("fill %q: unexpected %s", f.prompt, res.Status)
				}
				if !c.Store(res, cache.StoreInput{Response: []byte(fmt.Sprintf(`{"answer":%d}`, i)), Provider: "openai"}) {
					t.Fatal("store dropped")
				}
				if err := c.Flush(tctx(t)); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range queries {
				res := c.Lookup(tctx(t), req(q.tenant, q.prompt), cache.LookupOptions{})
				o := outcome{status: res.Status, reason: res.Reason, sim: res.Similarity}
				if res.Entry != nil {
					o.body = string(res.Entry.Response)
				}
				c.Release(res)
				results[bi] = append(results[bi], o)
			}
		})
	}
	kinds := map[string]int{}
	for qi, q := range queries {
		base := results[0][qi]
		kinds[base.status]++
		t.Logf("%-6s %-45q %-13s %-10s sim %.4f %s", q.tenant, q.prompt, base.status, base.reason, base.sim, base.body)
		for bi := 1; bi < len(backends); bi++ {
			if len(results[bi]) != len(queries) {
				t.Fatalf("%s did not run every query", backends[bi].name)
			}
			got := results[bi][qi]
			if got.status != base.status || got.body != base.body || got.reason != base.reason ||
				math.Abs(float64(got.sim-base.sim)) > 1e-3 {
				t.Errorf("%q on %s: %+v, builtin: %+v", q.prompt, backends[bi].name, got, base)
			}
		}
	}
	// The comparison means something only if the queries exercise every outcome.
	for _, s := range []string{cache.StatusHitExact, cache.StatusHitSemantic, cache.StatusMiss} {
		if kinds[s] == 0 {
			t.Errorf("no query ended %s on the built-in store: %v", s, kinds)
		}
	}
}
