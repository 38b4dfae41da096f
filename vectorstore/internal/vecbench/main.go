package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/internal/vecgen"
	"github.com/muninn-gw/muninn/vectorstore/memory"
	"golang.org/x/sys/unix"
)

func main() {
	var (
		n       = flag.Int("n", 100_000, "points")
		queries = flag.Int("queries", 1000, "queries (latency and recall)")
		quant   = flag.String("quant", memory.QuantNone, "quantization: none or int8")
		m       = flag.Int("m", memory.DefaultM, "HNSW M")
		efc     = flag.Int("efc", memory.DefaultEfConstruction, "HNSW ef_construction")
		ef      = flag.Int("ef", memory.DefaultEfSearch, "HNSW ef_search")
		efUpper = flag.Int("efu", memory.DefaultEfUpper, "beam width above the base layer (ef_upper)")
		k       = flag.Int("k", 10, "matches per search")
		dir     = flag.String("dir", "", "data directory: also measure persistence and reload")
		batch   = flag.Int("batch", 10_000, "points per Upsert call")
		prof    = flag.String("cpuprofile", "", "write a CPU profile")
		hard    = flag.Bool("hard", false, "isotropic variation (vecgen.Hard): the worst case for a graph index")
		reuse   = flag.Bool("reuse", false, "open the existing -dir (built by an earlier run with the same -n) instead of building")
	)
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vecbench:", err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *reuse && *dir == "" {
		fmt.Fprintln(os.Stderr, "vecbench: -reuse needs -dir")
		os.Exit(2)
	}
	if err := run(*n, *queries, *quant, *m, *efc, *ef, *efUpper, *k, *batch, *dir, *reuse, *hard); err != nil {
		fmt.Fprintln(os.Stderr, "vecbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func heap() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func id(i int) string { return "p" + strconv.Itoa(i) }

func run(n, nq int, quant string, m, efc, ef, efUpper, k, batch int, dir string, reuse, hard bool) error {
	ctx := context.Background()
	gcfg := vecgen.Default(n)
	if hard {
		gcfg = vecgen.Hard(n)
	}
	gen := vecgen.New(gcfg)
	cfg := memory.Config{Quantization: quant, M: m, EfConstruction: efc, EfSearch: ef, EfUpper: efUpper, Dir: dir, SweepInterval: vectorstore.D(0), CompactBytes: 1 << 62}
	fmt.Printf("vecbench: n=%d dim=%d quant=%s M=%d efC=%d ef=%d efu=%d k=%d hard=%v GOMAXPROCS=%d dir=%q\n",
		n, gen.Dim(), quant, m, efc, ef, efUpper, k, hard, runtime.GOMAXPROCS(0), dir)
	if dir != "" && !reuse {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	base := heap()
	t0 := time.Now()
	s, err := memory.New(cfg)
	if err != nil {
		return err
	}
	if reuse {
		st, err := s.Stats(ctx)
		if err != nil {
			return err
		}
		used := heap() - base
		fmt.Printf("reload: %d points in %v; %.0f bytes/point live heap (%.1f MiB)\n",
			st.Points, time.Since(t0).Round(time.Millisecond), float64(used)/float64(st.Points), float64(used)/(1<<20))
		if st.Points != n {
			return fmt.Errorf("directory holds %d points, -n is %d", st.Points, n)
		}
		batch = n // nothing to build
	}
	// Build: generation is timed apart from insertion.
	var genTime, insTime time.Duration
	for start := 0; start < n && !reuse; start += batch {
		t0 := time.Now()
		pts := generate(gen, start, min(start+batch, n))
		t1 := time.Now()
		if err := s.Upsert(ctx, "bench", pts); err != nil {
			return err
		}
		genTime += t1.Sub(t0)
		insTime += time.Since(t1)
		if (start/batch)%10 == 9 {
			fmt.Printf("  built %d/%d (%.0f points/s)\n", start+batch, n, float64(start+batch)/insTime.Seconds())
		}
	}
	if !reuse {
		used := heap() - base
		fmt.Printf("build: %d points in %v (%.0f points/s; generation %v apart)\n", n, insTime.Round(time.Millisecond), float64(n)/insTime.Seconds(), genTime.Round(time.Millisecond))
		fmt.Printf("memory: %.0f bytes/point live heap (%.1f MiB)\n", float64(used)/float64(n), float64(used)/(1<<20))
	}

	// Queries and exact ground truth (float64 cosine over regenerated points).
	qs := make([][]float32, nq)
	for j := range qs {
		qs[j], _ = gen.Query(j, n)
	}
	t0 = time.Now()
	truth, cached := loadTruth(dir, n, nq)
	if !cached {
		truth = groundTruth(gen, n, qs)
		saveTruth(dir, n, truth)
	}
	fmt.Printf("ground truth: %v (cached: %v)\n", time.Since(t0).Round(time.Millisecond), cached)

	// Latency, single query at a time.
	lat := make([]time.Duration, nq)
	cpu := make([]time.Duration, nq)
	hits, eligible, inTopK := 0, 0, 0
	var missGap []float64
	// CPU time of the searching thread next to wall time: on a shared machine the
	// difference is time spent waiting for a core.
	runtime.LockOSThread()
	for j, q := range qs {
		c := threadCPU()
		t := time.Now()
		res, err := s.Search(ctx, "bench", q, k, nil)
		lat[j] = time.Since(t)
		cpu[j] = threadCPU() - c
		if err != nil {
			return err
		}
		if truth[j].Score < 0.8 {
			continue
		}
		eligible++
		if len(res) > 0 {
			got, _ := strconv.Atoi(res[0].ID[1:])
			// A different ID with the same exact similarity is a correct answer.
			c := cosine(gen.Point(got), qs[j])
			if got == truth[j].ID || c >= truth[j].Score-1e-5 {
				hits++
			} else {
				missGap = append(missGap, truth[j].Score-c)
				if slices.ContainsFunc(res, func(m vectorstore.Match) bool { return m.ID == id(truth[j].ID) }) {
					inTopK++
				}
			}
		}
	}
	runtime.UnlockOSThread()
	slices.Sort(lat)
	slices.Sort(cpu)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	pc := func(q float64) time.Duration { return cpu[min(len(cpu)-1, int(q*float64(len(cpu))))] }
	// Baseline: a full scan of the same store, a few queries.
	scans := min(nq, 20)
	var scanTotal time.Duration
	for j := 0; j < scans; j++ {
		t := time.Now()
		if _, err := s.SearchExact(ctx, "bench", qs[j], k, nil); err != nil {
			return err
		}
		scanTotal += time.Since(t)
	}
	scan := scanTotal / time.Duration(scans)
	fmt.Printf("search: p50 %v p90 %v p99 %v max %v; full scan %v (p99 = %.4f of a scan, %.1fx faster)\n",
		p(0.5), p(0.9), p(0.99), lat[len(lat)-1], scan, float64(p(0.99))/float64(scan), float64(scan)/float64(p(0.99)))
	fmt.Printf("search CPU time: p50 %v p90 %v p99 %v max %v (p99 = %.4f of a scan)\n",
		pc(0.5), pc(0.9), pc(0.99), cpu[len(cpu)-1], float64(pc(0.99))/float64(scan))
	fmt.Printf("recall@1: %.4f over %d queries whose best match has cosine >= 0.8 (%d queries)\n",
		float64(hits)/float64(max(eligible, 1)), eligible, nq)
	if len(missGap) > 0 {
		slices.Sort(missGap)
		fmt.Printf("  misses: %d, of which %d had the best match lower in the top %d; exact-cosine gap to the best: median %.4f, max %.4f\n",
			len(missGap), inTopK, k, missGap[len(missGap)/2], missGap[len(missGap)-1])
	}

	if dir != "" && !reuse {
		t := time.Now()
		if err := s.Compact(); err != nil {
			return err
		}
		fmt.Printf("snapshot: %v\n", time.Since(t).Round(time.Millisecond))
		if err := s.Close(); err != nil {
			return err
		}
		s = nil
		heap()
		t = time.Now()
		s2, err := memory.New(cfg)
		if err != nil {
			return err
		}
		st, err := s2.Stats(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("reload: %d points in %v\n", st.Points, time.Since(t).Round(time.Millisecond))
		return s2.Close()
	}
	return s.Close()
}

func generate(gen *vecgen.Gen, from, to int) []vectorstore.Point {
	pts := make([]vectorstore.Point, to-from)
	var wg sync.WaitGroup
	w := runtime.GOMAXPROCS(0)
	for g := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + g; i < to; i += w {
				pts[i-from] = vectorstore.Point{ID: id(i), Vector: gen.Point(i)}
			}
		}()
	}
	wg.Wait()
	return pts
}

type best struct {
	Score float64
	ID    int
}

// groundTruth finds each query's exact best point, regenerating points in parallel.
func groundTruth(gen *vecgen.Gen, n int, qs [][]float32) []best {
	w := runtime.GOMAXPROCS(0)
	parts := make([][]best, w)
	var wg sync.WaitGroup
	for g := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := make([]best, len(qs))
			for j := range b {
				b[j].Score = math.Inf(-1)
			}
			for i := g; i < n; i += w {
				p := gen.Point(i)
				for j, q := range qs {
					// Points and queries are unit vectors: the dot product is the cosine.
					if c := float64(dot(p, q)); c > b[j].Score {
						b[j] = best{c, i}
					}
				}
			}
			parts[g] = b
		}()
	}
	wg.Wait()
	out := parts[0]
	for _, b := range parts[1:] {
		for j := range out {
			if b[j].Score > out[j].Score {
				out[j] = b[j]
			}
		}
	}
	return out
}

// The exact answers are kept next to the data directory: computing them at 1M points
// costs more than the searches measured.
func truthPath(dir string, n, nq int) string {
	return fmt.Sprintf("%s.truth-%d-%d.json", strings.TrimSuffix(dir, "/"), n, nq) // one dataset per directory
}

func loadTruth(dir string, n, nq int) ([]best, bool) {
	if dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(truthPath(dir, n, nq))
	if err != nil {
		return nil, false
	}
	var t []best
	if json.Unmarshal(b, &t) != nil || len(t) != nq {
		return nil, false
	}
	return t, true
}

func saveTruth(dir string, n int, t []best) {
	if dir == "" {
		return
	}
	b, _ := json.Marshal(t)
	_ = os.WriteFile(truthPath(dir, n, len(t)), b, 0o644)
}

func cosine(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return d / math.Sqrt(na*nb)
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
