// Package f16 converts between float32 and IEEE 754 half precision (binary16), which is
// how the built-in model's weights are stored: half the size of float32, and close enough
// that the sentence vectors do not move measurably (cosine > 0.999999).
//
// Imports: the standard library only.
package f16
