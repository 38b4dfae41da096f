package decimal

import "testing"

func TestScale(t *testing.T) {
	tests := []struct {
		in    string
		exp   int
		want  int64
		exact bool
	}{
		{"0.075", 9, 75_000_000, true},
		{"2.5e-06", 15, 2_500_000_000, true},
		{"7.5e-08", 15, 75_000_000, true},
		{"0.18000000000000002", 9, 180_000_000, false},
		{"0.08333333333333334", 9, 83_333_333, false},
		{"0.0000000005", 9, 1, false}, // half rounds away from zero
		{"-0.0000000005", 9, -1, false},
		{"12", 0, 12, true},
		{"1E+2", 0, 100, true},
	}
	for _, tt := range tests {
		got, exact, err := Scale(tt.in, tt.exp)
		if err != nil || got != tt.want || exact != tt.exact {
			t.Errorf("Scale(%q, %d) = %d, %v, %v; want %d, %v", tt.in, tt.exp, got, exact, err, tt.want, tt.exact)
		}
	}
	for _, bad := range []string{"", " ", "1/3", "0x1p-2", "NaN", "Inf", ".5", "1.", "1e1000", "99999999999999999999"} {
		if _, _, err := Scale(bad, 9); err == nil {
			t.Errorf("Scale(%q): want an error", bad)
		}
	}
}

func TestDiv(t *testing.T) {
	// $2.50 per GPU-hour at 1000 tokens/s, in nano-USD per million tokens.
	got, exact, err := Div("2.50", "1000", 15, 3600)
	if err != nil || got != 694_444_444 || exact {
		t.Fatalf("Div = %d, %v, %v", got, exact, err)
	}
	if _, _, err := Div("1", "0", 9, 1); err == nil {
		t.Fatal("division by zero: want an error")
	}
	if _, _, err := Div("1", "1", 9, 0); err == nil {
		t.Fatal("zero extra divisor: want an error")
	}
}

func TestAppend(t *testing.T) {
	tests := []struct {
		v    int64
		exp  int
		want string
	}{
		{0, 9, "0"}, {123_000, 9, "0.000123"}, {1_500_000_000, 9, "1.5"}, {-5, 1, "-0.5"}, {42, 0, "42"},
	}
	for _, tt := range tests {
		if got := string(Append(nil, tt.v, tt.exp)); got != tt.want {
			t.Errorf("Append(%d, %d) = %q, want %q", tt.v, tt.exp, got, tt.want)
		}
	}
}
