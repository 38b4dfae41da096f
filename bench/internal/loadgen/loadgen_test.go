package loadgen

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

const (
	chatBody   = `{"model":"m","messages":[{"role":"user","content":"hello there"}]}`
	streamBody = `{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c"}]}`
)

func target(s *providertest.Server, stream bool) Target {
	t := Target{Name: "direct", Addr: s.Addr(), Path: "/v1/chat/completions", Body: []byte(chatBody),
		Expect: []byte(`"choices"`), Header: map[string]string{"Authorization": "Bearer k"}}
	if stream {
		t.Body, t.Stream = []byte(streamBody), true
	}
	return t
}

func TestFixedRateSendsTheSchedule(t *testing.T) {
	tests := []struct {
		name   string
		stream bool
		rate   float64
		dur    time.Duration
		conns  int
		want   uint64
	}{
		{"chat", false, 100, 200 * time.Millisecond, 4, 20},
		{"stream", true, 100, 100 * time.Millisecond, 3, 10},
		{"fewer requests than connections", false, 10, 200 * time.Millisecond, 8, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := providertest.New(t)
			s.SetRecording(false)
			r, err := FixedRate(context.Background(), target(s, tc.stream), tc.rate, tc.dur, tc.conns)
			if err != nil {
				t.Fatal(err)
			}
			if r.Requests != tc.want || r.Errors != 0 || s.Calls() != int(tc.want) {
				t.Fatalf("requests %d, errors %d (%s), upstream calls %d; want %d", r.Requests, r.Errors, r.ErrorSummary(), s.Calls(), tc.want)
			}
			if r.Latency.Count() != tc.want || r.Service.Count() != tc.want || r.Lateness.Count() != tc.want {
				t.Fatalf("histogram counts %d/%d/%d, want %d", r.Latency.Count(), r.Service.Count(), r.Lateness.Count(), tc.want)
			}
			// Latency counts from the schedule, so it is never below the service time.
			if r.Latency.Max() < r.Service.Max() {
				t.Errorf("max latency %v < max service time %v", r.Latency.Max(), r.Service.Max())
			}
			if tc.stream != (r.TTFB != nil) || tc.stream && r.TTFB.Count() != tc.want {
				t.Errorf("TTFB histogram: %v", r.TTFB)
			}
			if r.Rate() <= 0 {
				t.Errorf("rate %v", r.Rate())
			}
		})
	}
}

func TestClosedLoop(t *testing.T) {
	s := providertest.New(t)
	s.SetRecording(false)
	r, err := ClosedLoop(context.Background(), target(s, false), 3, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors != 0 || r.Requests != uint64(s.Calls()) || r.Latency.Count() != r.Requests {
		t.Fatalf("requests %d, errors %d, calls %d, latency count %d", r.Requests, r.Errors, s.Calls(), r.Latency.Count())
	}
}

func TestErrorsAreCountedByKind(t *testing.T) {
	tests := []struct {
		name   string
		step   *providertest.Step
		stream bool
		expect string
		want   string
	}{
		{"status", &providertest.Step{Status: 503, Body: `{"error":{"message":"down"}}`}, false, "", "status 503"},
		{"unexpected body", &providertest.Step{Body: `{"object":"something else"}`}, false, "", "unexpected body"},
		{"stream without done", &providertest.Step{Chunks: []string{`{"choices":[]}`}}, true, "", "stream without [DONE]"},
		{"stream cut", &providertest.Step{Chunks: []string{`{"choices":[]}`, `{"choices":[]}`, "[DONE]"}, CloseAfterChunks: 1}, true, "", "stream"},
		{"stream lacks marker", &providertest.Step{Chunks: []string{`{"x":1}`, "[DONE]"}}, true, "", "unexpected body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := providertest.New(t)
			s.SetDefault(tc.step)
			r, err := FixedRate(context.Background(), target(s, tc.stream), 100, 50*time.Millisecond, 2)
			if err != nil {
				t.Fatal(err)
			}
			if r.Requests != 5 || r.Errors != 5 || r.Latency.Count() != 0 || !strings.Contains(r.ErrorSummary(), tc.want) {
				t.Fatalf("requests %d, errors %d, latency count %d, errors %q; want all failing with %q",
					r.Requests, r.Errors, r.Latency.Count(), r.ErrorSummary(), tc.want)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	s := providertest.New(t)
	tg := target(s, false)
	s.Close()
	r, err := ClosedLoop(context.Background(), tg, 1, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors != r.Requests {
		t.Fatalf("requests %d, errors %d (%s)", r.Requests, r.Errors, r.ErrorSummary())
	}
}

func TestBadArguments(t *testing.T) {
	tg := Target{Addr: "127.0.0.1:1"}
	if _, err := FixedRate(context.Background(), tg, 0, time.Second, 1); err == nil {
		t.Error("rate 0 accepted")
	}
	if _, err := FixedRate(context.Background(), tg, 10, time.Second, 0); err == nil {
		t.Error("0 connections accepted")
	}
	if _, err := ClosedLoop(context.Background(), tg, 1, 0); err == nil {
		t.Error("duration 0 accepted")
	}
}

func TestCanceledRunStops(t *testing.T) {
	s := providertest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := FixedRate(ctx, target(s, false), 10, time.Hour, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests > 2 {
		t.Fatalf("canceled run sent %d requests", r.Requests)
	}
}

// TestTTFBIsTheFirstByte checks that TTFB is taken at the first event, not at the end:
// the upstream sleeps before each of its 7 events, so every stream's end comes at least
// 6 delays after its first byte, and so do the quantiles.
func TestTTFBIsTheFirstByte(t *testing.T) {
	const delay = 5 * time.Millisecond
	s := providertest.New(t)
	s.SetRecording(false)
	s.SetDefault(&providertest.Step{ChunkDelay: delay}) // built-in answer, slowed down
	r, err := FixedRate(context.Background(), target(s, true), 40, 100*time.Millisecond, 4)
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 0 || r.TTFB.Count() != 4 {
		t.Fatalf("errors %d (%s), TTFB count %d", r.Errors, r.ErrorSummary(), r.TTFB.Count())
	}
	if gap := r.Latency.Quantile(0.5) - r.TTFB.Quantile(0.5); gap < 6*delay*99/100 {
		t.Fatalf("end - first byte at p50 = %v, want >= %v", gap, 6*delay)
	}
}
