package qdrant_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/qdrant"
	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

// Benchmarks: search latency (k=10, with and without a payload filter) and the insert
// rate of loading n points of dimension benchDim, for the Qdrant backend against the
// in-process fake and, when QDRANT_ADDR is set, a real Qdrant. With -tags benchcompare
// the built-in store runs in the same process as the baseline (bench_builtin_test.go).
//
//	go test -run '^$' -bench . -benchtime 200x ./vectorstore/qdrant/
//
// Each (backend, n) is loaded once per process; the load rate is reported as the
// insert_pts/s metric of every benchmark of that size.

const benchDim = 384

var benchSizes = []int{10_000, 100_000}

var bench = &vectorstoretest.Bench{Dim: benchDim, Sizes: benchSizes, Backends: []vectorstoretest.BenchBackend{
	{Name: "qdrant-fake", Open: func(b *testing.B) vectorstore.Store {
		srv, err := qdranttest.New(qdranttest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return openStore(b, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(0)})
	}},
	{Name: "qdrant-real", Open: func(b *testing.B) vectorstore.Store {
		addr := testenv.Optional(b, testenv.QdrantAddr)
		return openStore(b, qdrant.Config{Addr: addr, CollectionPrefix: fmt.Sprintf("muninn_bench_%d", os.Getpid()), SweepInterval: qdrant.D(0)})
	}},
}}

func BenchmarkSearch(b *testing.B) { bench.Search(b) }

// BenchmarkRoundTrip isolates the backend's per-call cost (gRPC on loopback, encoding,
// decoding) on a 16-point namespace, where the fake's brute-force search is negligible.
func BenchmarkRoundTrip(b *testing.B) { bench.RoundTrip(b) }
