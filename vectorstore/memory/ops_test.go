package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

func TestOpenConfig(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr string
	}{
		{"empty", ``, ""},
		{"null", `null`, ""},
		{"all fields", `{"dir":"","quantization":"int8","max_points":10,"max_bytes":1000000,"eviction":"oldest",
			"flush_interval":"250ms","fsync":"always","compact_bytes":1048576,"sweep_interval":"5s",
			"m":12,"ef_construction":80,"ef_search":40,"exact_threshold":500}`, ""},
		{"sweep off", `{"sweep_interval":"off"}`, ""},
		{"unknown field", `{"quantisation":"int8"}`, "unknown field"},
		{"bad quantization", `{"quantization":"int4"}`, "quantization"},
		{"bad eviction", `{"eviction":"random"}`, "eviction"},
		{"bad fsync", `{"fsync":"sometimes"}`, "fsync"},
		{"bad duration", `{"flush_interval":5}`, "duration"},
		{"bad m", `{"m":1}`, "m 1"},
		{"trailing data", `{} {}`, "trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := vectorstore.Open(context.Background(), memory.Kind, json.RawMessage(tc.raw))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				s.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Open: err = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestOpenUnknownKind(t *testing.T) {
	_, err := vectorstore.Open(context.Background(), "nope", nil)
	if err == nil || !strings.Contains(err.Error(), `unknown vector store "nope" (forgotten import?)`) {
		t.Fatalf("err = %v", err)
	}
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestExpiryWithClock(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := open(t, memory.Config{Now: c.now, SweepInterval: vectorstore.D(0)})
	defer s.Close()
	ctx := context.Background()
	p := vectorstore.Point{ID: "e", Vector: []float32{1, 0}, ExpiresAt: c.now().Add(time.Hour)}
	if err := s.Upsert(ctx, "ns", []vectorstore.Point{p, {ID: "keep", Vector: []float32{1, 1}}}); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Search(ctx, "ns", []float32{1, 0}, 5, nil); len(m) != 2 {
		t.Fatalf("before expiry: %v", m)
	}
	c.add(time.Hour)
	if m, _ := s.Search(ctx, "ns", []float32{1, 0}, 5, nil); len(m) != 1 || m[0].ID != "keep" {
		t.Fatalf("at expiry: %v", m)
	}
	if _, err := s.Get(ctx, "ns", "e"); !errors.Is(err, vectorstore.ErrNotFound) {
		t.Fatalf("Get of an expired point: %v", err)
	}
	st, _ := s.Stats(ctx)
	if st.Points != 2 {
		t.Fatalf("expired point swept without a sweep: %+v", st)
	}
	n, err := s.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1", n, err)
	}
	if st, _ := s.Stats(ctx); st.Points != 1 {
		t.Fatalf("after sweep: %+v", st)
	}
}

func TestBackgroundSweep(t *testing.T) {
	s := open(t, memory.Config{SweepInterval: vectorstore.D(5 * time.Millisecond)})
	defer s.Close()
	ctx := context.Background()
	p := vectorstore.Point{ID: "e", Vector: []float32{1, 0}, ExpiresAt: time.Now().Add(-time.Second)}
	if err := s.Upsert(ctx, "ns", []vectorstore.Point{p}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := s.Stats(ctx)
		if st.Points == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("background sweep did not remove the expired point")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEviction(t *testing.T) {
	const dim = 8
	tests := []struct {
		name   string
		cfg    memory.Config
		policy string
	}{
		{"max points lru", memory.Config{MaxPoints: 100}, memory.EvictLRU},
		{"max points oldest", memory.Config{MaxPoints: 100, Eviction: memory.EvictOldest}, memory.EvictOldest},
		{"max bytes", memory.Config{MaxBytes: 100 * 400}, memory.EvictLRU},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: time.Unix(1_700_000_000, 0)}
			cfg := tc.cfg
			cfg.Now = c.now
			s := open(t, cfg)
			defer s.Close()
			ctx := context.Background()
			// Fill to about the limit, hit the 10 oldest points, then add 60 more.
			for i := 0; i < 100; i++ {
				c.add(time.Millisecond)
				upsertRange(t, s, "a", i, i+1, dim)
			}
			c.add(time.Minute)
			for i := 0; i < 10; i++ {
				if m, err := s.Search(ctx, "a", vec(i, dim), 1, nil); err != nil || len(m) == 0 {
					t.Fatal(m, err)
				}
			}
			for i := 100; i < 160; i++ {
				c.add(time.Millisecond)
				upsertRange(t, s, fmt.Sprintf("ns%d", i%3), i, i+1, dim)
			}
			st, _ := s.Stats(ctx)
			if tc.cfg.MaxPoints > 0 && st.Points > tc.cfg.MaxPoints {
				t.Fatalf("%d points over the limit %d", st.Points, tc.cfg.MaxPoints)
			}
			if tc.cfg.MaxBytes > 0 && st.Bytes > tc.cfg.MaxBytes {
				t.Fatalf("%d bytes over the limit %d", st.Bytes, tc.cfg.MaxBytes)
			}
			if st.Points < 60 {
				t.Fatalf("only %d points left: eviction went too far", st.Points)
			}
			hitKept, newKept := 0, 0
			for i := 0; i < 10; i++ {
				if _, err := s.Get(ctx, "a", pid(i)); err == nil {
					hitKept++
				}
			}
			for i := 100; i < 160; i++ {
				if _, err := s.Get(ctx, fmt.Sprintf("ns%d", i%3), pid(i)); err == nil {
					newKept++
				}
			}
			// Sampled eviction is approximate, so the bounds are loose.
			if newKept < 50 {
				t.Fatalf("only %d of the 60 newest points kept", newKept)
			}
			switch tc.policy {
			case memory.EvictLRU:
				if hitKept < 7 {
					t.Fatalf("LRU kept %d of the 10 recently hit points", hitKept)
				}
			case memory.EvictOldest:
				if hitKept > 3 {
					t.Fatalf("oldest-first kept %d of the 10 oldest points", hitKept)
				}
			}
			t.Logf("kept %d points: hit %d/10, newest %d/60", st.Points, hitKept, newKept)
		})
	}
}

func TestConcurrentWritersReadersAndDeletes(t *testing.T) {
	// Stress for the race detector: inserts, overwrites, deletes, sweeps and searches on
	// one namespace large enough to use the graph and to trigger slot reclaiming.
	s := open(t, memory.Config{ExactThreshold: 50, M: 8, EfConstruction: 32, MaxPoints: 700})
	defer s.Close()
	ctx := context.Background()
	const dim = 16
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 400; i++ {
				id := w*1000 + i
				p := vectorstore.Point{ID: pid(id % 1500), Vector: vec(id, dim)}
				if i%5 == 0 {
					p.ExpiresAt = time.Now().Add(-time.Second)
				}
				if err := s.Upsert(ctx, "ns", []vectorstore.Point{p}); err != nil {
					t.Error(err)
					return
				}
				if i%4 == 0 {
					if err := s.Delete(ctx, "ns", []string{pid((id - 3) % 1500)}); err != nil {
						t.Error(err)
						return
					}
				}
				if i%50 == 0 {
					if _, err := s.Sweep(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				if _, err := s.Search(ctx, "ns", vec(i+r*7, dim), 5, vectorstore.Filter{}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st, _ := s.Stats(ctx)
	if st.Points > 700 {
		t.Fatalf("%d points over the limit", st.Points)
	}
	// Every live point is still found by its own vector.
	for i := 0; i < 1500; i++ {
		p, err := s.Get(ctx, "ns", pid(i))
		if err != nil {
			continue
		}
		m, err := s.Search(ctx, "ns", p.Vector, 1, nil)
		if err != nil || len(m) == 0 || m[0].Score < 0.999 {
			t.Fatalf("live point %s not found by its vector: %v %v", pid(i), m, err)
		}
	}
}

func TestFilteredGraphSearch(t *testing.T) {
	// 3000 points through the graph (no exact fallback at this size); the filter lets
	// one point in 50 through.
	s := open(t, memory.Config{ExactThreshold: 100, M: 8, EfConstruction: 40})
	defer s.Close()
	ctx := context.Background()
	const n, dim = 3000, 16
	var pts []vectorstore.Point
	for i := 0; i < n; i++ {
		pts = append(pts, vectorstore.Point{ID: pid(i), Vector: vec(i, dim), Payload: map[string]string{"tenant": fmt.Sprint(i % 50)}})
	}
	if err := s.Upsert(ctx, "ns", pts); err != nil {
		t.Fatal(err)
	}
	misses := 0
	for i := 7; i < n; i += 50 * 3 {
		m, err := s.Search(ctx, "ns", vec(i, dim), 5, vectorstore.Filter{"tenant": "7"})
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != 5 {
			t.Fatalf("filtered search returned %d matches, want 5", len(m))
		}
		for _, x := range m {
			if x.Payload["tenant"] != "7" {
				t.Fatalf("match %s with tenant %q passed the filter", x.ID, x.Payload["tenant"])
			}
		}
		if m[0].ID != pid(i) {
			misses++
		}
	}
	if misses > 1 {
		t.Fatalf("%d filtered self-searches missed", misses)
	}
}
