package memory

import "golang.org/x/sys/cpu"

// AVX2+FMA kernels: 8 lanes per instruction, four independent accumulators. They take
// a multiple of 8 elements; the Go code adds the remainder.

//go:noescape
func dotF32AVX2(a, b *float32, n int) float32

//go:noescape
func dotF32I8AVX2(a *float32, b *int8, n int) float32

var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

func dotF32(a, b []float32) float32 {
	n := len(a)
	b = b[:n]
	if !useAVX2 || n < 8 {
		return dotF32Go(a, b)
	}
	m := n &^ 7
	s := dotF32AVX2(&a[0], &b[0], m)
	if m < n {
		s += dotF32Go(a[m:], b[m:])
	}
	return s
}

func dotF32I8(a []float32, b []int8) float32 {
	n := len(a)
	b = b[:n]
	if !useAVX2 || n < 8 {
		return dotF32I8Go(a, b)
	}
	m := n &^ 7
	s := dotF32I8AVX2(&a[0], &b[0], m)
	if m < n {
		s += dotF32I8Go(a[m:], b[m:])
	}
	return s
}

//go:noescape
func dotI8AVX2(a, b *int8, n int) int32

func dotI8(a, b []int8) int32 {
	n := len(a)
	b = b[:n]
	if !useAVX2 || n < 16 {
		return dotI8Go(a, b)
	}
	m := n &^ 15
	s := dotI8AVX2(&a[0], &b[0], m)
	if m < n {
		s += dotI8Go(a[m:], b[m:])
	}
	return s
}
