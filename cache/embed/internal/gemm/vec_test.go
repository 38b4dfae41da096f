package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDotAndAxpy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 64, 100, 128} {
		a, b := random(r, n), random(r, n+3)
		var want float64
		for i := range a {
			want += float64(a[i]) * float64(b[i])
		}
		if got := Dot(a, b); math.Abs(float64(got)-want) > 1e-4*float64(n+1) {
			t.Errorf("Dot n=%d: %v, want %v", n, got, want)
		}
		y := random(r, n)
		y0 := append([]float32(nil), y...)
		Axpy(y, b, 0.5)
		for i := range y {
			if w := y0[i] + 0.5*b[i]; math.Abs(float64(y[i]-w)) > 1e-5 {
				t.Fatalf("Axpy n=%d: y[%d] = %v, want %v", n, i, y[i], w)
			}
		}
	}
}
