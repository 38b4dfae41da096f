//go:build !amd64

package gemm

var best = kernelGo

var kernel = best

// Accelerated reports whether an assembly kernel is in use.
func Accelerated() bool { return false }
