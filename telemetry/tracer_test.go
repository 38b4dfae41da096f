package telemetry

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/muninn-gw/muninn/telemetry/otlptest"
)

func newTestTracing(t *testing.T, raw string) *Tracing {
	t.Helper()
	cfg, err := DecodeTraces([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTracing(cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr
}

func TestNoEndpointNoTracing(t *testing.T) {
	tr, err := NewTracing(TracesConfig{}, "v", nil)
	if err != nil || tr != nil {
		t.Fatalf("got %v, %v", tr, err)
	}
	if tr.ExportFailures() != 0 || tr.Shutdown(context.Background()) != nil {
		t.Fatal("nil Tracing must be inert")
	}
}

// Spans reach a Langfuse-shaped endpoint on its path, gzipped, with Basic auth and the
// ingestion version header.
func TestExportToLangfuseEndpoint(t *testing.T) {
	rcv := otlptest.Start()
	defer rcv.Close()
	tr := newTestTracing(t, `{"endpoint":"`+rcv.URL()+`/api/public/otel/v1/traces",
		"langfuse":{"public_key":"pk-lf-abc","secret_key":"sk-lf-def"},"batch_interval":"50ms",
		"environment":"test"}`)
	_, span := tr.Tracer().Start(context.Background(), "chat gpt-4o")
	span.SetAttributes(attribute.String("gen_ai.operation.name", "chat"))
	span.End()
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := rcv.WaitSpans(1, 5*time.Second)
	if len(spans) != 1 || spans[0].Name != "chat gpt-4o" || spans[0].Attrs["gen_ai.operation.name"] != "chat" {
		t.Fatalf("spans = %+v", spans)
	}
	if spans[0].Resource["service.name"] != "muninn" || spans[0].Resource["langfuse.environment"] != "test" {
		t.Errorf("resource = %v", spans[0].Resource)
	}
	reqs := rcv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request")
	}
	r := reqs[0]
	if r.Path != "/api/public/otel/v1/traces" || !r.Gzipped {
		t.Errorf("path %q gzip %v", r.Path, r.Gzipped)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("pk-lf-abc:sk-lf-def"))
	if r.Header.Get("Authorization") != want || r.Header.Get("x-langfuse-ingestion-version") != "4" {
		t.Errorf("headers %v", r.Header)
	}
	if tr.ExportedSpans() != 1 || tr.ExportFailures() != 0 {
		t.Errorf("exported %d failures %d", tr.ExportedSpans(), tr.ExportFailures())
	}
}

// A failing endpoint is counted, retried only within its bound, and never blocks the
// caller; the secret never shows in what is counted or logged.
func TestExportFailureCounted(t *testing.T) {
	rcv := otlptest.Start()
	rcv.Close() // nothing listens: every export fails fast
	tr := newTestTracing(t, `{"endpoint":"`+rcv.URL()+`/v1/traces","batch_interval":"10ms",
		"retry_max_elapsed":"100ms","timeout":"200ms","langfuse":{"public_key":"pk","secret_key":"sk-secret-value"}}`)
	start := time.Now()
	for i := 0; i < 100; i++ {
		_, s := tr.Tracer().Start(context.Background(), "x")
		s.End()
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("ending spans blocked for %v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := tr.Flush(ctx)
	if err == nil && tr.ExportFailures() == 0 {
		t.Fatal("export to a closed port neither failed nor was counted")
	}
	if err != nil && strings.Contains(err.Error(), "sk-secret-value") {
		t.Fatal("error carries the secret")
	}
}

func TestSampledHonoursRatio(t *testing.T) {
	tr := newTestTracing(t, `{"endpoint":"http://127.0.0.1:1/v1/traces","sample_ratio":0}`)
	if tr.Sampled(tr.IDs().TraceID()) {
		t.Fatal("ratio 0 sampled a trace")
	}
	tr1 := newTestTracing(t, `{"endpoint":"http://127.0.0.1:1/v1/traces","sample_ratio":1}`)
	if !tr1.Sampled(tr1.IDs().TraceID()) {
		t.Fatal("ratio 1 dropped a trace")
	}
}
