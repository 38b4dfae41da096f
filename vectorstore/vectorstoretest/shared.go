package vectorstoretest

import (
	"errors"
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
)

// RunShared checks what several gateway replicas need from a backend they share: two
// independent stores a and b opened on one server see each other's points, namespaces and
// dimensions, including a namespace one of them dropped and recreated with another
// dimension (the other's cached dimension must be refreshed, not trusted). b must
// implement vectorstore.NamespaceDropper.
func RunShared(t *testing.T, a, b vectorstore.Store) {
	t.Helper()
	if err := a.Upsert(ctx(t), "shared", []vectorstore.Point{{ID: "from-a", Vector: []float32{1, 0, 0}, Payload: map[string]string{"by": "a"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Search(ctx(t), "shared", []float32{1, 0, 0}, 3, vectorstore.Filter{"by": "a"})
	if err != nil || len(got) != 1 || got[0].ID != "from-a" || got[0].Score < 0.9999 {
		t.Fatalf("b sees %v, %v", got, err)
	}
	if err := b.Upsert(ctx(t), "shared", []vectorstore.Point{{ID: "x", Vector: []float32{1, 1}}}); !errors.Is(err, vectorstore.ErrDimensionMismatch) {
		t.Fatalf("b upserting another dimension into a's namespace: %v", err)
	}
	dropper, ok := b.(vectorstore.NamespaceDropper)
	if !ok {
		t.Fatalf("%T does not implement NamespaceDropper", b)
	}
	if err := dropper.DropNamespace(ctx(t), "shared"); err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx(t), "shared", []vectorstore.Point{{ID: "from-b", Vector: []float32{1, 1}}}); err != nil {
		t.Fatal(err)
	}
	got, err = a.Search(ctx(t), "shared", []float32{1, 1}, 3, nil)
	if err != nil || len(got) != 1 || got[0].ID != "from-b" {
		t.Fatalf("a after b recreated the namespace: %v, %v", got, err)
	}
}
