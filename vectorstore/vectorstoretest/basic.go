package vectorstoretest

import (
	"math"
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
)

var sqrt2 = 1 / math.Sqrt2

// testScores checks exact cosine values, negative ones included, and their order.
func (s *suite) testScores(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns,
		pt("same", 1, 0, 0, 0),
		pt("diag", 1, 1, 0, 0),
		pt("ortho", 0, 1, 0, 0),
		pt("obtuse", -1, 1, 0, 0),
		pt("opposite", -1, 0, 0, 0),
		pt("mixed", 3, 4, 0, 0),
	)
	got := mustSearch(t, st, ns, []float32{1, 0, 0, 0}, 10, nil)
	s.expect(t, got,
		want{"same", 1},
		want{"diag", sqrt2},
		want{"mixed", 0.6},
		want{"ortho", 0},
		want{"obtuse", -sqrt2},
		want{"opposite", -1},
	)
	// Another query direction: the scores are cosines, not a function of the order.
	got = mustSearch(t, st, ns, []float32{0, 0.5, 0, 0}, 3, nil)
	s.expect(t, got,
		want{"ortho", 1},
		want{"mixed", 0.8},
		want{"diag", sqrt2},
	)
}

// testUnnormalised checks that neither stored nor query vector norms change scores.
func (s *suite) testUnnormalised(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns,
		pt("big", 1000, 0, 0),
		pt("small", 0.001, 0.001, 0),
		pt("neg", -20, 0, 20),
	)
	got := mustSearch(t, st, ns, []float32{42, 0, 0}, 10, nil)
	s.expect(t, got, want{"big", 1}, want{"small", sqrt2}, want{"neg", -sqrt2})
}

// testTies checks that equal scores are ordered by ascending ID.
func (s *suite) testTies(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns,
		pt("c", 1, 1, 0),
		pt("a", 2, 2, 0),
		pt("b", 0.5, 0.5, 0),
		pt("z", 1, 0, 0),
	)
	got := mustSearch(t, st, ns, []float32{1, 1, 0}, 10, nil)
	s.expect(t, got, want{"a", 1}, want{"b", 1}, want{"c", 1}, want{"z", sqrt2})
}

func (s *suite) testK(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns,
		pt("p1", 1, 0.1, 0),
		pt("p2", 1, 0.2, 0),
		pt("p3", 1, 0.3, 0),
		pt("p4", 1, 0.4, 0),
		pt("p5", 1, 0.5, 0),
	)
	q := []float32{1, 0, 0}
	tests := []struct {
		k    int
		want []string
	}{
		{1, []string{"p1"}},
		{2, []string{"p1", "p2"}},
		{5, []string{"p1", "p2", "p3", "p4", "p5"}},
		{50, []string{"p1", "p2", "p3", "p4", "p5"}},
		{0, nil},
	}
	for _, tc := range tests {
		got := mustSearch(t, st, ns, q, tc.k, nil)
		if len(got) != len(tc.want) {
			t.Fatalf("k=%d: got %v, want %v", tc.k, ids(got), tc.want)
		}
		for i := range tc.want {
			if got[i].ID != tc.want[i] {
				t.Fatalf("k=%d: got %v, want %v", tc.k, ids(got), tc.want)
			}
		}
	}
}

func (s *suite) testFilters(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	pay := func(id string, tenant, model string, v ...float32) vectorstore.Point {
		p := pt(id, v...)
		p.Payload = map[string]string{"tenant": tenant, "model": model}
		return p
	}
	mustUpsert(t, st, ns,
		pay("a1", "acme", "gpt", 1, 0, 0),
		pay("a2", "acme", "claude", 1, 0.1, 0),
		pay("b1", "beta", "gpt", 1, 0.2, 0),
		pay("b2", "beta", "claude", 1, 0.3, 0),
		pt("none", 1, 0.4, 0),
	)
	q := []float32{1, 0, 0}
	tests := []struct {
		name string
		f    vectorstore.Filter
		want []string
	}{
		{"nil", nil, []string{"a1", "a2", "b1", "b2", "none"}},
		{"empty", vectorstore.Filter{}, []string{"a1", "a2", "b1", "b2", "none"}},
		{"one field", vectorstore.Filter{"tenant": "beta"}, []string{"b1", "b2"}},
		{"two fields", vectorstore.Filter{"tenant": "acme", "model": "claude"}, []string{"a2"}},
		{"no match", vectorstore.Filter{"tenant": "acme", "model": "llama"}, nil},
		{"missing field", vectorstore.Filter{"region": "eu"}, nil},
		{"empty value does not match missing", vectorstore.Filter{"region": ""}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mustSearch(t, st, ns, q, 10, tc.f)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", ids(got), tc.want)
			}
			for i := range tc.want {
				if got[i].ID != tc.want[i] {
					t.Fatalf("got %v, want %v (best first)", ids(got), tc.want)
				}
			}
		})
	}
	// k applies after the filter: the best passing point is found even when better
	// non-passing points exist.
	got := mustSearch(t, st, ns, q, 1, vectorstore.Filter{"tenant": "beta", "model": "claude"})
	if len(got) != 1 || got[0].ID != "b2" {
		t.Fatalf("k=1 with filter: got %v, want [b2]", ids(got))
	}
}

func (s *suite) testNamespaces(t *testing.T) {
	st := s.store(t)
	ns1, ns2, ns3 := s.ns(t), s.ns(t), s.ns(t)
	mustUpsert(t, st, ns1, pt("x", 1, 0, 0))
	mustUpsert(t, st, ns2, pt("x", 0, 1, 0), pt("y", 1, 0, 0))
	// A namespace with another dimension lives next to the others.
	mustUpsert(t, st, ns3, pt("x", 1, 0, 0, 0, 0))

	got := mustSearch(t, st, ns1, []float32{1, 0, 0}, 10, nil)
	s.expect(t, got, want{"x", 1})
	got = mustSearch(t, st, ns2, []float32{1, 0, 0}, 10, nil)
	s.expect(t, got, want{"y", 1}, want{"x", 0})
	got = mustSearch(t, st, ns3, []float32{0, 0, 0, 0, 1}, 10, nil)
	s.expect(t, got, want{"x", 0})

	// Deleting in one namespace leaves the same ID elsewhere alone.
	if err := st.Delete(ctx(t), ns2, []string{"x"}); err != nil {
		t.Fatal(err)
	}
	got = mustSearch(t, st, ns1, []float32{1, 0, 0}, 10, nil)
	s.expect(t, got, want{"x", 1})

	// An unknown namespace has no matches and no error.
	got = mustSearch(t, st, s.ns(t), []float32{1, 0, 0}, 10, nil)
	if len(got) != 0 {
		t.Fatalf("unknown namespace returned %v", ids(got))
	}
}

func (s *suite) testDeletes(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	mustUpsert(t, st, ns, pt("a", 1, 0), pt("b", 1, 1), pt("c", 0, 1))
	if err := st.Delete(ctx(t), ns, []string{"a", "nope"}); err != nil {
		t.Fatalf("Delete with an unknown ID: %v", err)
	}
	expectSet(t, mustSearch(t, st, ns, []float32{1, 0}, 10, nil), "b", "c")
	if err := st.Delete(ctx(t), ns, nil); err != nil {
		t.Fatalf("Delete of nothing: %v", err)
	}
	if err := st.Delete(ctx(t), s.ns(t), []string{"b"}); err != nil {
		t.Fatalf("Delete in an unknown namespace: %v", err)
	}
	if err := st.Delete(ctx(t), ns, []string{"b", "c"}); err != nil {
		t.Fatal(err)
	}
	if got := mustSearch(t, st, ns, []float32{1, 0}, 10, nil); len(got) != 0 {
		t.Fatalf("after deleting everything: %v", ids(got))
	}
	// A deleted ID can be inserted again.
	mustUpsert(t, st, ns, pt("a", 0, 1))
	s.expect(t, mustSearch(t, st, ns, []float32{0, 1}, 10, nil), want{"a", 1})
}

func (s *suite) testOverwrite(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	p := pt("k", 1, 0, 0)
	p.Payload = map[string]string{"v": "1"}
	mustUpsert(t, st, ns, p, pt("other", 0, 0, 1))
	p2 := pt("k", 0, 1, 0)
	p2.Payload = map[string]string{"v": "2"}
	mustUpsert(t, st, ns, p2)

	got := mustSearch(t, st, ns, []float32{0, 1, 0}, 10, nil)
	s.expect(t, got, want{"k", 1}, want{"other", 0})
	if got[0].Payload["v"] != "2" {
		t.Fatalf("payload after overwrite = %v, want v=2", got[0].Payload)
	}
	// The old vector is gone: it does not match as itself any more.
	got = mustSearch(t, st, ns, []float32{1, 0, 0}, 10, nil)
	s.expect(t, got, want{"k", 0}, want{"other", 0})
	if got := mustSearch(t, st, ns, []float32{1, 0, 0}, 10, vectorstore.Filter{"v": "1"}); len(got) != 0 {
		t.Fatalf("old payload still matches a filter: %v", ids(got))
	}

	// Within one batch, the last point with an ID wins.
	mustUpsert(t, st, ns, pt("dup", 1, 0, 0), pt("dup", 0, 0, 1))
	got = mustSearch(t, st, ns, []float32{0, 0, 1}, 10, nil)
	s.expect(t, got, want{"dup", 1}, want{"other", 1}, want{"k", 0})
}

func (s *suite) testPayload(t *testing.T) {
	st := s.store(t)
	ns := s.ns(t)
	p := pt("p", 1, 2, 3)
	p.Payload = map[string]string{"tenant": "acme", "unicode": "ünï — 日本", "empty": "", "json": `{"a":[1,2]}`}
	mustUpsert(t, st, ns, p, pt("nil-payload", 3, 2, 1))
	got := mustSearch(t, st, ns, []float32{1, 2, 3}, 10, nil)
	if len(got) != 2 || got[0].ID != "p" {
		t.Fatalf("got %v", ids(got))
	}
	if len(got[0].Payload) != len(p.Payload) {
		t.Fatalf("payload = %v, want %v", got[0].Payload, p.Payload)
	}
	for k, v := range p.Payload {
		if got[0].Payload[k] != v {
			t.Fatalf("payload[%q] = %q, want %q", k, got[0].Payload[k], v)
		}
	}
	if len(got[1].Payload) != 0 {
		t.Fatalf("point stored without payload came back with %v", got[1].Payload)
	}
	// Changing a returned payload or the caller's input does not change the store.
	got[0].Payload["tenant"] = "mallory"
	p.Payload["tenant"] = "eve"
	again := mustSearch(t, st, ns, []float32{1, 2, 3}, 1, vectorstore.Filter{"tenant": "acme"})
	if len(again) != 1 || again[0].Payload["tenant"] != "acme" {
		t.Fatalf("store shares payload maps with callers: %v", again)
	}
}
