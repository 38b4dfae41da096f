//go:build !amd64 || purego

package gemm

const hasVec = false

func dotAVX2(a, b []float32) float32     { panic("unreachable") }
func axpyAVX2(y, x []float32, a float32) { panic("unreachable") }
