//go:build !amd64

package memory

func dotF32(a, b []float32) float32 { return dotF32Go(a, b) }

func dotF32I8(a []float32, b []int8) float32 { return dotF32I8Go(a, b) }

func dotI8(a, b []int8) int32 { return dotI8Go(a, b) }
