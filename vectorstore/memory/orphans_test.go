package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
)

func TestFixOrphansRelinksUnreachablePoints(t *testing.T) {
	s, err := New(Config{M: 4, EfConstruction: 16, ExactThreshold: -1, SweepInterval: vectorstore.D(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(5, 6))
	var pts []vectorstore.Point
	for i := range 300 {
		v := make([]float32, 8)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		pts = append(pts, vectorstore.Point{ID: fmt.Sprint(i), Vector: v})
	}
	ctx := context.Background()
	if err := s.Upsert(ctx, "ns", pts); err != nil {
		t.Fatal(err)
	}
	x := s.lookup("ns")
	ep, _ := x.entry()
	victim := (ep + 1) % x.n
	// Cut every base-layer link to the victim.
	for i := uint32(0); i < x.n; i++ {
		c := x.chunks[i>>chunkBits]
		o := int(i&chunkMask) * (x.m0 + 1)
		n := int(c.links[o])
		l := slices.DeleteFunc(slices.Clone(c.links[o+1:o+1+n]), func(j uint32) bool { return j == victim })
		c.links[o] = uint32(len(l))
		copy(c.links[o+1:], l)
	}
	if fixed := x.fixOrphans(); fixed < 1 {
		t.Fatalf("fixOrphans fixed %d points, want the cut one at least", fixed)
	}
	found := false
	for i := uint32(0); i < x.n && !found; i++ {
		found = slices.Contains(x.neighbours(i, 0, nil), victim)
	}
	if !found {
		t.Fatal("the orphaned point still has no base-layer in-link")
	}
	if x.fixOrphans() != 0 {
		t.Fatal("a second pass found orphans again")
	}
}
