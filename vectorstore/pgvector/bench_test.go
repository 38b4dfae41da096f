package pgvector_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
)

// Benchmarks: search latency (k=10, with and without a payload filter) and the insert
// rate of loading n points of dimension benchDim, against the Postgres of
// MUNINN_TEST_POSTGRES (PGlite in CI). With -tags benchcompare the built-in store runs
// in the same process as the baseline (bench_builtin_test.go).
//
//	go test -run '^$' -bench . -benchtime 100x ./vectorstore/pgvector/
//
// PGlite is a single-threaded WebAssembly Postgres whose HNSW maintenance is slow (about
// 40 points/s at 10k points), so the 100k size runs only with MUNINN_BENCH_100K=1 (over
// 40 minutes there) or MUNINN_BENCH_100K=bulk: the HNSW index is dropped before the load
// and built once after it, the usual way to bulk-load pgvector; the build time is
// reported as the index_build_s metric.
// Each (backend, n) is loaded once per process; the load rate is reported as the
// insert_pts/s metric of every benchmark of that size.

const benchDim = 384

var benchSizes = []int{10_000, 100_000}

type benchBackend struct {
	name string
	max  func() int // largest size worth loading
	open func(b *testing.B) vectorstore.Store
	// bulk, when it returns a function, prepares a bulk load of n points; the function
	// finishes it after the load and returns how long that took.
	bulk func(b *testing.B, st vectorstore.Store, ns string, n int) func() time.Duration
}

var benchBackends = []benchBackend{
	{
		name: "pgvector-pglite",
		max: func() int {
			if os.Getenv("MUNINN_BENCH_100K") != "" {
				return 100_000
			}
			return 10_000
		},
		open: func(b *testing.B) vectorstore.Store {
			dsn := testenv.Require(b, testenv.PostgresDSN)
			prefix := fmt.Sprintf("mvb_%06x", rand.Uint32()&0xffffff)
			benchCleanups = append(benchCleanups, func() { dropPrefix(b, dsn, prefix) })
			benchPrefix = prefix
			return openShared(b, dsn, testConfig(b, dsn, prefix))
		},
		bulk: func(b *testing.B, st vectorstore.Store, ns string, n int) func() time.Duration {
			if n <= 10_000 || os.Getenv("MUNINN_BENCH_100K") != "bulk" {
				return nil
			}
			pool := sharedPool(b, testenv.Require(b, testenv.PostgresDSN))
			if err := st.(vectorstore.NamespaceEnsurer).EnsureNamespace(context.Background(), ns, benchDim); err != nil {
				b.Fatal(err)
			}
			index := pgx.Identifier{fmt.Sprintf("%s_d%d_hnsw", benchPrefix, benchDim)}.Sanitize()
			table := pgx.Identifier{fmt.Sprintf("%s_d%d", benchPrefix, benchDim)}.Sanitize()
			if _, err := pool.Exec(context.Background(), "DROP INDEX "+index); err != nil {
				b.Fatal(err)
			}
			return func() time.Duration {
				start := time.Now()
				if _, err := pool.Exec(context.Background(), "CREATE INDEX "+index+" ON "+table+
					" USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
		},
	},
}

var benchPrefix string

var benchCleanups []func()

type loaded struct {
	st    vectorstore.Store
	ns    string
	vecs  [][]float32
	rate  float64 // points per second while loading
	build time.Duration
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

func load(b *testing.B, be benchBackend, n int) *loaded {
	b.Helper()
	if be.max != nil && n > be.max() {
		b.Skipf("%s: %d points not loaded (see the comment on the benchmarks)", be.name, n)
	}
	key := fmt.Sprintf("%s/%d", be.name, n)
	loadMu.Lock()
	defer loadMu.Unlock()
	if l, ok := loadCache[key]; ok {
		return l
	}
	l := &loaded{st: be.open(b), ns: fmt.Sprintf("bench_%d", n), vecs: benchVecs(uint64(n), n)}
	var finish func() time.Duration
	if be.bulk != nil {
		finish = be.bulk(b, l.st, l.ns, n)
	}
	start := time.Now()
	for i := 0; i < n; i += 256 {
		batch := make([]vectorstore.Point, 0, 256)
		for j := i; j < min(i+256, n); j++ {
			batch = append(batch, vectorstore.Point{
				ID: fmt.Sprintf("p%07d", j), Vector: l.vecs[j],
				Payload: map[string]string{"tenant": fmt.Sprintf("t%d", j%20)},
			})
		}
		if err := l.st.Upsert(context.Background(), l.ns, batch); err != nil {
			b.Fatalf("load %s: %v", key, err)
		}
	}
	l.rate = float64(n) / time.Since(start).Seconds()
	if finish != nil {
		l.build = finish()
	}
	loadCache[key] = l
	return l
}

func BenchmarkSearch(b *testing.B) {
	defer func() {
		for _, c := range benchCleanups {
			c()
		}
		benchCleanups = nil
		loadCache = map[string]*loaded{}
	}()
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
						if l.build > 0 {
							b.ReportMetric(l.build.Seconds(), "index_build_s")
						}
					})
				}
				b.Run("upsert1", func(b *testing.B) {
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
			})
		}
	}
}

// BenchmarkRoundTrip isolates the backend's per-call cost on a 16-point namespace.
func BenchmarkRoundTrip(b *testing.B) {
	defer func() {
		for _, c := range benchCleanups {
			c()
		}
		benchCleanups = nil
	}()
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
