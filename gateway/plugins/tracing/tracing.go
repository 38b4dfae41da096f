package tracing

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/telemetry"
)

// Plugin exports a trace per request.
type Plugin struct {
	t          *telemetry.Tracing
	capture    bool
	maxContent int
}

// New returns the plugin for t (which must not be nil).
func New(t *telemetry.Tracing) *Plugin {
	cfg := t.Config()
	return &Plugin{t: t, capture: cfg.CaptureContent != nil && *cfg.CaptureContent, maxContent: cfg.MaxContentBytes}
}

func (p *Plugin) Name() string { return "tracing" }

// PreHook chooses the trace and server span ids and hands the traceparent to the upstream.
func (p *Plugin) PreHook(_ context.Context, c *gateway.Call) (*gateway.Reply, error) {
	var traceID trace.TraceID
	var sampled bool
	if parent, ok := telemetry.ParseTraceParent(c.Trace.TraceParent); ok {
		traceID, sampled = parent.TraceID, parent.Sampled
	} else {
		traceID = p.t.IDs().TraceID()
		sampled = p.t.Sampled(traceID)
	}
	spanID := p.t.IDs().SpanID()
	c.TraceID, c.SpanID = traceID.String(), spanID.String()
	c.UpstreamHeaders = append(c.UpstreamHeaders, [2]string{"traceparent", telemetry.FormatTraceParent(traceID, spanID, sampled)})
	if c.Trace.TraceState != "" {
		c.UpstreamHeaders = append(c.UpstreamHeaders, [2]string{"tracestate", c.Trace.TraceState})
	}
	return nil, nil
}

// PostHook builds and ends the request's spans. Export happens in the background.
func (p *Plugin) PostHook(_ context.Context, c *gateway.Call) error {
	traceID, err1 := trace.TraceIDFromHex(c.TraceID)
	spanID, err2 := trace.SpanIDFromHex(c.SpanID)
	if err1 != nil || err2 != nil {
		return nil // PreHook did not run for this call
	}
	ctx := context.Background()
	if parent, ok := telemetry.ParseTraceParent(c.Trace.TraceParent); ok {
		flags := trace.TraceFlags(0)
		if parent.Sampled {
			flags = trace.FlagsSampled
		}
		ctx = trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: parent.TraceID, SpanID: parent.SpanID, TraceFlags: flags, Remote: true,
		}))
	}
	tr := p.t.Tracer()
	op := telemetry.OperationName(c.Endpoint)
	model := c.RequestedModel
	if model == "" {
		model = c.Model
	}
	end := c.Start.Add(c.Duration)
	sctx, server := tr.Start(telemetry.WithSpanID(ctx, traceID, spanID), op+" "+model,
		trace.WithTimestamp(c.Start), trace.WithSpanKind(trace.SpanKindServer))
	if !server.IsRecording() {
		server.End(trace.WithTimestamp(end))
		return nil
	}
	shared := traceAttributes(c)
	server.SetAttributes(shared...)
	server.SetAttributes(p.generationAttributes(c, op)...)
	if c.Err != nil {
		server.SetStatus(codes.Error, c.Err.Message)
	}

	if c.Cache.Status != "" && c.Cache.LookupDuration > 0 {
		lookupStart := c.Start
		_, cs := tr.Start(sctx, "cache lookup", trace.WithTimestamp(lookupStart), trace.WithSpanKind(trace.SpanKindInternal))
		cs.SetAttributes(shared...)
		cs.SetAttributes(
			attribute.String("langfuse.observation.type", "span"),
			attribute.String("muninn.cache.status", c.Cache.Status),
		)
		if c.Cache.Reason != "" {
			cs.SetAttributes(attribute.String("muninn.cache.reason", c.Cache.Reason))
		}
		if c.Cache.Status == "hit-semantic" {
			cs.SetAttributes(attribute.Float64("muninn.cache.similarity", float64(c.Cache.Similarity)))
		}
		if c.Cache.EmbedDuration > 0 {
			ectx := trace.ContextWithSpan(sctx, cs)
			_, es := tr.Start(ectx, "embeddings", trace.WithTimestamp(lookupStart), trace.WithSpanKind(trace.SpanKindInternal))
			es.SetAttributes(shared...)
			es.SetAttributes(
				attribute.String("langfuse.observation.type", "span"),
				attribute.String("gen_ai.operation.name", "embeddings"),
			)
			es.End(trace.WithTimestamp(lookupStart.Add(c.Cache.EmbedDuration)))
		}
		cs.End(trace.WithTimestamp(lookupStart.Add(c.Cache.LookupDuration)))
	}

	for i := range c.Attempts {
		a := &c.Attempts[i]
		_, as := tr.Start(sctx, op+" "+a.Model, trace.WithTimestamp(a.Start), trace.WithSpanKind(trace.SpanKindClient))
		as.SetAttributes(shared...)
		as.SetAttributes(
			attribute.String("langfuse.observation.type", "span"),
			attribute.String("gen_ai.operation.name", op),
			attribute.String("gen_ai.provider.name", telemetry.ProviderName(a.Provider)),
			attribute.String("gen_ai.request.model", a.Model),
			attribute.String("muninn.provider", a.Provider),
			attribute.String("muninn.key_name", a.KeyName),
			attribute.Int("muninn.attempt", i+1),
			attribute.Bool("muninn.fallback", a.Fallback),
		)
		if a.Status != 0 {
			as.SetAttributes(attribute.Int("http.response.status_code", a.Status))
		}
		if a.ErrorType != "" {
			as.SetAttributes(attribute.String("error.type", a.ErrorType))
			as.SetStatus(codes.Error, a.ErrorType)
		}
		as.End(trace.WithTimestamp(a.Start.Add(a.Duration)))
	}
	server.End(trace.WithTimestamp(end))
	return nil
}

// completionStart is when the first byte of the answer left, for Langfuse's time to
// first token.
func completionStart(c *gateway.Call) string {
	if c.FirstByte <= 0 {
		return ""
	}
	return c.Start.Add(c.FirstByte).UTC().Format(time.RFC3339Nano)
}

var (
	_ gateway.PreHooker  = (*Plugin)(nil)
	_ gateway.PostHooker = (*Plugin)(nil)
)
