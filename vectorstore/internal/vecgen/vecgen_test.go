package vecgen

import (
	"math"
	"testing"
)

func cos(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return d / math.Sqrt(na*nb)
}

func TestDeterministicAndUnit(t *testing.T) {
	g1, g2 := New(Default(10000)), New(Default(10000))
	for _, i := range []int{0, 1, 77, 9999} {
		a, b := g1.Point(i), g2.Point(i)
		if len(a) != 512 {
			t.Fatalf("dim %d", len(a))
		}
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("point %d differs between generators", i)
			}
		}
		if n := cos(a, a); math.Abs(n-1) > 1e-5 {
			t.Fatalf("point %d: self-cosine %v", i, n)
		}
	}
}

// TestShape checks the similarity structure the benchmarks rely on.
func TestShape(t *testing.T) {
	const n = 2000
	g := New(Default(n))
	pts := make([][]float32, n)
	for i := range pts {
		pts[i] = g.Point(i)
	}
	var sum float64
	pairs := 0
	for i := 0; i < 200; i++ {
		for j := i + 1; j < 200; j++ {
			sum += cos(pts[i], pts[j])
			pairs++
		}
	}
	if mean := sum / float64(pairs); mean < 0.1 || mean > 0.5 {
		t.Fatalf("mean pairwise cosine %v, want anisotropic but spread (0.1..0.5)", mean)
	}
	for j := 0; j < 50; j++ {
		q, src := g.Query(j, n)
		c := cos(q, pts[src])
		if c < 0.78 || c > 0.99 {
			t.Fatalf("query %d: cosine %v with its source, want 0.8..0.97", j, c)
		}
	}
}
