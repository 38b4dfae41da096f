package vectorstoretest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// BenchBackend is one store that Bench measures.
type BenchBackend struct {
	Name string
	Open func(b *testing.B) vectorstore.Store
	// MaxPoints, when set, returns the largest size worth loading; larger sizes are
	// skipped (for backends too slow to load them by default).
	MaxPoints func() int
	// Bulk, when it returns a function, prepares a bulk load of n points into ns; the
	// function finishes it after the load and returns how long that took (reported as
	// index_build_s).
	Bulk func(b *testing.B, st vectorstore.Store, ns string, n int) func() time.Duration
}

// Bench is the comparative benchmark every backend reports next to the built-in store:
// search latency (k = 10, with and without a payload filter) and single-point upserts in a
// namespace of each size, the rate of loading it (insert_pts/s), and the per-call cost on
// a 16-point namespace. Each (backend, size) is loaded once per benchmark run.
type Bench struct {
	Dim      int
	Sizes    []int
	Backends []BenchBackend
	// Cleanup, when set, runs after each top-level benchmark (dropping test schemas).
	Cleanup func()

	mu     sync.Mutex
	loaded map[string]*benchLoad
}

type benchLoad struct {
	st    vectorstore.Store
	ns    string
	vecs  [][]float32
	rate  float64 // points per second while loading
	build time.Duration
}

// Vectors returns n reproducible Gaussian vectors of the bench's dimension.
func (h *Bench) Vectors(seed uint64, n int) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, h.Dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		out[i] = v
	}
	return out
}

func (h *Bench) load(b *testing.B, be BenchBackend, n int) *benchLoad {
	b.Helper()
	if be.MaxPoints != nil && n > be.MaxPoints() {
		b.Skipf("%s: %d points not loaded (see the comment on the benchmarks)", be.Name, n)
	}
	key := fmt.Sprintf("%s/%d", be.Name, n)
	h.mu.Lock()
	defer h.mu.Unlock()
	if l, ok := h.loaded[key]; ok {
		return l
	}
	l := &benchLoad{st: be.Open(b), ns: fmt.Sprintf("bench_%d", n), vecs: h.Vectors(uint64(n), n)}
	var finish func() time.Duration
	if be.Bulk != nil {
		finish = be.Bulk(b, l.st, l.ns, n)
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
	if h.loaded == nil {
		h.loaded = map[string]*benchLoad{}
	}
	h.loaded[key] = l
	return l
}

// done closes the loaded stores and runs Cleanup.
func (h *Bench) done() {
	h.mu.Lock()
	for _, l := range h.loaded {
		l.st.Close()
	}
	h.loaded = nil
	h.mu.Unlock()
	if h.Cleanup != nil {
		h.Cleanup()
	}
}

// Search benchmarks searches (unfiltered and filtered) and single-point upserts into a
// loaded namespace of every size, for every backend.
func (h *Bench) Search(b *testing.B) {
	defer h.done()
	for _, be := range h.Backends {
		for _, n := range h.Sizes {
			b.Run(fmt.Sprintf("%s/n=%d", be.Name, n), func(b *testing.B) {
				l := h.load(b, be, n)
				for _, tc := range []struct {
					name string
					f    vectorstore.Filter
				}{{"nofilter", nil}, {"filter", vectorstore.Filter{"tenant": "t7"}}} {
					b.Run(tc.name, func(b *testing.B) {
						r := rand.New(rand.NewPCG(1, 2))
						q := make([]float32, h.Dim)
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
					extra := h.Vectors(99, 1024)
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

// RoundTrip isolates each backend's per-call cost (transport, encoding, decoding) on a
// 16-point namespace, where the search itself is negligible.
func (h *Bench) RoundTrip(b *testing.B) {
	defer h.done()
	for _, be := range h.Backends {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			defer st.Close()
			vecs := h.Vectors(5, 16)
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

// BuiltinBackend is the built-in store as a bench baseline. The caller's package must
// import vectorstore/memory (which registers it).
func BuiltinBackend(maxPoints func() int) BenchBackend {
	return BenchBackend{Name: "builtin", MaxPoints: maxPoints, Open: func(b *testing.B) vectorstore.Store {
		s, err := vectorstore.Open(context.Background(), "builtin", []byte(`{}`))
		if err != nil {
			b.Fatal(err)
		}
		return s
	}}
}
