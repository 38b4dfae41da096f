//go:build !amd64 || purego

package gemm

var (
	best  = kernelGo
	best1 = kernel1Go
)

var (
	kernel  = best
	kernel1 = best1
)

// Accelerated reports whether an assembly kernel is in use.
func Accelerated() bool { return false }
