package vectorstoretest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Options tunes the suite for a backend.
type Options struct {
	// ScoreTolerance is the largest accepted difference between a returned score and the
	// exact cosine similarity. Zero means 1e-4; a quantised index needs more (about 5e-3
	// for int8).
	ScoreTolerance float64
	// ExpiryPoll bounds how long the suite waits for a point with a short expiry to stop
	// being returned. Zero means 10s.
	ExpiryPoll time.Duration
}

// Run runs the conformance suite with default options.
func Run(t *testing.T, open func(t *testing.T) vectorstore.Store) {
	RunWithOptions(t, open, Options{})
}

// RunWithOptions runs the conformance suite.
func RunWithOptions(t *testing.T, open func(t *testing.T) vectorstore.Store, o Options) {
	if o.ScoreTolerance == 0 {
		o.ScoreTolerance = 1e-4
	}
	if o.ExpiryPoll == 0 {
		o.ExpiryPoll = 10 * time.Second
	}
	s := &suite{open: open, o: o, run: fmt.Sprintf("%06x", rand.Uint32()&0xffffff)}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Scores", s.testScores},
		{"Unnormalised", s.testUnnormalised},
		{"Ties", s.testTies},
		{"K", s.testK},
		{"Filters", s.testFilters},
		{"Namespaces", s.testNamespaces},
		{"Deletes", s.testDeletes},
		{"UpsertOverwrite", s.testOverwrite},
		{"Payload", s.testPayload},
		{"Expiry", s.testExpiry},
		{"ExpiryTransition", s.testExpiryTransition},
		{"Dimensions", s.testDimensions},
		{"InvalidVectors", s.testInvalid},
		{"InvalidArguments", s.testInvalidArguments},
		{"CanceledContext", s.testCanceled},
		{"Recall", s.testRecall},
		{"Concurrency", s.testConcurrency},
		{"Close", s.testClose},
		{"Optional", s.testOptional},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.fn)
	}
}

type suite struct {
	open func(t *testing.T) vectorstore.Store
	o    Options
	run  string
	seq  atomic.Uint64
}

var nsUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// ns returns a namespace unique to this run and call.
func (s *suite) ns(t *testing.T) string {
	base := nsUnsafe.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(base) > 20 {
		base = base[len(base)-20:]
	}
	return fmt.Sprintf("vst%s_%s_%d", s.run, strings.Trim(base, "_"), s.seq.Add(1))
}

// store opens a fresh store and closes it when the test ends.
func (s *suite) store(t *testing.T) vectorstore.Store {
	t.Helper()
	st := s.open(t)
	if st == nil {
		t.Fatal("open returned a nil store")
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func pt(id string, vec ...float32) vectorstore.Point {
	return vectorstore.Point{ID: id, Vector: vec}
}

func mustUpsert(t *testing.T, st vectorstore.Store, ns string, pts ...vectorstore.Point) {
	t.Helper()
	if err := st.Upsert(ctx(t), ns, pts); err != nil {
		t.Fatalf("Upsert(%s): %v", ns, err)
	}
}

func mustSearch(t *testing.T, st vectorstore.Store, ns string, q []float32, k int, f vectorstore.Filter) []vectorstore.Match {
	t.Helper()
	m, err := st.Search(ctx(t), ns, q, k, f)
	if err != nil {
		t.Fatalf("Search(%s, k=%d, %v): %v", ns, k, f, err)
	}
	for i := 1; i < len(m); i++ {
		if vectorstore.CompareMatches(m[i-1], m[i]) > 0 {
			t.Fatalf("matches not best first (ties by ID): %v", ids(m))
		}
	}
	for _, x := range m {
		if x.Score < -1 || x.Score > 1 || math.IsNaN(float64(x.Score)) {
			t.Fatalf("score %v of %q outside [-1, 1]", x.Score, x.ID)
		}
	}
	return m
}

func ids(m []vectorstore.Match) []string {
	out := make([]string, len(m))
	for i, x := range m {
		out[i] = x.ID
	}
	return out
}

type want struct {
	id    string
	score float64
}

// expect checks IDs in order and scores within tolerance.
func (s *suite) expect(t *testing.T, got []vectorstore.Match, w ...want) {
	t.Helper()
	if len(got) != len(w) {
		t.Fatalf("got %d matches %v, want %d", len(got), ids(got), len(w))
	}
	for i := range w {
		if got[i].ID != w[i].id {
			t.Fatalf("match %d is %q, want %q (all: %v)", i, got[i].ID, w[i].id, ids(got))
		}
		if d := math.Abs(float64(got[i].Score) - w[i].score); d > s.o.ScoreTolerance {
			t.Errorf("score of %q = %v, want %v (±%g)", got[i].ID, got[i].Score, w[i].score, s.o.ScoreTolerance)
		}
	}
}

// expectSet checks the set of IDs, in any order.
func expectSet(t *testing.T, got []vectorstore.Match, want ...string) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.ID] {
			t.Fatalf("ID %q returned twice: %v", m.ID, ids(got))
		}
		seen[m.ID] = true
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", ids(got), want)
	}
	for _, id := range want {
		if !seen[id] {
			t.Fatalf("got %v, want %v", ids(got), want)
		}
	}
}
