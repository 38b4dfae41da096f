package qdrant_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/qdrant"
	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
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

type benchBackend struct {
	name string
	open func(b *testing.B) vectorstore.Store
}

var benchBackends = []benchBackend{
	{"qdrant-fake", func(b *testing.B) vectorstore.Store {
		srv, err := qdranttest.New(qdranttest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return openStore(b, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(0)})
	}},
	{"qdrant-real", func(b *testing.B) vectorstore.Store {
		addr := testenv.Optional(b, testenv.QdrantAddr)
		return openStore(b, qdrant.Config{Addr: addr, CollectionPrefix: fmt.Sprintf("muninn_bench_%d", os.Getpid()), SweepInterval: qdrant.D(0)})
	}},
}

type loaded struct {
	st      vectorstore.Store
	ns      string
	vecs    [][]float32
	rate    float64 // points per second while loading
	loadErr error
}

var (
	loadMu    sync.Mutex
	loadCache = map[string]*loaded{}
)

func benchVecs(seed uint64, n int) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, benchDim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		out[i] = v
	}
	return out
}

// load opens a backend and inserts n points in batches of 256, once per process.
func load(b *testing.B, be benchBackend, n int) *loaded {
	b.Helper()
	key := fmt.Sprintf("%s/%d", be.name, n)
	loadMu.Lock()
	defer loadMu.Unlock()
	if l, ok := loadCache[key]; ok {
		return l
	}
	l := &loaded{st: be.open(b), ns: fmt.Sprintf("bench_%d", n), vecs: benchVecs(uint64(n), n)}
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < n; i += 256 {
		batch := make([]vectorstore.Point, 0, 256)
		for j := i; j < min(i+256, n); j++ {
			batch = append(batch, vectorstore.Point{
				ID: fmt.Sprintf("p%07d", j), Vector: l.vecs[j],
				Payload: map[string]string{"tenant": fmt.Sprintf("t%d", j%20)},
			})
		}
		if err := l.st.Upsert(ctx, l.ns, batch); err != nil {
			b.Fatalf("load %s: %v", key, err)
		}
	}
	l.rate = float64(n) / time.Since(start).Seconds()
	loadCache[key] = l
	return l
}

func BenchmarkSearch(b *testing.B) {
	for _, be := range benchBackends {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/n=%d", be.name, n), func(b *testing.B) {
				l := load(b, be, n)
				for _, tc := range []struct {
					name string
					f    vectorstore.Filter
				}{{"nofilter", nil}, {"filter", vectorstore.Filter{"tenant": "t7"}}} {
					b.Run(tc.name, func(b *testing.B) {
						r := rand.New(rand.NewPCG(1, 2))
						q := make([]float32, benchDim)
						b.ReportAllocs()
						b.ResetTimer()
						for i := 0; i < b.N; i++ {
							src := l.vecs[r.IntN(len(l.vecs))]
							for j := range q {
								q[j] = src[j] + 0.1*float32(r.NormFloat64())
							}
							if _, err := l.st.Search(context.Background(), l.ns, q, 10, tc.f); err != nil {
								b.Fatal(err)
							}
						}
						b.ReportMetric(l.rate, "insert_pts/s")
					})
				}
			})
		}
	}
}

// BenchmarkUpsertOne is the cache's write path: one point per call into a loaded
// namespace.
func BenchmarkUpsertOne(b *testing.B) {
	for _, be := range benchBackends {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/n=%d", be.name, n), func(b *testing.B) {
				l := load(b, be, n)
				extra := benchVecs(99, 1024)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					p := vectorstore.Point{ID: fmt.Sprintf("u%07d", i%4096), Vector: extra[i%len(extra)], Payload: map[string]string{"tenant": "t1"}}
					if err := l.st.Upsert(context.Background(), l.ns, []vectorstore.Point{p}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRoundTrip isolates the backend's per-call cost (gRPC on loopback, encoding,
// decoding) on a 16-point namespace, where the fake's brute-force search is negligible.
func BenchmarkRoundTrip(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b)
			defer st.Close()
			vecs := benchVecs(5, 16)
			pts := make([]vectorstore.Point, len(vecs))
			for i, v := range vecs {
				pts[i] = vectorstore.Point{ID: fmt.Sprintf("r%02d", i), Vector: v, Payload: map[string]string{"tenant": "t1"}}
			}
			ctx := context.Background()
			if err := st.Upsert(ctx, "roundtrip", pts); err != nil {
				b.Fatal(err)
			}
			b.Run("search", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := st.Search(ctx, "roundtrip", vecs[i%len(vecs)], 10, vectorstore.Filter{"tenant": "t1"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("upsert1", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := st.Upsert(ctx, "roundtrip", pts[i%len(pts):i%len(pts)+1]); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
