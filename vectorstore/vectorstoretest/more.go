package vectorstoretest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

func (s *suite) testExpiry(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	now := time.Now()
	past := pt("past", 1, 0)
	past.ExpiresAt = now.Add(-time.Hour)
	future := pt("future", 1, 0.1)
	future.ExpiresAt = now.Add(time.Hour).Truncate(time.Millisecond)
	mustUpsert(t, st, ns, past, future, pt("forever", 1, 0.2))
	got := mustSearch(t, st, ns, []float32{1, 0}, 10, nil)
	if len(got) != 2 || got[0].ID != "future" || got[1].ID != "forever" {
		t.Fatalf("got %v, want [future forever] (expired point must not be returned)", ids(got))
	}
	if d := got[0].ExpiresAt.Sub(future.ExpiresAt); d < -time.Millisecond || d > time.Millisecond {
		t.Fatalf("ExpiresAt = %v, want %v", got[0].ExpiresAt, future.ExpiresAt)
	}
	if !got[1].ExpiresAt.IsZero() {
		t.Fatalf("point without expiry returned ExpiresAt %v", got[1].ExpiresAt)
	}
	// Overwriting an expired point brings the ID back.
	mustUpsert(t, st, ns, pt("past", 1, 0))
	expectSet(t, mustSearch(t, st, ns, []float32{1, 0}, 10, nil), "past", "future", "forever")
}

// testExpiryTransition polls until a point with a short expiry stops being returned.
func (s *suite) testExpiryTransition(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	p := pt("soon", 1, 0)
	p.ExpiresAt = time.Now().Add(200 * time.Millisecond)
	mustUpsert(t, st, ns, p, pt("stay", 0, 1))
	deadline := time.Now().Add(s.o.ExpiryPoll)
	for {
		got := mustSearch(t, st, ns, []float32{1, 0}, 10, nil)
		gone := true
		for _, m := range got {
			if m.ID == "soon" {
				gone = false
				if time.Now().After(p.ExpiresAt.Add(2 * time.Second)) {
					t.Fatalf("point returned %v after its expiry", time.Since(p.ExpiresAt))
				}
			}
		}
		if gone {
			if time.Now().Before(p.ExpiresAt) {
				t.Fatal("point disappeared before its expiry")
			}
			expectSet(t, got, "stay")
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired point still returned after %v", s.o.ExpiryPoll)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *suite) testDimensions(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns, pt("a", 1, 2, 3))
	err := st.Upsert(ctx(t), ns, []vectorstore.Point{pt("b", 1, 2)})
	if !errors.Is(err, vectorstore.ErrDimensionMismatch) {
		t.Fatalf("Upsert of a shorter vector: err = %v, want ErrDimensionMismatch", err)
	}
	// A batch with one bad point stores nothing.
	err = st.Upsert(ctx(t), ns, []vectorstore.Point{pt("c", 1, 1, 1), pt("d", 1, 1, 1, 1)})
	if !errors.Is(err, vectorstore.ErrDimensionMismatch) {
		t.Fatalf("batch with a longer vector: err = %v, want ErrDimensionMismatch", err)
	}
	_, err = st.Search(ctx(t), ns, []float32{1, 2}, 10, nil)
	if !errors.Is(err, vectorstore.ErrDimensionMismatch) {
		t.Fatalf("Search with a shorter query: err = %v, want ErrDimensionMismatch", err)
	}
	expectSet(t, mustSearch(t, st, ns, []float32{1, 2, 3}, 10, nil), "a")
	// A batch whose points disagree creates no namespace.
	ns2 := s.ns(t)
	err = st.Upsert(ctx(t), ns2, []vectorstore.Point{pt("x", 1, 1), pt("y", 1, 1, 1)})
	if !errors.Is(err, vectorstore.ErrDimensionMismatch) {
		t.Fatalf("mixed dimensions in a new namespace: err = %v, want ErrDimensionMismatch", err)
	}
	mustUpsert(t, st, ns2, pt("z", 1, 1, 1, 1))
	expectSet(t, mustSearch(t, st, ns2, []float32{1, 1, 1, 1}, 10, nil), "z")
}

func (s *suite) testInvalid(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns, pt("ok", 1, 1, 1))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	bad := []struct {
		name string
		vec  []float32
	}{
		{"NaN", []float32{1, nan, 1}},
		{"+Inf", []float32{inf, 1, 1}},
		{"-Inf", []float32{1, 1, -inf}},
		{"zero", []float32{0, 0, 0}},
		{"empty", []float32{}},
		{"nil", nil},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := st.Upsert(ctx(t), ns, []vectorstore.Point{pt("good", 1, 2, 3), {ID: "bad", Vector: tc.vec}})
			if !errors.Is(err, vectorstore.ErrInvalidVector) {
				t.Fatalf("Upsert: err = %v, want ErrInvalidVector", err)
			}
			_, err = st.Search(ctx(t), ns, tc.vec, 10, nil)
			if !errors.Is(err, vectorstore.ErrInvalidVector) {
				t.Fatalf("Search: err = %v, want ErrInvalidVector", err)
			}
		})
	}
	expectSet(t, mustSearch(t, st, ns, []float32{1, 1, 1}, 10, nil), "ok")
}

func (s *suite) testInvalidArguments(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	if err := st.Upsert(ctx(t), ns, []vectorstore.Point{{ID: "", Vector: []float32{1}}}); !errors.Is(err, vectorstore.ErrInvalidArgument) {
		t.Fatalf("empty ID: err = %v, want ErrInvalidArgument", err)
	}
	if err := st.Upsert(ctx(t), "", []vectorstore.Point{pt("a", 1)}); !errors.Is(err, vectorstore.ErrInvalidArgument) {
		t.Fatalf("empty namespace: err = %v, want ErrInvalidArgument", err)
	}
	if _, err := st.Search(ctx(t), ns, []float32{1}, -1, nil); !errors.Is(err, vectorstore.ErrInvalidArgument) {
		t.Fatalf("negative k: err = %v, want ErrInvalidArgument", err)
	}
	if err := st.Upsert(ctx(t), ns, nil); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
}

func (s *suite) testCanceled(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns, pt("a", 1, 0))
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.Upsert(c, ns, []vectorstore.Point{pt("b", 0, 1)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Upsert with a canceled context: err = %v, want context.Canceled", err)
	}
	if _, err := st.Search(c, ns, []float32{1, 0}, 1, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Search with a canceled context: err = %v, want context.Canceled", err)
	}
	if err := st.Delete(c, ns, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Delete with a canceled context: err = %v, want context.Canceled", err)
	}
	expectSet(t, mustSearch(t, st, ns, []float32{1, 0}, 10, nil), "a")
}

// randomVecs returns n reproducible random unit-ish vectors.
func randomVecs(seed uint64, n, dim int) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		out[i] = v
	}
	return out
}

// testRecall: each stored vector must find itself first, with score 1, in a namespace
// big enough for an ANN index to be in use.
func (s *suite) testRecall(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	const n, dim = 2000, 16
	vecs := randomVecs(1, n, dim)
	for start := 0; start < n; start += 500 {
		batch := make([]vectorstore.Point, 0, 500)
		for i := start; i < start+500; i++ {
			batch = append(batch, pt(fmt.Sprintf("r%04d", i), vecs[i]...))
		}
		mustUpsert(t, st, ns, batch...)
	}
	misses := 0
	const queries = 100
	for i := 0; i < n; i += n / queries {
		got := mustSearch(t, st, ns, vecs[i], 3, nil)
		if len(got) != 3 {
			t.Fatalf("k=3 over %d points returned %d", n, len(got))
		}
		if got[0].ID != fmt.Sprintf("r%04d", i) {
			misses++
			continue
		}
		if d := math.Abs(float64(got[0].Score) - 1); d > s.o.ScoreTolerance {
			t.Errorf("self-match score %v, want 1", got[0].Score)
		}
		for _, m := range got[1:] {
			var j int
			fmt.Sscanf(m.ID, "r%04d", &j)
			if d := math.Abs(float64(m.Score - vectorstore.Cosine(vecs[i], vecs[j]))); d > s.o.ScoreTolerance {
				t.Errorf("score of %s = %v, exact cosine %v", m.ID, m.Score, vectorstore.Cosine(vecs[i], vecs[j]))
			}
		}
	}
	if misses > queries/50 {
		t.Fatalf("%d of %d stored vectors did not find themselves first", misses, queries)
	}
}

// testConcurrency runs writers, deleters and readers at once, then checks the final state.
func (s *suite) testConcurrency(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	const writers, perWriter, dim = 4, 60, 8
	vecs := randomVecs(2, writers*perWriter, dim)
	id := func(i int) string { return fmt.Sprintf("c%03d", i) }
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	stop := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * perWriter; i < (w+1)*perWriter; i++ {
				if err := st.Upsert(context.Background(), ns, []vectorstore.Point{pt(id(i), vecs[i]...)}); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 { // deleted again: must be absent at the end
					if err := st.Delete(context.Background(), ns, []string{id(i)}); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for r := 0; r < 3; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := st.Search(context.Background(), ns, vecs[(i*7+r)%len(vecs)], 5, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent call failed: %v", err)
	}
	// Every surviving point finds itself first; no deleted point comes back.
	for i := range vecs {
		got := mustSearch(t, st, ns, vecs[i], 1, nil)
		if len(got) != 1 {
			t.Fatalf("search for %s returned %d matches", id(i), len(got))
		}
		switch {
		case i%3 == 0 && got[0].ID == id(i):
			t.Fatalf("deleted point %s is still returned", id(i))
		case i%3 != 0 && got[0].ID != id(i):
			t.Fatalf("point %s not found after concurrent writes: best match %s (%v)", id(i), got[0].ID, got[0].Score)
		}
	}
}

func (s *suite) testClose(t *testing.T) {
	st := s.open(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns, pt("a", 1, 0))
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := st.Close(); err != nil && !errors.Is(err, vectorstore.ErrClosed) {
		t.Fatalf("second Close: %v, want nil or ErrClosed", err)
	}
	if err := st.Upsert(ctx(t), ns, []vectorstore.Point{pt("b", 1, 0)}); !errors.Is(err, vectorstore.ErrClosed) {
		t.Fatalf("Upsert after Close: err = %v, want ErrClosed", err)
	}
	if _, err := st.Search(ctx(t), ns, []float32{1, 0}, 1, nil); !errors.Is(err, vectorstore.ErrClosed) {
		t.Fatalf("Search after Close: err = %v, want ErrClosed", err)
	}
	if err := st.Delete(ctx(t), ns, []string{"a"}); !errors.Is(err, vectorstore.ErrClosed) {
		t.Fatalf("Delete after Close: err = %v, want ErrClosed", err)
	}
}
