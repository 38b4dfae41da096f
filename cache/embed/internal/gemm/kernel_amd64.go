//go:build amd64

package gemm

import "golang.org/x/sys/cpu"

// kernelAVX2 is kernelGo in assembly (kernel_amd64.s). The caller guarantees the bounds:
// panel holds k×16 floats, a holds 4 rows of stride lda with k columns, c holds 4 rows
// of stride ldc with 16 columns.
//
//go:noescape
func kernelAVX2(panel, a []float32, k, lda int, c []float32, ldc int)

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

var best = func() func(panel, a []float32, k, lda int, c []float32, ldc int) {
	if hasAVX2 {
		return kernelAVX2
	}
	return kernelGo
}()

var kernel = best

// Accelerated reports whether an assembly kernel is in use.
func Accelerated() bool { return hasAVX2 }
