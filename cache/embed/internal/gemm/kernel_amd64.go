//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// kernelAVX2 is kernelGo in assembly (kernel_amd64.s). The caller guarantees the bounds:
// panel holds k×16 floats, a holds 4 rows of stride lda with k columns, c holds 4 rows
// of stride ldc with 16 columns.
//
//go:noescape
func kernelAVX2(panel, a []float32, k, lda int, c []float32, ldc int)

// kernel1AVX2 is kernel1Go in assembly; panel holds k×16 floats, a k, c 16.
//
//go:noescape
func kernel1AVX2(panel, a []float32, k int, c []float32)

// kernel6AVX2 is kernelAVX2 for 6 rows of a and c.
//
//go:noescape
func kernel6AVX2(panel, a []float32, k, lda int, c []float32, ldc int)

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

var best = func() func(panel, a []float32, k, lda int, c []float32, ldc int) {
	if hasAVX2 {
		return kernelAVX2
	}
	return kernelGo
}()

var best1 = func() func(panel, a []float32, k int, c []float32) {
	if hasAVX2 {
		return kernel1AVX2
	}
	return kernel1Go
}()

// best6 computes 6-row tiles, or is nil when only the 4-row tile exists.
var best6 = func() func(panel, a []float32, k, lda int, c []float32, ldc int) {
	if hasAVX2 {
		return kernel6AVX2
	}
	return nil
}()

var (
	kernel  = best
	kernel1 = best1
	kernel6 = best6
)

// Accelerated reports whether an assembly kernel is in use.
func Accelerated() bool { return hasAVX2 }

// hasVec gates dotAVX2 and axpyAVX2 (lengths must be multiples of 8, equal).
var hasVec = hasAVX2

//go:noescape
func dotAVX2(a, b []float32) float32

//go:noescape
func axpyAVX2(y, x []float32, alpha float32)
