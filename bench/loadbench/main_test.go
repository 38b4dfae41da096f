package main

import (
	"testing"
	"time"

	"github.com/muninn-gw/muninn/bench/internal/runner"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		check func(o runner.Options) bool
	}{
		{"defaults", nil, func(o runner.Options) bool {
			return o.Rate == 2000 && o.ClosedConns == 64 && o.RateDuration == 10*time.Second && o.Rounds == 10
		}},
		{"short", []string{"-short"}, func(o runner.Options) bool {
			return o.Rate == 200 && o.RateDuration == time.Second && o.Rounds == 1
		}},
		{"short with an override", []string{"-rate", "300", "-short"}, func(o runner.Options) bool {
			return o.Rate == 300 && o.ClosedDuration == time.Second
		}},
		{"everything", []string{"-conns", "8", "-stream-rate", "50", "-metrics", "-upstream-mode", "minimal", "-rounds", "2"},
			func(o runner.Options) bool {
				return o.ClosedConns == 8 && o.StreamRate == 50 && o.Metrics && o.UpstreamMode == "minimal" && o.Rounds == 2
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runner.Defaults()
			if hasShort(tc.args) {
				o = runner.Short()
			}
			fs := newFlags(&o, o)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if !tc.check(o) {
				t.Fatalf("options after %v: %+v", tc.args, o)
			}
		})
	}
}
