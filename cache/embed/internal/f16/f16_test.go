package f16

import (
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		in   float32
		want float32
	}{
		{0, 0},
		{1, 1},
		{-2.5, -2.5},
		{65504, 65504},
		{1e6, float32(math.Inf(1))},
		{-1e6, float32(math.Inf(-1))},
		{5.960464477539063e-08, 5.960464477539063e-08}, // smallest subnormal
		{1e-9, 0},
		{0.1, 0.0999755859375},
		{1.0009765625, 1.0009765625},                   // 1 + 2^-10, exact
		{1.00048828125, 1},                             // halfway, ties to even (down)
		{1.00146484375, 1.001953125},                   // halfway, ties to even (up)
		{6.097555160522461e-05, 6.097555160522461e-05}, // largest subnormal
	}
	for _, tc := range tests {
		got := ToFloat32(FromFloat32(tc.in))
		if got != tc.want {
			t.Errorf("round trip %g: got %g, want %g", tc.in, got, tc.want)
		}
	}
	if !math.IsNaN(float64(ToFloat32(FromFloat32(float32(math.NaN()))))) {
		t.Error("NaN did not stay NaN")
	}
}

func TestAllHalvesExact(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := ToFloat32(uint16(h))
		if f != f { // NaN payloads are not preserved bit for bit
			continue
		}
		if back := FromFloat32(f); back != uint16(h) {
			t.Fatalf("half %#04x -> %g -> %#04x", h, f, back)
		}
	}
}

func TestTable(t *testing.T) {
	tab := Table()
	for _, h := range []uint16{0, 1, 0x3c00, 0x7bff, 0x8001, 0xfc00} {
		if tab[h] != ToFloat32(h) {
			t.Errorf("Table()[%#04x] = %v, want %v", h, tab[h], ToFloat32(h))
		}
	}
}
