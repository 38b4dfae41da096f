package vectorstoretest

import (
	"errors"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// testOptional checks the optional interfaces the backend implements; the others are
// reported with t.Log, not skipped silently.
func (s *suite) testOptional(t *testing.T) {
	st := s.store(t)
	t.Run("Pinger", func(t *testing.T) {
		p, ok := st.(vectorstore.Pinger)
		if !ok {
			t.Log("not implemented")
			return
		}
		if err := p.Ping(ctx(t)); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("NamespaceEnsurer", func(t *testing.T) {
		e, ok := st.(vectorstore.NamespaceEnsurer)
		if !ok {
			t.Log("not implemented")
			return
		}
		ns := s.ns(t)
		if err := e.EnsureNamespace(ctx(t), ns, 3); err != nil {
			t.Fatalf("EnsureNamespace: %v", err)
		}
		if err := e.EnsureNamespace(ctx(t), ns, 3); err != nil {
			t.Fatalf("EnsureNamespace again: %v", err)
		}
		if err := e.EnsureNamespace(ctx(t), ns, 4); !errors.Is(err, vectorstore.ErrDimensionMismatch) {
			t.Fatalf("EnsureNamespace with another dimension: err = %v, want ErrDimensionMismatch", err)
		}
		if got := mustSearch(t, st, ns, []float32{1, 0, 0}, 5, nil); len(got) != 0 {
			t.Fatalf("new namespace not empty: %v", ids(got))
		}
		if err := st.Upsert(ctx(t), ns, []vectorstore.Point{pt("a", 1, 0)}); !errors.Is(err, vectorstore.ErrDimensionMismatch) {
			t.Fatalf("Upsert of another dimension into an ensured namespace: err = %v", err)
		}
		mustUpsert(t, st, ns, pt("a", 1, 0, 0))
	})
	t.Run("Getter", func(t *testing.T) {
		g, ok := st.(vectorstore.Getter)
		if !ok {
			t.Log("not implemented")
			return
		}
		ns := s.ns(t)
		p := pt("g", 3, 4)
		p.Payload = map[string]string{"k": "v"}
		expired := pt("old", 1, 1)
		expired.ExpiresAt = time.Now().Add(-time.Minute)
		mustUpsert(t, st, ns, p, expired)
		got, err := g.Get(ctx(t), ns, "g")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.ID != "g" || got.Payload["k"] != "v" || len(got.Vector) != 2 {
			t.Fatalf("Get = %+v", got)
		}
		if c := vectorstore.Cosine(got.Vector, p.Vector); c < 1-float32(s.o.ScoreTolerance) {
			t.Fatalf("Get vector %v has cosine %v with the stored %v", got.Vector, c, p.Vector)
		}
		for _, id := range []string{"missing", "old"} {
			if _, err := g.Get(ctx(t), ns, id); !errors.Is(err, vectorstore.ErrNotFound) {
				t.Fatalf("Get(%q): err = %v, want ErrNotFound", id, err)
			}
		}
		if _, err := g.Get(ctx(t), s.ns(t), "g"); !errors.Is(err, vectorstore.ErrNotFound) {
			t.Fatalf("Get in an unknown namespace: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("FilterDeleter", func(t *testing.T) {
		d, ok := st.(vectorstore.FilterDeleter)
		if !ok {
			t.Log("not implemented")
			return
		}
		ns := s.ns(t)
		mk := func(id, tenant string, v ...float32) vectorstore.Point {
			p := pt(id, v...)
			p.Payload = map[string]string{"tenant": tenant}
			return p
		}
		mustUpsert(t, st, ns, mk("a1", "a", 1, 0), mk("a2", "a", 1, 1), mk("b1", "b", 0, 1), pt("n", 1, 2))
		n, err := d.DeleteWhere(ctx(t), ns, vectorstore.Filter{"tenant": "a"})
		if err != nil || n != 2 {
			t.Fatalf("DeleteWhere(tenant=a) = %d, %v; want 2, nil", n, err)
		}
		expectSet(t, mustSearch(t, st, ns, []float32{1, 0}, 10, nil), "b1", "n")
		if n, err := d.DeleteWhere(ctx(t), s.ns(t), vectorstore.Filter{"tenant": "a"}); err != nil || n != 0 {
			t.Fatalf("DeleteWhere in an unknown namespace = %d, %v", n, err)
		}
		n, err = d.DeleteWhere(ctx(t), ns, nil)
		if err != nil || n != 2 {
			t.Fatalf("DeleteWhere(nil) = %d, %v; want 2, nil", n, err)
		}
		if got := mustSearch(t, st, ns, []float32{1, 0}, 10, nil); len(got) != 0 {
			t.Fatalf("left after DeleteWhere(nil): %v", ids(got))
		}
	})
	t.Run("NamespaceDropper", func(t *testing.T) {
		d, ok := st.(vectorstore.NamespaceDropper)
		if !ok {
			t.Log("not implemented")
			return
		}
		ns, other := s.ns(t), s.ns(t)
		mustUpsert(t, st, ns, pt("a", 1, 0))
		mustUpsert(t, st, other, pt("a", 1, 0))
		if err := d.DropNamespace(ctx(t), ns); err != nil {
			t.Fatalf("DropNamespace: %v", err)
		}
		if err := d.DropNamespace(ctx(t), s.ns(t)); err != nil {
			t.Fatalf("DropNamespace of an unknown namespace: %v", err)
		}
		if got := mustSearch(t, st, ns, []float32{1, 0}, 10, nil); len(got) != 0 {
			t.Fatalf("dropped namespace still returns %v", ids(got))
		}
		expectSet(t, mustSearch(t, st, other, []float32{1, 0}, 10, nil), "a")
		// A dropped namespace can come back with another dimension.
		mustUpsert(t, st, ns, pt("b", 1, 0, 0))
		expectSet(t, mustSearch(t, st, ns, []float32{1, 0, 0}, 10, nil), "b")
	})
	t.Run("SweeperAndStats", func(t *testing.T) {
		sw, okS := st.(vectorstore.Sweeper)
		ss, okT := st.(vectorstore.Statser)
		if !okS && !okT {
			t.Log("not implemented")
			return
		}
		ns := s.ns(t)
		old := pt("old", 1, 0)
		old.ExpiresAt = time.Now().Add(-time.Minute)
		mustUpsert(t, st, ns, old, pt("live", 0, 1))
		var before vectorstore.Stats
		if okT {
			var err error
			if before, err = ss.Stats(ctx(t)); err != nil {
				t.Fatalf("Stats: %v", err)
			}
			if before.Points < 1 || before.Namespaces < 1 || before.Bytes < 0 {
				t.Fatalf("Stats = %+v after inserting points", before)
			}
		}
		if okS {
			n, err := sw.Sweep(ctx(t))
			if err != nil {
				t.Fatalf("Sweep: %v", err)
			}
			if n < 0 {
				t.Fatalf("Sweep removed %d", n)
			}
			if okT {
				after, err := ss.Stats(ctx(t))
				if err != nil {
					t.Fatalf("Stats: %v", err)
				}
				if after.Points > before.Points-n || after.Points < 1 {
					t.Fatalf("Stats after sweeping %d: %+v, before %+v", n, after, before)
				}
			}
			expectSet(t, mustSearch(t, st, ns, []float32{1, 0}, 10, nil), "live")
		}
	})
}
