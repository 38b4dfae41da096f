package telemetry

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// SpanContext is a W3C trace context in parsed form.
type SpanContext struct {
	TraceID trace.TraceID
	SpanID  trace.SpanID
	Sampled bool
}

// ParseTraceParent parses a W3C traceparent header ("00-<32 hex>-<16 hex>-<2 hex>").
// It returns false for anything malformed, all-zero ids or version ff, as the spec asks.
func ParseTraceParent(s string) (SpanContext, bool) {
	var sc SpanContext
	if len(s) < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-' {
		return sc, false
	}
	if s[:2] == "ff" || !isLowerHex(s[:2]) || (s[:2] == "00" && len(s) != 55) {
		return sc, false
	}
	if _, err := hex.Decode(sc.TraceID[:], []byte(s[3:35])); err != nil || !isLowerHex(s[3:35]) {
		return sc, false
	}
	if _, err := hex.Decode(sc.SpanID[:], []byte(s[36:52])); err != nil || !isLowerHex(s[36:52]) {
		return sc, false
	}
	var flags [1]byte
	if _, err := hex.Decode(flags[:], []byte(s[53:55])); err != nil {
		return sc, false
	}
	if !sc.TraceID.IsValid() || !sc.SpanID.IsValid() {
		return sc, false
	}
	sc.Sampled = flags[0]&1 == 1
	return sc, true
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// FormatTraceParent writes a version-00 traceparent.
func FormatTraceParent(traceID trace.TraceID, spanID trace.SpanID, sampled bool) string {
	flags := "00"
	if sampled {
		flags = "01"
	}
	return "00-" + traceID.String() + "-" + spanID.String() + "-" + flags
}

// IDs draws random trace and span ids. It is safe for concurrent use.
type IDs struct {
	mu  sync.Mutex
	rng *rand.ChaCha8
}

// NewIDs seeds a generator from crypto/rand.
func NewIDs() *IDs {
	var seed [32]byte
	_, _ = crand.Read(seed[:])
	return &IDs{rng: rand.NewChaCha8(seed)}
}

// TraceID returns a new valid trace id.
func (g *IDs) TraceID() trace.TraceID {
	var t trace.TraceID
	g.mu.Lock()
	for !t.IsValid() {
		binary.LittleEndian.PutUint64(t[:8], g.rng.Uint64())
		binary.LittleEndian.PutUint64(t[8:], g.rng.Uint64())
	}
	g.mu.Unlock()
	return t
}

// SpanID returns a new valid span id.
func (g *IDs) SpanID() trace.SpanID {
	var s trace.SpanID
	g.mu.Lock()
	for !s.IsValid() {
		binary.LittleEndian.PutUint64(s[:], g.rng.Uint64())
	}
	g.mu.Unlock()
	return s
}

type presetKey struct{}

type preset struct {
	traceID trace.TraceID
	spanID  trace.SpanID
}

// WithSpanID returns a context under which the next span started (through a Tracing's
// tracer) gets exactly spanID (and traceID when it is a root). This lets a span be
// created after the fact, with timestamps, under an id that was already handed to the
// upstream in a traceparent header.
func WithSpanID(ctx context.Context, traceID trace.TraceID, spanID trace.SpanID) context.Context {
	return context.WithValue(ctx, presetKey{}, preset{traceID, spanID})
}

// idGenerator implements the SDK's IDGenerator, honouring WithSpanID.
type idGenerator struct{ ids *IDs }

func (g idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if p, ok := ctx.Value(presetKey{}).(preset); ok && p.traceID.IsValid() && p.spanID.IsValid() {
		return p.traceID, p.spanID
	}
	return g.ids.TraceID(), g.ids.SpanID()
}

func (g idGenerator) NewSpanID(ctx context.Context, traceID trace.TraceID) trace.SpanID {
	// The context returned by starting the preset span still carries the preset; its
	// children have the preset span as parent and must get ids of their own.
	if p, ok := ctx.Value(presetKey{}).(preset); ok && p.spanID.IsValid() && p.traceID == traceID &&
		trace.SpanContextFromContext(ctx).SpanID() != p.spanID {
		return p.spanID
	}
	return g.ids.SpanID()
}
