package memory_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/internal/vecgen"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

// Benchmarks on clustered 512-dimension vectors from vecgen. The default size keeps a
// run short; MUNINN_VECTORSTORE_BENCH_N raises it (the 100k and 1M figures in README.md
// come from the vecbench command, which also measures recall and reload).
//
//	go test -run '^$' -bench . -benchtime 2000x ./vectorstore/memory
func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("MUNINN_VECTORSTORE_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

func buildBench(b *testing.B, quant string, n int) (*memory.Store, *vecgen.Gen) {
	b.Helper()
	gen := vecgen.New(vecgen.Default(n))
	s, err := memory.New(memory.Config{Quantization: quant, SweepInterval: vectorstore.D(0)})
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += 5000 {
		var pts []vectorstore.Point
		for i := start; i < min(start+5000, n); i++ {
			pts = append(pts, vectorstore.Point{ID: strconv.Itoa(i), Vector: gen.Point(i)})
		}
		if err := s.Upsert(context.Background(), "bench", pts); err != nil {
			b.Fatal(err)
		}
	}
	return s, gen
}

// BenchmarkSearch measures single-query latency through the graph, with the full scan
// of the same store as the baseline of the same run, and recall@1 against that scan.
func BenchmarkSearch(b *testing.B) {
	n := benchN()
	for _, quant := range []string{memory.QuantNone, memory.QuantInt8} {
		b.Run(quant, func(b *testing.B) {
			s, gen := buildBench(b, quant, n)
			defer s.Close()
			ctx := context.Background()
			const nq = 200
			qs := make([][]float32, nq)
			for j := range qs {
				qs[j], _ = gen.Query(j, n)
			}
			// Baseline: full scans, and the exact answers.
			truth := make([]string, nq)
			t0 := time.Now()
			for j, q := range qs {
				m, err := s.SearchExact(ctx, "bench", q, 1, nil)
				if err != nil {
					b.Fatal(err)
				}
				truth[j] = m[0].ID
			}
			scan := time.Since(t0) / nq

			lat := make([]time.Duration, 0, b.N)
			hits, total := 0, 0
			b.ReportAllocs()
			b.ResetTimer()
			j := 0
			for b.Loop() {
				q := qs[j%nq]
				t := time.Now()
				m, err := s.Search(ctx, "bench", q, 10, nil)
				lat = append(lat, time.Since(t))
				if err != nil || len(m) == 0 {
					b.Fatal(m, err)
				}
				if j < nq {
					total++
					if m[0].ID == truth[j] {
						hits++
					}
				}
				j++
			}
			b.StopTimer()
			slices.Sort(lat)
			p99 := lat[min(len(lat)-1, len(lat)*99/100)]
			b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
			b.ReportMetric(float64(p99)/float64(scan), "p99/scan")
			if total > 0 {
				b.ReportMetric(float64(hits)/float64(total), "recall@1")
			}
		})
	}
}

// BenchmarkUpsert measures inserting one point per call into a store of benchN points.
func BenchmarkUpsert(b *testing.B) {
	n := benchN()
	for _, quant := range []string{memory.QuantNone, memory.QuantInt8} {
		b.Run(quant, func(b *testing.B) {
			s, gen := buildBench(b, quant, n)
			defer s.Close()
			pts := make([]vectorstore.Point, 1000)
			for i := range pts {
				pts[i] = vectorstore.Point{ID: "new" + strconv.Itoa(i), Vector: gen.Point(n + i)}
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				if err := s.Upsert(ctx, "bench", pts[i%len(pts):i%len(pts)+1]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
