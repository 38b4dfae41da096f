package memory_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

// vec returns the reproducible vector of point i.
func vec(i, dim int) []float32 {
	r := rand.New(rand.NewPCG(uint64(i), 99))
	v := make([]float32, dim)
	for j := range v {
		v[j] = float32(r.NormFloat64())
	}
	return v
}

func pid(i int) string { return fmt.Sprintf("p%05d", i) }

// logCapture records warnings.
type logCapture struct {
	mu   sync.Mutex
	msgs []string
}

func (c *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, r.Level.String()+" "+r.Message)
	return nil
}
func (c *logCapture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCapture) WithGroup(string) slog.Handler      { return c }
func (c *logCapture) warned() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.msgs {
		if strings.HasPrefix(m, "WARN") {
			return true
		}
	}
	return false
}

func open(t *testing.T, cfg memory.Config) *memory.Store {
	t.Helper()
	s, err := memory.New(cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

// checkPoint verifies that point i is stored intact (or absent when want is false).
func checkPoint(t *testing.T, s *memory.Store, ns string, i, dim int, want bool) {
	t.Helper()
	p, err := s.Get(context.Background(), ns, pid(i))
	if !want {
		if !errors.Is(err, vectorstore.ErrNotFound) {
			t.Fatalf("%s: want not found, got %v", pid(i), err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", pid(i), err)
	}
	if c := vectorstore.Cosine(p.Vector, vec(i, dim)); c < 0.995 {
		t.Fatalf("%s: stored vector has cosine %v with the original", pid(i), c)
	}
	if p.Payload["n"] != fmt.Sprint(i) {
		t.Fatalf("%s: payload %v", pid(i), p.Payload)
	}
}

func upsertRange(t *testing.T, s *memory.Store, ns string, from, to, dim int) {
	t.Helper()
	var pts []vectorstore.Point
	for i := from; i < to; i++ {
		pts = append(pts, vectorstore.Point{ID: pid(i), Vector: vec(i, dim), Payload: map[string]string{"n": fmt.Sprint(i)}})
	}
	if err := s.Upsert(context.Background(), ns, pts); err != nil {
		t.Fatal(err)
	}
}

func TestReopen(t *testing.T) {
	tests := []struct {
		name    string
		quant   string
		compact bool // snapshot in the middle
		reopenQ string
	}{
		{"float32 log only", memory.QuantNone, false, ""},
		{"float32 snapshot", memory.QuantNone, true, ""},
		{"int8 log only", memory.QuantInt8, false, ""},
		{"int8 snapshot", memory.QuantInt8, true, ""},
		{"snapshot reopened in another mode", memory.QuantNone, true, memory.QuantInt8},
	}
	const dim = 32
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// Exact search: this test is about what is stored (TestSnapshotKeepsGraph is
			// about the graph).
			cfg := memory.Config{Dir: dir, Quantization: tc.quant, ExactThreshold: 10000, M: 8, EfConstruction: 40}
			s := open(t, cfg)
			ctx := context.Background()
			upsertRange(t, s, "a", 0, 400, dim)
			upsertRange(t, s, "b", 1000, 1010, dim)
			upsertRange(t, s, "gone", 2000, 2005, dim)
			if err := s.Delete(ctx, "a", []string{pid(1), pid(2), pid(3)}); err != nil {
				t.Fatal(err)
			}
			if tc.compact {
				if err := s.Compact(); err != nil {
					t.Fatal(err)
				}
			}
			upsertRange(t, s, "a", 400, 450, dim)
			if err := s.Delete(ctx, "a", []string{pid(4)}); err != nil {
				t.Fatal(err)
			}
			if err := s.DropNamespace(ctx, "gone"); err != nil {
				t.Fatal(err)
			}
			exp := vectorstore.Point{ID: "short", Vector: vec(7, dim), ExpiresAt: time.Now().Add(-time.Second)}
			if err := s.Upsert(ctx, "b", []vectorstore.Point{exp}); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			cfg.Quantization = cmpOr(tc.reopenQ, tc.quant)
			s = open(t, cfg)
			defer s.Close()
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Points != 446+10 || st.Namespaces != 2 {
				t.Fatalf("after reopen: %+v, want 456 points in 2 namespaces", st)
			}
			for i := 0; i < 450; i++ {
				checkPoint(t, s, "a", i, dim, i < 1 || i > 4)
			}
			for i := 0; i < 450; i += 7 {
				if i >= 1 && i <= 4 {
					continue
				}
				m, err := s.Search(ctx, "a", vec(i, dim), 1, nil)
				if err != nil || len(m) != 1 || m[0].ID != pid(i) {
					t.Fatalf("search for %s after reopen: %v %v", pid(i), m, err)
				}
			}
			// Writing after a reopen works, and survives another one.
			upsertRange(t, s, "gone", 3000, 3001, dim)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = open(t, cfg)
			checkPoint(t, s, "gone", 3000, dim, true)
			checkPoint(t, s, "gone", 2000, dim, false)
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func walFiles(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(m)
	return m
}

// TestCorruption damages the log or the snapshot and checks that the store reopens with
// the good prefix, a warning, and nothing invalid.
func TestCorruption(t *testing.T) {
	const dim, n = 16, 200
	type damage func(t *testing.T, path string, size int64)
	truncate := func(cut int64) damage {
		return func(t *testing.T, path string, size int64) {
			if err := os.Truncate(path, size-cut); err != nil {
				t.Fatal(err)
			}
		}
	}
	flip := func(at func(size int64) int64) damage {
		return func(t *testing.T, path string, size int64) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b := []byte{0}
			off := at(size)
			if _, err := f.ReadAt(b, off); err != nil {
				t.Fatal(err)
			}
			b[0] ^= 0x5a
			if _, err := f.WriteAt(b, off); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendGarbage := func(t *testing.T, path string, size int64) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write([]byte{0xff, 0xff, 0, 0, 1, 2, 3, 4, 5, 6, 7}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		snapshot bool // damage the snapshot instead of the log
		damage   damage
		minKept  int // points that must survive
		maxKept  int
	}{
		{"log torn mid-record", false, truncate(10), n - 1, n - 1},
		{"log cut in a header", false, truncate(int64(dim*4) + 30), n - 2, n - 1},
		{"log last record flipped", false, flip(func(s int64) int64 { return s - 5 }), n - 1, n - 1},
		{"log middle flipped", false, flip(func(s int64) int64 { return s / 2 }), 1, n - 2},
		{"log garbage appended", false, appendGarbage, n, n},
		{"log length field flipped", false, flip(func(s int64) int64 { return 1 }), 0, 0},
		// A snapshot stores up to 1024 points per record: a damaged record loses them all.
		{"snapshot tail cut", true, truncate(100), 0, n - 1},
		{"snapshot middle flipped", true, flip(func(s int64) int64 { return s / 2 }), 0, n - 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := memory.Config{Dir: dir, M: 8, EfConstruction: 40}
			s := open(t, cfg)
			// One point per call, so the log has one record per point.
			for i := 0; i < n; i++ {
				upsertRange(t, s, "ns", i, i+1, dim)
			}
			if tc.snapshot {
				if err := s.Compact(); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			pattern := "wal-*.log"
			if tc.snapshot {
				pattern = "snap-*.dat"
			}
			files := walFiles(t, dir, pattern)
			if len(files) == 0 {
				t.Fatalf("no %s in %s", pattern, dir)
			}
			var target string
			var size int64
			for _, f := range files { // the file holding the points
				if fi, err := os.Stat(f); err == nil && fi.Size() > size {
					target, size = f, fi.Size()
				}
			}
			tc.damage(t, target, size)

			logs := &logCapture{}
			cfg.Logger = slog.New(logs)
			s = open(t, cfg)
			defer s.Close()
			st, err := s.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Points < tc.minKept || st.Points > tc.maxKept {
				t.Fatalf("kept %d points, want %d..%d", st.Points, tc.minKept, tc.maxKept)
			}
			if !logs.warned() {
				t.Fatal("damage not reported")
			}
			// The survivors are a prefix and intact.
			for i := 0; i < n; i++ {
				checkPoint(t, s, "ns", i, dim, i < st.Points)
			}
			// The store keeps working and the repaired directory reopens cleanly.
			upsertRange(t, s, "ns", 5000, 5001, dim)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			logs2 := &logCapture{}
			cfg.Logger = slog.New(logs2)
			s = open(t, cfg)
			checkPoint(t, s, "ns", 5000, dim, true)
			if st2, _ := s.Stats(context.Background()); st2.Points != st.Points+1 {
				t.Fatalf("second reopen: %d points, want %d", st2.Points, st.Points+1)
			}
			if logs2.warned() {
				t.Fatalf("second reopen warned again: %v", logs2.msgs)
			}
		})
	}
}

func TestFsyncAlwaysIsDurableAtOnce(t *testing.T) {
	dir := t.TempDir()
	cfg := memory.Config{Dir: dir, Fsync: memory.FsyncAlways, FlushInterval: vectorstore.D(time.Hour)}
	s := open(t, cfg)
	upsertRange(t, s, "ns", 0, 3, 8)
	// Read the log while the store is still open: the records are already on disk.
	files := walFiles(t, dir, "wal-*.log")
	fi, err := os.Stat(files[len(files)-1])
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() == 0 {
		t.Fatal("FsyncAlways returned before the log was written")
	}
	s.Close()
}

// TestSnapshotKeepsGraph: a snapshot restores the graph itself, so searches return
// exactly what they returned before the restart, and tombstones are carried over.
func TestSnapshotKeepsGraph(t *testing.T) {
	for _, quant := range []string{memory.QuantNone, memory.QuantInt8} {
		t.Run(quant, func(t *testing.T) {
			const dim = 24
			dir := t.TempDir()
			cfg := memory.Config{Dir: dir, Quantization: quant, ExactThreshold: -1, M: 8, EfConstruction: 40}
			s := open(t, cfg)
			ctx := context.Background()
			upsertRange(t, s, "g", 0, 600, dim)
			var del []string
			for i := 0; i < 600; i += 10 {
				del = append(del, pid(i))
			}
			if err := s.Delete(ctx, "g", del); err != nil {
				t.Fatal(err)
			}
			before := map[int][]vectorstore.Match{}
			for q := 0; q < 600; q += 13 {
				m, err := s.Search(ctx, "g", vec(q+7000, dim), 5, nil)
				if err != nil {
					t.Fatal(err)
				}
				before[q] = m
			}
			if err := s.Compact(); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s = open(t, cfg)
			defer s.Close()
			for q, want := range before {
				got, err := s.Search(ctx, "g", vec(q+7000, dim), 5, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("query %d: %d matches after reopen, %d before", q, len(got), len(want))
				}
				for i := range got {
					if got[i].ID != want[i].ID || math.Abs(float64(got[i].Score-want[i].Score)) > 1e-6 {
						t.Fatalf("query %d: %v after reopen, %v before", q, ids(got), ids(want))
					}
				}
			}
			if st, _ := s.Stats(ctx); st.Points != 540 {
				t.Fatalf("%d points after reopen, want 540", st.Points)
			}
		})
	}
}

func ids(m []vectorstore.Match) []string {
	out := make([]string, len(m))
	for i := range m {
		out[i] = m[i].ID
	}
	return out
}
