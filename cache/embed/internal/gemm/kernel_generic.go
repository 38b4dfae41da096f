//go:build !amd64 || purego

package gemm

var (
	best  = kernelGo
	best1 = kernel1Go
	best6 func(panel, a []float32, k, lda int, c []float32, ldc int) // none
)

var (
	kernel  = best
	kernel1 = best1
	kernel6 = best6
)

// Accelerated reports whether an assembly kernel is in use.
func Accelerated() bool { return false }
