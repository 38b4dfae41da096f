package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func naive(a, w, bias []float32, rows, k, n int) []float32 {
	c := make([]float32, rows*n)
	for i := 0; i < rows; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if bias != nil {
				s = float64(bias[j])
			}
			for kk := 0; kk < k; kk++ {
				s += float64(a[i*k+kk]) * float64(w[kk*n+j])
			}
			c[i*n+j] = float32(s)
		}
	}
	return c
}

func random(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func TestMulMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct{ rows, k, n int }{
		{1, 1, 16}, {3, 5, 32}, {4, 256, 768}, {7, 512, 64}, {20, 1536, 64}, {0, 8, 16},
		{6, 7, 32}, {5, 1536, 64}, {21, 300, 48}, {2, 4, 16},
	}
	for _, generic := range []bool{true, false} {
		restore := ForceGeneric(generic)
		for _, tc := range tests {
			w := random(r, tc.k*tc.n)
			bias := random(r, tc.n)
			m, err := Pack(w, tc.k, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			pr := PaddedRows(tc.rows)
			a := random(r, pr*tc.k)
			c := make([]float32, pr*tc.n)
			m.Mul(c, a, tc.rows, bias)
			want := naive(a, w, bias, tc.rows, tc.k, tc.n)
			// MulAdd on top doubles the product (without the bias).
			c2 := append([]float32(nil), c...)
			m.MulAdd(c2, a, tc.rows)
			for i := 0; i < tc.rows*tc.n; i++ {
				tol := 1e-4 * math.Sqrt(float64(tc.k)) * 4
				if d := math.Abs(float64(c[i] - want[i])); d > tol {
					t.Fatalf("generic=%v %v: c[%d] = %v, want %v", generic, tc, i, c[i], want[i])
				}
				twice := 2*want[i] - bias[i%tc.n]
				if d := math.Abs(float64(c2[i] - twice)); d > 2*tol {
					t.Fatalf("generic=%v %v: MulAdd c[%d] = %v, want %v", generic, tc, i, c2[i], twice)
				}
			}
		}
		restore()
	}
}

func TestPackRejectsBadShapes(t *testing.T) {
	tests := []struct {
		k, n, len int
	}{{4, 10, 40}, {0, 16, 0}, {2, 16, 31}, {-1, 16, 16}}
	for _, tc := range tests {
		if _, err := Pack(make([]float32, tc.len), tc.k, tc.n); err == nil {
			t.Errorf("Pack(%d×%d, len %d) accepted", tc.k, tc.n, tc.len)
		}
	}
}

func TestMulPanicsOnShortBuffers(t *testing.T) {
	m, _ := Pack(make([]float32, 8*16), 8, 16)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on a short buffer")
		}
	}()
	m.Mul(make([]float32, 16), make([]float32, 8), 1, nil) // needs 4 padded rows
}

// BenchmarkMul compares the assembly kernel with the portable one on the model's largest
// shape (21 rows × 512 × 1536).
func BenchmarkMul(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	const rows, k, n = 21, 512, 1536
	m, _ := Pack(random(r, k*n), k, n)
	a := random(r, PaddedRows(rows)*k)
	c := make([]float32, PaddedRows(rows)*n)
	for _, tc := range []struct {
		name    string
		generic bool
	}{{"go", true}, {"best", false}} {
		b.Run(tc.name, func(b *testing.B) {
			defer ForceGeneric(tc.generic)()
			b.ReportAllocs()
			for b.Loop() {
				m.Mul(c, a, rows, nil)
			}
			b.ReportMetric(float64(rows*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
