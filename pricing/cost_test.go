package pricing

import (
	"math"
	"testing"
)

// perMTok builds a rate from dollars per million tokens written as a decimal string.
func perMTok(t *testing.T, usd string) NanoUSD {
	t.Helper()
	v, err := ParseUSD(usd)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCostArithmetic(t *testing.T) {
	// $0.01875/MTok is 18.75 nano-USD per token: the case float money gets wrong.
	p := Price{Rates: Rates{
		Input: perMTok(t, "0.075"), Output: perMTok(t, "0.3"), CacheRead: perMTok(t, "0.01875"),
		CacheWrite: perMTok(t, "0.1"), CacheWrite1h: perMTok(t, "0.2"), Reasoning: perMTok(t, "0.5"),
	}}
	tests := []struct {
		name string
		u    Usage
		want NanoUSD
	}{
		{"nothing", Usage{}, 0},
		{"input only", Usage{InputTokens: 1}, 75},
		{"rounds half up", Usage{InputTokens: 2, CacheReadTokens: 2}, 38},                                      // 37.5
		{"rounds down below half", Usage{InputTokens: 3, CacheReadTokens: 3}, 56},                              // 56.25
		{"half of a mixed request rounds up", Usage{InputTokens: 4, CacheReadTokens: 2, OutputTokens: 1}, 488}, // 150 + 37.5 + 300
		{"fractions sum exactly", Usage{InputTokens: 4, CacheReadTokens: 4}, 75},                               // 4 × 18.75
		{"cache write split by lifetime", Usage{InputTokens: 10, CacheWriteTokens: 10, CacheWrite1hTokens: 4}, 6*100 + 4*200},
		{"reasoning priced apart", Usage{OutputTokens: 10, ReasoningTokens: 4}, 6*300 + 4*500},
		{"negative counts are zero", Usage{InputTokens: -5, OutputTokens: -1}, 0},
		{"cached beyond input is capped", Usage{InputTokens: 4, CacheReadTokens: 10}, 75},
		{"1h beyond writes is capped", Usage{InputTokens: 2, CacheWriteTokens: 2, CacheWrite1hTokens: 9}, 400},
		{"reasoning beyond output is capped", Usage{OutputTokens: 2, ReasoningTokens: 5}, 1000},
		{"large counts stay exact", Usage{InputTokens: 3_000_000_000, OutputTokens: 1_000_000_000}, 225*USD + 300*USD},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cost(tt.u, p); got != tt.want {
				t.Errorf("Cost = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCostRoundsOncePerRequest(t *testing.T) {
	// Two components of 0.5 nano-USD each: rounded apart they would give 2, the exact sum
	// is 1.
	p := Price{Rates: Rates{Input: 500_000, Output: 500_000, CacheRead: 500_000, CacheWrite: 500_000, CacheWrite1h: 500_000, Reasoning: 500_000}}
	if got := Cost(Usage{InputTokens: 1, OutputTokens: 1}, p); got != 1 {
		t.Fatalf("Cost = %d, want 1", got)
	}
}

func TestCostSaturates(t *testing.T) {
	p := Price{Rates: Rates{Input: math.MaxInt64, Output: math.MaxInt64}}
	if got := Cost(Usage{InputTokens: math.MaxInt64, OutputTokens: math.MaxInt64}, p); got != math.MaxInt64 {
		t.Fatalf("Cost = %d, want saturation at MaxInt64", got)
	}
}

func TestCostTiersApplyToWholeRequest(t *testing.T) {
	base := Rates{Input: 3 * USD, Output: 15 * USD, CacheRead: 300_000_000, CacheWrite: 3_750_000_000, CacheWrite1h: 6 * USD, Reasoning: 15 * USD}
	high := Rates{Input: 6 * USD, Output: 22_500_000_000, CacheRead: 600_000_000, CacheWrite: 7_500_000_000, CacheWrite1h: 12 * USD, Reasoning: 22_500_000_000}
	top := Rates{Input: 10 * USD, Output: 30 * USD, CacheRead: USD, CacheWrite: 10 * USD, CacheWrite1h: 10 * USD, Reasoning: 30 * USD}
	p := Price{Rates: base, Tiers: []Tier{{Above: 200_000, Rates: high}, {Above: 1_000_000, Rates: top}}}
	tests := []struct {
		in   int64
		want NanoUSD
	}{
		{200_000, 200_000 * 3000},       // at the threshold: base
		{200_001, 200_001 * 6000},       // one above: the whole request at the higher rate
		{1_000_000, 1_000_000 * 6000},   // at the second threshold
		{1_000_001, 1_000_001 * 10_000}, // above it
	}
	for _, tt := range tests {
		if got := Cost(Usage{InputTokens: tt.in}, p); got != tt.want {
			t.Errorf("input %d: Cost = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestNanoUSDString(t *testing.T) {
	tests := []struct {
		n    NanoUSD
		want string
	}{
		{0, "0"}, {123_000, "0.000123"}, {1, "0.000000001"}, {USD, "1"}, {12*USD + 500_000_000, "12.5"},
		{-1, "-0.000000001"}, {math.MinInt64, "-9223372036.854775808"}, {math.MaxInt64, "9223372036.854775807"},
	}
	for _, tt := range tests {
		if got := tt.n.String(); got != tt.want {
			t.Errorf("%d.String() = %q, want %q", int64(tt.n), got, tt.want)
		}
	}
}

func TestParseUSDIsExact(t *testing.T) {
	tests := []struct {
		in   string
		want NanoUSD
	}{
		{"0.075", 75_000_000}, {"2.5e-06", 2500}, {"1e3", 1000 * USD}, {"0.1", 100_000_000},
		{"0.0000000005", 1}, {"0.0000000004", 0}, {"3", 3 * USD},
	}
	for _, tt := range tests {
		got, err := ParseUSD(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseUSD(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "abc", "1/3", "0x10", "1e400000000000", "1e-99999999"} {
		if _, err := ParseUSD(bad); err == nil {
			t.Errorf("ParseUSD(%q): want an error", bad)
		}
	}
}
