package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing owns the OTLP exporter and the tracer provider. A nil *Tracing is valid and
// traces nothing.
type Tracing struct {
	cfg      TracesConfig
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	ids      *IDs
	exporter *countingExporter
	sampler  sdktrace.Sampler
}

// NewTracing builds the exporter and provider for cfg; it returns nil, nil when cfg has
// no endpoint. Nothing is sent until spans end; a down endpoint is not an error here.
func NewTracing(cfg TracesConfig, version string, logger *slog.Logger) (*Tracing, error) {
	if cfg.Endpoint == "" {
		return nil, nil
	}
	if logger == nil {
		logger = slog.Default()
	}
	opts := []otlptracehttp.Option{
		otlptracehttp.WithEndpointURL(cfg.Endpoint),
		otlptracehttp.WithHeaders(cfg.ExportHeaders()),
		otlptracehttp.WithTimeout(time.Duration(cfg.Timeout)),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{
			Enabled:         true,
			InitialInterval: 500 * time.Millisecond,
			MaxInterval:     5 * time.Second,
			MaxElapsedTime:  time.Duration(cfg.RetryMaxElapsed),
		}),
	}
	if *cfg.Gzip {
		opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
	}
	exp, err := otlptracehttp.New(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("cannot create OTLP exporter: %w", err)
	}
	attrs := []attribute.KeyValue{
		attribute.String("service.name", cfg.ServiceName),
		attribute.String("service.version", version),
	}
	if cfg.Environment != "" {
		attrs = append(attrs,
			attribute.String("deployment.environment.name", cfg.Environment),
			attribute.String("langfuse.environment", cfg.Environment))
	}
	ce := &countingExporter{next: exp, logger: logger}
	ids := NewIDs()
	sampler := sdktrace.ParentBased(sdktrace.TraceIDRatioBased(*cfg.SampleRatio))
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(ce,
			sdktrace.WithMaxExportBatchSize(cfg.BatchSize),
			sdktrace.WithMaxQueueSize(cfg.QueueSize),
			sdktrace.WithBatchTimeout(time.Duration(cfg.BatchInterval)),
			sdktrace.WithExportTimeout(time.Duration(cfg.Timeout)+time.Duration(cfg.RetryMaxElapsed)),
		),
		sdktrace.WithResource(resource.NewSchemaless(attrs...)),
		sdktrace.WithIDGenerator(idGenerator{ids}),
		sdktrace.WithSampler(sampler),
	)
	return &Tracing{
		cfg:      cfg,
		provider: tp,
		tracer:   tp.Tracer("github.com/muninn-gw/muninn"),
		ids:      ids,
		exporter: ce,
		sampler:  sampler,
	}, nil
}

// Tracer returns the tracer spans are made with.
func (t *Tracing) Tracer() trace.Tracer { return t.tracer }

// IDs returns the id generator, for ids handed out before their span exists.
func (t *Tracing) IDs() *IDs { return t.ids }

// Config returns the normalised config.
func (t *Tracing) Config() TracesConfig { return t.cfg }

// Sampled reports whether a new root trace with this id would be kept (the ratio
// sampler's decision), so the traceparent sent upstream carries the right flag.
func (t *Tracing) Sampled(traceID trace.TraceID) bool {
	r := t.sampler.ShouldSample(sdktrace.SamplingParameters{TraceID: traceID, ParentContext: context.Background()})
	return r.Decision == sdktrace.RecordAndSample
}

// ExportFailures is the number of failed export requests so far.
func (t *Tracing) ExportFailures() uint64 {
	if t == nil {
		return 0
	}
	return t.exporter.failures.Load()
}

// ExportedSpans is the number of spans exported successfully so far.
func (t *Tracing) ExportedSpans() uint64 {
	if t == nil {
		return 0
	}
	return t.exporter.spans.Load()
}

// Flush exports what is queued, within ctx.
func (t *Tracing) Flush(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.ForceFlush(ctx)
}

// Shutdown flushes and stops the exporter, within ctx. Safe on nil.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// countingExporter counts export outcomes and logs failures at most once per
// failureLogEvery, so a down collector cannot flood the log.
type countingExporter struct {
	next     sdktrace.SpanExporter
	logger   *slog.Logger
	failures atomic.Uint64
	spans    atomic.Uint64
	lastLog  atomic.Int64
}

const failureLogEvery = 30 * time.Second

func (e *countingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.next.ExportSpans(ctx, spans)
	if err != nil {
		n := e.failures.Add(1)
		now := time.Now().UnixNano()
		last := e.lastLog.Load()
		if now-last > int64(failureLogEvery) && e.lastLog.CompareAndSwap(last, now) {
			e.logger.Warn("trace export failed; spans dropped", "failures", n, "spans", len(spans), "err", err)
		}
		return err
	}
	e.spans.Add(uint64(len(spans)))
	return nil
}

func (e *countingExporter) Shutdown(ctx context.Context) error { return e.next.Shutdown(ctx) }
