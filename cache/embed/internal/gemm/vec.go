package gemm

// Dot returns the dot product of a and b[:len(a)].
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	n8 := len(a) &^ 7
	var s float32
	if n8 > 0 && hasVec {
		s = dotAVX2(a[:n8], b[:n8])
	} else {
		n8 = 0
	}
	var s0, s1, s2, s3 float32
	i := n8
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s + (s0 + s1) + (s2 + s3)
}

// Axpy adds alpha·x[:len(y)] to y.
func Axpy(y, x []float32, alpha float32) {
	x = x[:len(y)]
	n8 := len(y) &^ 7
	if n8 > 0 && hasVec {
		axpyAVX2(y[:n8], x[:n8], alpha)
	} else {
		n8 = 0
	}
	i := n8
	for ; i+4 <= len(y); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += alpha * x[i]
	}
}
