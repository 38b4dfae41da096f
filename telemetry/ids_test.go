package telemetry

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestParseTraceParent(t *testing.T) {
	good := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	cases := []struct {
		in      string
		ok      bool
		sampled bool
	}{
		{good, true, true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true, false},
		{"", false, false},
		{"garbage", false, false},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false, false},
		{"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, false},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", false, false},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", true, true},
		{"00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", false, false},
	}
	for _, tc := range cases {
		sc, ok := ParseTraceParent(tc.in)
		if ok != tc.ok || (ok && sc.Sampled != tc.sampled) {
			t.Errorf("ParseTraceParent(%q) = %+v, %v; want ok=%v sampled=%v", tc.in, sc, ok, tc.ok, tc.sampled)
		}
	}
	sc, _ := ParseTraceParent(good)
	if got := FormatTraceParent(sc.TraceID, sc.SpanID, true); got != good {
		t.Errorf("round trip: %s", got)
	}
}

func TestIDsAreValidAndDistinct(t *testing.T) {
	g := NewIDs()
	seen := map[trace.SpanID]bool{}
	for i := 0; i < 1000; i++ {
		s := g.SpanID()
		if !s.IsValid() || seen[s] {
			t.Fatalf("span id %v invalid or repeated", s)
		}
		seen[s] = true
		if !g.TraceID().IsValid() {
			t.Fatal("invalid trace id")
		}
	}
}

// The SDK gives a span exactly the id chosen before it existed, for roots and children.
func TestPresetSpanID(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	ids := NewIDs()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec), sdktrace.WithIDGenerator(idGenerator{ids}))
	tr := tp.Tracer("t")
	traceID, spanID := ids.TraceID(), ids.SpanID()
	ctx, root := tr.Start(WithSpanID(context.Background(), traceID, spanID), "root")
	_, child := tr.Start(ctx, "child")
	child.End()
	root.End()
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	r, c := spans[1], spans[0]
	if r.SpanContext().TraceID() != traceID || r.SpanContext().SpanID() != spanID {
		t.Errorf("root got %v/%v, want %v/%v", r.SpanContext().TraceID(), r.SpanContext().SpanID(), traceID, spanID)
	}
	if c.SpanContext().SpanID() == spanID || c.Parent().SpanID() != spanID {
		t.Errorf("child id %v parent %v", c.SpanContext().SpanID(), c.Parent().SpanID())
	}

	// Under a remote parent the preset span id is used with the parent's trace id.
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: ids.TraceID(), SpanID: ids.SpanID(), TraceFlags: trace.FlagsSampled, Remote: true})
	want := ids.SpanID()
	pctx := trace.ContextWithRemoteSpanContext(context.Background(), parent)
	_, s := tr.Start(WithSpanID(pctx, parent.TraceID(), want), "server")
	s.End()
	got := rec.Ended()[2]
	if got.SpanContext().SpanID() != want || got.SpanContext().TraceID() != parent.TraceID() || got.Parent().SpanID() != parent.SpanID() {
		t.Errorf("server span %v under %v", got.SpanContext(), got.Parent())
	}
}
