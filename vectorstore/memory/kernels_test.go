package memory

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestKernelsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 8, 9, 31, 32, 33, 100, 512, 1000} {
		a, b := make([]float32, n), make([]float32, n)
		codes, codes2 := make([]int8, n), make([]int8, n)
		for i := range a {
			a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			codes[i] = int8(r.IntN(255) - 127)
			codes2[i] = int8(r.IntN(256) - 128)
		}
		var wantII int32
		for i := range codes {
			wantII += int32(codes[i]) * int32(codes2[i])
		}
		if got := dotI8(codes, codes2); got != wantII {
			t.Errorf("n=%d dotI8 = %d, want %d", n, got, wantII)
		}
		var want, wantI8 float64
		for i := range a {
			want += float64(a[i]) * float64(b[i])
			wantI8 += float64(a[i]) * float64(codes[i])
		}
		tol := 1e-4 * math.Sqrt(float64(n))
		if got := dotF32(a, b); math.Abs(float64(got)-want) > tol {
			t.Errorf("n=%d dotF32 = %v, want %v", n, got, want)
		}
		if got := dotF32Go(a, b); math.Abs(float64(got)-want) > tol {
			t.Errorf("n=%d dotF32Go = %v, want %v", n, got, want)
		}
		if got := dotF32I8(a, codes); math.Abs(float64(got)-wantI8) > 100*tol {
			t.Errorf("n=%d dotF32I8 = %v, want %v", n, got, wantI8)
		}
		if got := dotF32I8Go(a, codes); math.Abs(float64(got)-wantI8) > 100*tol {
			t.Errorf("n=%d dotF32I8Go = %v, want %v", n, got, wantI8)
		}
	}
}

func TestQuantizeError(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dim = 512
	worst := 0.0
	for range 200 {
		a, b := make([]float32, dim), make([]float32, dim)
		for i := range a {
			a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
		}
		na, nb := unit(a), unit(b)
		codes := make([]int8, dim)
		scale := quantize(codes, nb)
		exact := float64(dotF32Go(na, nb))
		approx := float64(scale * dotF32I8(na, codes))
		worst = max(worst, math.Abs(exact-approx))
	}
	if worst > 2e-3 {
		t.Fatalf("int8 cosine error up to %v, want <= 2e-3", worst)
	}
}

func unit(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / math.Sqrt(s))
	}
	return out
}

var sinkF float32

func BenchmarkDot512(b *testing.B) {
	a, c := make([]float32, 512), make([]float32, 512)
	codes := make([]int8, 512)
	for i := range a {
		a[i], c[i], codes[i] = float32(i%7), float32(i%5), int8(i%100)
	}
	b.Run("f32/go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkF = dotF32Go(a, c)
		}
	})
	b.Run("f32/simd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkF = dotF32(a, c)
		}
	})
	b.Run("i8/go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkF = dotF32I8Go(a, codes)
		}
	})
	b.Run("i8/simd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkF = dotF32I8(a, codes)
		}
	})
}
