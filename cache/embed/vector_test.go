package embed

import (
	"math"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   []float32
		ok   bool
		want []float32
	}{
		{"3-4", []float32{3, 4}, true, []float32{0.6, 0.8}},
		{"unit", []float32{0, 1, 0}, true, []float32{0, 1, 0}},
		{"zero", []float32{0, 0}, false, []float32{0, 0}},
		{"nan", []float32{float32(math.NaN()), 1}, false, nil},
		{"empty", nil, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := append([]float32(nil), tc.in...)
			if ok := Normalize(v); ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			for i := range tc.want {
				if math.Abs(float64(v[i]-tc.want[i])) > 1e-6 {
					t.Fatalf("v = %v, want %v", v, tc.want)
				}
			}
		})
	}
}

func TestCosine(t *testing.T) {
	tests := []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{1, 0}, 1},
		{[]float32{1, 0}, []float32{0, 2}, 0},
		{[]float32{1, 1}, []float32{-2, -2}, -1},
		{[]float32{1, 1}, []float32{0, 0}, 0},
		{[]float32{1}, []float32{1, 2}, 0},
	}
	for _, tc := range tests {
		if got := Cosine(tc.a, tc.b); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
