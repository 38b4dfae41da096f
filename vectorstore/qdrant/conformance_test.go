package qdrant_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/qdrant"
	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

func openStore(t testing.TB, cfg qdrant.Config) *qdrant.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := qdrant.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

// TestConformanceFake runs the shared suite against the in-process Qdrant. The fake
// requires a payload index for every filtered field (strict mode), so the suite also
// proves the backend indexes what it filters on.
func TestConformanceFake(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{RequireIndexes: true})
	vectorstoretest.Run(t, func(t *testing.T) vectorstore.Store {
		return openStore(t, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(0)})
	})
	idx := srv.PayloadIndexes("muninn_d3")
	want := map[string]string{"_ns": "Keyword", "_f": "Keyword", "_exp": "Integer"}
	for f, typ := range want {
		if got, ok := idx[f]; !ok || got.String() != typ {
			t.Errorf("payload index %s = %v (present %v), want %s", f, got, ok, typ)
		}
	}
}

// TestConformanceReal runs the suite against a real Qdrant when QDRANT_ADDR is set, in
// collections with a prefix unique to the run, dropped at the end.
func TestConformanceReal(t *testing.T) {
	addr := testenv.Optional(t, testenv.QdrantAddr)
	prefix := fmt.Sprintf("muninn_test_%06x", rand.Uint32()&0xffffff)
	vectorstoretest.Run(t, func(t *testing.T) vectorstore.Store {
		return openStore(t, qdrant.Config{Addr: addr, CollectionPrefix: prefix, SweepInterval: qdrant.D(0)})
	})
	dropPrefix(t, addr, prefix)
}

// dropPrefix deletes the collections a test created on a real server.
func dropPrefix(t *testing.T, addr, prefix string) {
	t.Helper()
	s := openStore(t, qdrant.Config{Addr: addr, CollectionPrefix: prefix, SweepInterval: qdrant.D(0)})
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	names, err := qdrant.ListCollections(ctx, s)
	if err != nil {
		t.Fatalf("list collections: %v", err)
	}
	for _, n := range names {
		if strings.HasPrefix(n, prefix+"_") {
			if err := qdrant.DeleteCollection(ctx, s, n); err != nil {
				t.Errorf("drop %s: %v", n, err)
			}
		}
	}
}
