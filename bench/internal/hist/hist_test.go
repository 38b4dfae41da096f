package hist

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsCoverEveryValue(t *testing.T) {
	for _, v := range []int64{0, 1, 511, 512, 513, 1023, 1024, 4095, 123456, 1 << 30, maxValue} {
		i := index(v)
		lo, hi := bounds(i)
		if v < lo || v > hi {
			t.Errorf("value %d in bucket %d = [%d, %d]", v, i, lo, hi)
		}
		if i >= nBuckets {
			t.Errorf("value %d: bucket %d out of range", v, i)
		}
		if v >= subCount && float64(hi-lo+1)/float64(lo) > 1.0/half+1e-12 {
			t.Errorf("value %d: bucket [%d, %d] wider than 1/%d", v, lo, hi, half)
		}
	}
	// Adjacent buckets touch.
	for i := 1; i < nBuckets; i++ {
		_, prevHi := bounds(i - 1)
		lo, _ := bounds(i)
		if lo != prevHi+1 {
			t.Fatalf("gap between bucket %d (hi %d) and %d (lo %d)", i-1, prevHi, i, lo)
		}
	}
}

func TestQuantilesMatchSortedValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func() time.Duration
	}{
		{"uniform 100us-300us", func() time.Duration { return time.Duration(100_000 + r.Int64N(200_000)) }},
		{"exponential mean 1ms", func() time.Duration { return time.Duration(r.ExpFloat64() * 1e6) }},
		{"small values", func() time.Duration { return time.Duration(r.Int64N(600)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := New()
			vals := make([]time.Duration, 20000)
			for i := range vals {
				vals[i] = tc.gen()
				h.Record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
				idx := int(float64(len(vals))*q+0.999999) - 1
				idx = max(0, min(idx, len(vals)-1))
				want, got := vals[idx], h.Quantile(q)
				tol := float64(want)/half + 1
				if d := float64(got - want); d > tol || d < -tol {
					t.Errorf("q%.3f = %v, want %v (±%.0fns)", q, got, want, tol)
				}
			}
			if h.Count() != uint64(len(vals)) || h.Min() != vals[0] || h.Max() != vals[len(vals)-1] {
				t.Errorf("count/min/max = %d/%v/%v", h.Count(), h.Min(), h.Max())
			}
		})
	}
}

func TestMergeAndEdges(t *testing.T) {
	a, b := New(), New()
	if a.Quantile(0.5) != 0 || a.Mean() != 0 || a.Min() != 0 {
		t.Fatal("empty histogram should report zeros")
	}
	a.Record(time.Millisecond)
	b.Record(3 * time.Millisecond)
	b.Record(-time.Second)   // counted as zero
	b.Record(time.Hour * 24) // clamped
	a.Merge(b)
	a.Merge(nil)
	if a.Count() != 4 || a.Min() != 0 || a.Max() != time.Duration(maxValue) {
		t.Fatalf("merged count/min/max = %d/%v/%v", a.Count(), a.Min(), a.Max())
	}
	a.Reset()
	if a.Count() != 0 {
		t.Fatal("reset kept values")
	}
}
