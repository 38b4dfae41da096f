package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestRunShort runs the whole benchmark at a very low load: the real gateway binary and
// the fake upstream as processes, every phase against both targets. It checks that the
// run is complete and sane, not how fast anything is.
func TestRunShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the gateway binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("measures the gateway through Linux's /proc")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var progress bytes.Buffer
	o := Options{
		Rate: 50, RateDuration: 300 * time.Millisecond, RateConns: 4,
		ClosedConns: 2, ClosedDuration: 300 * time.Millisecond,
		StreamRate: 30, StreamDuration: 300 * time.Millisecond,
		Log: &progress,
	}
	rep, err := Run(ctx, o)
	if err != nil {
		t.Fatalf("Run: %v\nprogress:\n%s", err, progress.String())
	}
	want := []string{PhaseFixed, PhaseClosed, PhaseStream}
	if len(rep.Phases) != len(want) {
		t.Fatalf("%d phases, want %v", len(rep.Phases), want)
	}
	for i, p := range rep.Phases {
		if p.Name != want[i] {
			t.Errorf("phase %d is %q, want %q", i, p.Name, want[i])
		}
		for _, s := range []*Side{&p.Direct, &p.Gateway} {
			if s.Result == nil || s.Requests == 0 {
				t.Errorf("%s/%s: no requests", p.Name, s.Target)
				continue
			}
			if s.Errors != 0 {
				t.Errorf("%s/%s: %d errors: %s", p.Name, s.Target, s.Errors, s.ErrorSummary())
			}
			if s.Latency.Count() != s.Requests || s.Latency.Quantile(0.5) <= 0 || s.Rate() <= 0 {
				t.Errorf("%s/%s: latency count %d of %d, p50 %v, rate %v", p.Name, s.Target,
					s.Latency.Count(), s.Requests, s.Latency.Quantile(0.5), s.Rate())
			}
			if p.Name == PhaseStream && (s.TTFB == nil || s.TTFB.Count() != s.Requests) {
				t.Errorf("%s/%s: TTFB not recorded for every stream", p.Name, s.Target)
			}
		}
		if p.Name == PhaseFixed && p.Gateway.Requests != 15 {
			t.Errorf("fixed rate 50/s for 300ms sent %d requests through the gateway, want 15", p.Gateway.Requests)
		}
		if p.Gateway.PeakRSS <= 0 {
			t.Errorf("%s: gateway peak RSS not measured", p.Name)
		}
	}
	if rep.GatewayPeakRSS <= 0 || rep.GatewayIdleRSS <= 0 {
		t.Errorf("gateway RSS idle %d, peak %d", rep.GatewayIdleRSS, rep.GatewayPeakRSS)
	}

	var out bytes.Buffer
	rep.Print(&out)
	for _, s := range []string{"fixed rate 50 req/s", "closed loop, 2 connections", "TTFB gateway",
		"overhead (gateway - direct)", "== targets", "gateway peak RSS", "CPU s/10k req"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
	if checks := rep.Checks(); len(checks) != 5 {
		t.Errorf("%d checks, want 5: %+v", len(checks), checks)
	}
	b, err := json.Marshal(rep.Summary())
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil || len(back.Phases) != 3 || back.Phases[2].Gateway.TTFB == nil {
		t.Fatalf("summary JSON round trip: %v, %s", err, b)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	_, err := Run(context.Background(), Options{Phases: []string{"fixed", "warp"}})
	if err == nil || !strings.Contains(err.Error(), `"warp"`) {
		t.Fatalf("unknown phase: err = %v", err)
	}
	_, err = Run(context.Background(), Options{Muninn: "/nonexistent/muninn", Upstream: "/nonexistent/fakeupstream"})
	if err == nil || !strings.Contains(err.Error(), "fakeupstream") {
		t.Fatalf("missing binary: err = %v", err)
	}
}

func TestGatewayConfigExtra(t *testing.T) {
	b, err := gatewayConfig("http://127.0.0.1:1", "/tmp/d", 0, false, []byte(`{"cache":{"enabled":true},"metrics":{"path":"/m"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["cache"].(map[string]any)["enabled"] != true || cfg["providers"] == nil || cfg["metrics"].(map[string]any)["path"] != "/m" {
		t.Fatalf("merged config: %s", b)
	}
	if _, err := gatewayConfig("http://127.0.0.1:1", "/tmp/d", 0, false, []byte(`[1]`)); err == nil {
		t.Fatal("a non-object extra config was accepted")
	}
}

func TestGatewayConfigIsPlain(t *testing.T) {
	for _, tc := range []struct {
		metrics bool
		conns   int
		want    []string
		absent  []string
	}{
		{false, 0, []string{`"disabled": true`, `"base_url": "http://127.0.0.1:1/v1"`, `"enabled": false`, `"backend": "off"`, `"data_dir": "/tmp/d"`},
			[]string{"max_conns", "telemetry"}},
		{true, 128, []string{`"max_conns": 128`, `"enabled": false`}, []string{"metrics"}},
	} {
		b, err := gatewayConfig("http://127.0.0.1:1", "/tmp/d", tc.conns, tc.metrics, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tc.want {
			if !bytes.Contains(b, []byte(s)) {
				t.Errorf("config lacks %s:\n%s", s, b)
			}
		}
		for _, s := range tc.absent {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("config has %s:\n%s", s, b)
			}
		}
	}
}
