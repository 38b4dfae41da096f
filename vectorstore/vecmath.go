package vectorstore

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Validate reports whether vec can be stored or searched: not empty, no NaN or Inf
// component, not all zeros. The error wraps ErrInvalidVector.
func Validate(vec []float32) error {
	if len(vec) == 0 {
		return fmt.Errorf("%w: empty", ErrInvalidVector)
	}
	var sum float64
	for i, x := range vec {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: component %d is %v", ErrInvalidVector, i, x)
		}
		sum += f * f
	}
	if sum == 0 {
		return fmt.Errorf("%w: all zeros", ErrInvalidVector)
	}
	if math.IsInf(sum, 0) {
		return fmt.Errorf("%w: norm overflows", ErrInvalidVector)
	}
	return nil
}

// Norm returns the Euclidean norm of vec, computed in float64.
func Norm(vec []float32) float64 {
	var sum float64
	for _, x := range vec {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum)
}

// Normalize returns a unit-length copy of vec (nil for a zero vector).
func Normalize(vec []float32) []float32 {
	n := Norm(vec)
	if n == 0 {
		return nil
	}
	out := make([]float32, len(vec))
	inv := 1 / n
	for i, x := range vec {
		out[i] = float32(float64(x) * inv)
	}
	return out
}

// NormalizeInto writes the unit-length form of vec into dst (same length) and returns the
// original norm; a zero vector leaves dst zeroed and returns 0.
func NormalizeInto(dst, vec []float32) float64 {
	n := Norm(vec)
	if n == 0 {
		clear(dst)
		return 0
	}
	inv := 1 / n
	for i, x := range vec {
		dst[i] = float32(float64(x) * inv)
	}
	return n
}

// Cosine returns the cosine similarity of a and b, clamped to [-1, 1]; 0 when either is
// a zero vector or the lengths differ.
func Cosine(a, b []float32) float32 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return Clamp(float32(dot / math.Sqrt(na*nb)))
}

// Clamp limits a similarity to [-1, 1]; rounding can push a unit dot product just past 1.
func Clamp(s float32) float32 {
	if s > 1 {
		return 1
	}
	if s < -1 {
		return -1
	}
	return s
}

// CompareMatches orders matches best first: higher score, then ascending ID.
func CompareMatches(a, b Match) int {
	if a.Score != b.Score {
		return cmp.Compare(b.Score, a.Score)
	}
	return cmp.Compare(a.ID, b.ID)
}

// SortMatches sorts matches best first with ties broken by ascending ID. Backends whose
// engine orders ties arbitrarily call it before returning.
func SortMatches(m []Match) { slices.SortFunc(m, CompareMatches) }

// Matches reports whether payload passes the filter (every condition equal; a missing
// field never passes). A nil or empty filter passes everything.
func (f Filter) Matches(payload map[string]string) bool {
	for k, v := range f {
		pv, ok := payload[k]
		if !ok || pv != v {
			return false
		}
	}
	return true
}
