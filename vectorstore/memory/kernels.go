package memory

// Distance kernels. Stored vectors are unit length (float32 mode) or unit length scaled
// to int8 with a per-vector factor (int8 mode); the query is unit length float32, so a
// dot product is the cosine similarity. Four accumulators let the CPU overlap the
// multiply-adds; the loops are written so the compiler drops bounds checks.

func dotF32Go(a, b []float32) float32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+8 <= n; i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		s0 += aa[0]*bb[0] + aa[4]*bb[4]
		s1 += aa[1]*bb[1] + aa[5]*bb[5]
		s2 += aa[2]*bb[2] + aa[6]*bb[6]
		s3 += aa[3]*bb[3] + aa[7]*bb[7]
	}
	for ; i < n; i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotF32I8Go is the dot product of a float32 query with an int8 code (before its scale).
func dotF32I8Go(a []float32, b []int8) float32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+8 <= n; i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		s0 += aa[0]*float32(bb[0]) + aa[4]*float32(bb[4])
		s1 += aa[1]*float32(bb[1]) + aa[5]*float32(bb[5])
		s2 += aa[2]*float32(bb[2]) + aa[6]*float32(bb[6])
		s3 += aa[3]*float32(bb[3]) + aa[7]*float32(bb[7])
	}
	for ; i < n; i++ {
		s0 += a[i] * float32(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// quantize writes the int8 code of the unit vector v into dst and returns its scale:
// v[i] ≈ scale * dst[i]. A per-vector scale (max |v[i]| / 127) keeps the error of a
// cosine near 1e-3 for 512 dimensions.
func quantize(dst []int8, v []float32) float32 {
	var m float32
	for _, x := range v {
		if x < 0 {
			x = -x
		}
		if x > m {
			m = x
		}
	}
	if m == 0 {
		clear(dst)
		return 0
	}
	inv := 127 / m
	for i, x := range v {
		q := x * inv
		if q >= 0 {
			q += 0.5
		} else {
			q -= 0.5
		}
		dst[i] = int8(q)
	}
	return m / 127
}

// dequantize writes scale*code into dst.
func dequantize(dst []float32, code []int8, scale float32) {
	for i, c := range code {
		dst[i] = float32(c) * scale
	}
}

// dotI8Go is the dot product of two int8 codes.
func dotI8Go(a, b []int8) int32 {
	b = b[:len(a)]
	var s int32
	for i, x := range a {
		s += int32(x) * int32(b[i])
	}
	return s
}
