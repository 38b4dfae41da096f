package tracing

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/telemetry"
	"github.com/muninn-gw/muninn/telemetry/otlptest"
)

const clientTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func setup(t *testing.T, extra string) (*Plugin, *telemetry.Tracing, *otlptest.Receiver) {
	t.Helper()
	rcv := otlptest.Start()
	t.Cleanup(rcv.Close)
	cfg, err := telemetry.DecodeTraces([]byte(`{"endpoint":"` + rcv.URL() + `/api/public/otel/v1/traces",
		"langfuse":{"public_key":"pk-lf-1","secret_key":"sk-lf-1"},"batch_interval":"20ms"` + extra + `}`))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := telemetry.NewTracing(cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return New(tr), tr, rcv
}

func ptr[T any](v T) *T { return &v }

func baseCall(start time.Time) *gateway.Call {
	c := &gateway.Call{
		ID: "req-1", Endpoint: gateway.EndpointChat, Start: start, Tenant: "team-a",
		RequestedModel: "gpt-4o-mini", Provider: "openai", Model: "gpt-4o-mini", KeyName: "main",
		Request: &api.ChatRequest{
			Model:       "gpt-4o-mini",
			Temperature: ptr(0.0), MaxTokens: ptr(128), TopP: ptr(0.9),
			Messages: []api.Message{
				{Role: "system", Content: api.TextContent("Be brief.")},
				{Role: "user", Content: api.TextContent("What is the capital of France?")},
			},
		},
		Status: 200, Duration: 300 * time.Millisecond,
		Usage: &api.Usage{PromptTokens: 20, CompletionTokens: 5, TotalTokens: 25,
			PromptTokensDetails: &api.PromptTokensDetails{CachedTokens: 8}},
		Response: &api.ChatResponse{ID: "chatcmpl-1", Model: "gpt-4o-mini-2024-07-18", Choices: []api.Choice{
			{Message: api.Message{Role: "assistant", Content: api.TextContent("Paris.")}, FinishReason: "stop"}}},
		Attempts: []gateway.Attempt{{Provider: "openai", Model: "gpt-4o-mini", KeyName: "main",
			Start: start.Add(5 * time.Millisecond), Duration: 290 * time.Millisecond, Status: 200}},
		Cost:  gateway.CostInfo{NanoUSD: 6000, Known: true},
		Cache: gateway.CacheInfo{Status: "miss", LookupDuration: 3 * time.Millisecond, EmbedDuration: 2 * time.Millisecond},
	}
	c.SetRequestHeaders(map[string]string{
		"traceparent": clientTraceParent, "x-muninn-user": "alice", "x-muninn-session": "s-42",
		"x-muninn-tags": "checkout, beta", "x-muninn-metadata-feature": "faq",
		"authorization": "Bearer gw-secret-key",
	})
	c.Trace.TraceParent = clientTraceParent
	return c
}

func run(t *testing.T, p *Plugin, c *gateway.Call) {
	t.Helper()
	if r, err := p.PreHook(context.Background(), c); r != nil || err != nil {
		t.Fatalf("PreHook = %v, %v", r, err)
	}
	if err := p.PostHook(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func byName(spans []otlptest.Span, kind string) []otlptest.Span {
	var out []otlptest.Span
	for _, s := range spans {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

func jsonAttr(t *testing.T, s otlptest.Span, key string) map[string]float64 {
	t.Helper()
	raw, ok := s.Attrs[key].(string)
	if !ok {
		t.Fatalf("%s missing on %s: %v", key, s.Name, s.Attrs)
	}
	var m map[string]float64
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("%s = %q: %v", key, raw, err)
	}
	return m
}

func wantAttrs(t *testing.T, s otlptest.Span, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := s.Attrs[k]
		if !ok {
			t.Errorf("%s: attribute %s missing", s.Name, k)
			continue
		}
		if gs, ok := got.([]any); ok {
			ws := v.([]string)
			if len(gs) != len(ws) {
				t.Errorf("%s: %s = %v, want %v", s.Name, k, got, v)
				continue
			}
			for i := range ws {
				if gs[i] != ws[i] {
					t.Errorf("%s: %s = %v, want %v", s.Name, k, got, v)
				}
			}
			continue
		}
		if got != v {
			t.Errorf("%s: %s = %#v, want %#v", s.Name, k, got, v)
		}
	}
}

func TestMissTrace(t *testing.T) {
	p, tr, rcv := setup(t, "")
	c := baseCall(time.Now())
	run(t, p, c)
	// The upstream gets a traceparent naming the gateway's server span, in the caller's trace.
	var tp string
	for _, h := range c.UpstreamHeaders {
		if h[0] == "traceparent" {
			tp = h[1]
		}
	}
	if tp != "00-4bf92f3577b34da6a3ce929d0e0e4736-"+c.SpanID+"-01" || c.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("upstream traceparent %q, call ids %s/%s", tp, c.TraceID, c.SpanID)
	}
	_ = tr.Flush(context.Background())
	spans := rcv.WaitSpans(4, 5*time.Second)
	if len(spans) != 4 {
		t.Fatalf("got %d spans: %+v", len(spans), spans)
	}
	server := byName(spans, "Server")[0]
	if server.Name != "chat gpt-4o-mini" || server.TraceID != c.TraceID || server.SpanID != c.SpanID ||
		server.ParentSpanID != "00f067aa0ba902b7" {
		t.Fatalf("server span %+v", server)
	}
	wantAttrs(t, server, map[string]any{
		"gen_ai.operation.name":                      "chat",
		"gen_ai.provider.name":                       "openai",
		"gen_ai.request.model":                       "gpt-4o-mini",
		"gen_ai.request.temperature":                 0.0,
		"gen_ai.request.top_p":                       0.9,
		"gen_ai.request.max_tokens":                  int64(128),
		"gen_ai.response.id":                         "chatcmpl-1",
		"gen_ai.response.model":                      "gpt-4o-mini-2024-07-18",
		"gen_ai.response.finish_reasons":             []string{"stop"},
		"gen_ai.usage.input_tokens":                  int64(20),
		"gen_ai.usage.output_tokens":                 int64(5),
		"gen_ai.usage.cache_read.input_tokens":       int64(8),
		"langfuse.observation.type":                  "generation",
		"langfuse.observation.model.name":            "gpt-4o-mini",
		"langfuse.trace.name":                        "muninn chat",
		"user.id":                                    "alice",
		"session.id":                                 "s-42",
		"langfuse.trace.tags":                        []string{"checkout", "beta", "cache:miss"},
		"langfuse.trace.metadata.tenant":             "team-a",
		"langfuse.trace.metadata.feature":            "faq",
		"langfuse.observation.metadata.cache_status": "miss",
		"muninn.attempts":                            int64(1),
	})
	usage := jsonAttr(t, server, "langfuse.observation.usage_details")
	if usage["input"] != 12 || usage["input_cached_tokens"] != 8 || usage["output"] != 5 || usage["total"] != 25 {
		t.Errorf("usage_details %v (input must be the uncached part)", usage)
	}
	if cost := jsonAttr(t, server, "langfuse.observation.cost_details"); cost["total"] != 0.000006 {
		t.Errorf("cost_details %v", cost)
	}
	params := jsonAttr(t, server, "langfuse.observation.model.parameters")
	if params["max_tokens"] != 128 || params["temperature"] != 0 {
		t.Errorf("model.parameters %v", params)
	}
	if in, _ := server.Attrs["langfuse.observation.input"].(string); !strings.Contains(in, "capital of France") {
		t.Errorf("input %q", in)
	}
	if out, _ := server.Attrs["langfuse.observation.output"].(string); !strings.Contains(out, "Paris.") {
		t.Errorf("output %q", out)
	}
	client := byName(spans, "Client")
	if len(client) != 1 || client[0].ParentSpanID != c.SpanID || client[0].Attrs["langfuse.observation.type"] != "span" {
		t.Fatalf("attempt span %+v", client)
	}
	internal := byName(spans, "Internal")
	if len(internal) != 2 {
		t.Fatalf("want cache lookup and embeddings spans, got %+v", internal)
	}
	for _, s := range spans {
		if s.Attrs["user.id"] != "alice" || s.Attrs["session.id"] != "s-42" {
			t.Errorf("%s lacks trace-wide user/session attributes", s.Name)
		}
		for k, v := range s.Attrs {
			if str, ok := v.(string); ok && strings.Contains(str, "gw-secret-key") {
				t.Errorf("%s: %s carries the gateway key", s.Name, k)
			}
		}
	}
	if !server.End.After(server.Start) || server.End.Sub(server.Start) != c.Duration {
		t.Errorf("server span timing %v..%v", server.Start, server.End)
	}
}

func TestSemanticHitTrace(t *testing.T) {
	p, tr, rcv := setup(t, "")
	c := baseCall(time.Now())
	c.Attempts = nil
	c.Cost = gateway.CostInfo{NanoUSD: 0, Known: true, SavedNanoUSD: 6000}
	c.Cache = gateway.CacheInfo{Status: "hit-semantic", Similarity: 0.9312, EntryID: "e-7",
		SavedLatency: 800 * time.Millisecond, LookupDuration: 3 * time.Millisecond, EmbedDuration: 2 * time.Millisecond}
	run(t, p, c)
	_ = tr.Flush(context.Background())
	spans := rcv.WaitSpans(3, 5*time.Second)
	server := byName(spans, "Server")[0]
	wantAttrs(t, server, map[string]any{
		"muninn.cache.status":                          "hit-semantic",
		"muninn.cache.entry_id":                        "e-7",
		"langfuse.observation.metadata.similarity":     "0.9312",
		"langfuse.observation.metadata.saved_cost_usd": "0.000006",
		"langfuse.trace.tags":                          []string{"checkout", "beta", "cache:hit-semantic"},
	})
	if cost := jsonAttr(t, server, "langfuse.observation.cost_details"); cost["total"] != 0 || len(cost) != 1 {
		t.Errorf("a hit must report cost total 0, got %v", cost)
	}
	if len(byName(spans, "Client")) != 0 {
		t.Error("a hit made no upstream attempt")
	}
}

func TestStreamTrace(t *testing.T) {
	p, tr, rcv := setup(t, "")
	c := baseCall(time.Now())
	c.Stream, c.FirstByte = true, 40*time.Millisecond
	run(t, p, c)
	_ = tr.Flush(context.Background())
	server := byName(rcv.WaitSpans(4, 5*time.Second), "Server")[0]
	wantAttrs(t, server, map[string]any{
		"gen_ai.request.stream":                      true,
		"gen_ai.response.time_to_first_chunk":        0.04,
		"langfuse.observation.completion_start_time": c.Start.Add(40 * time.Millisecond).UTC().Format(time.RFC3339Nano),
	})
}

func TestFallbackAndErrorTrace(t *testing.T) {
	p, tr, rcv := setup(t, "")
	c := baseCall(time.Now())
	c.Cache = gateway.CacheInfo{}
	c.Response, c.Usage, c.Status = nil, nil, 502
	c.Cost = gateway.CostInfo{}
	c.Err = &api.Error{Status: 502, Type: api.ErrUpstream, Message: "upstream answered 500"}
	c.Attempts = []gateway.Attempt{
		{Provider: "anthropic", Model: "claude-sonnet-4", KeyName: "k1", Start: c.Start, Duration: 100 * time.Millisecond, Status: 529, ErrorType: api.ErrUpstream},
		{Provider: "openai", Model: "gpt-4o", KeyName: "k2", Start: c.Start.Add(110 * time.Millisecond), Duration: 100 * time.Millisecond, Status: 500, ErrorType: api.ErrUpstream, Fallback: true},
	}
	run(t, p, c)
	_ = tr.Flush(context.Background())
	spans := rcv.WaitSpans(3, 5*time.Second)
	server := byName(spans, "Server")[0]
	if server.StatusCode != "Error" {
		t.Errorf("server status %s", server.StatusCode)
	}
	wantAttrs(t, server, map[string]any{
		"error.type":                          "upstream_error",
		"langfuse.observation.level":          "ERROR",
		"langfuse.observation.status_message": "upstream answered 500",
		"muninn.attempts":                     int64(2),
	})
	client := byName(spans, "Client")
	if len(client) != 2 {
		t.Fatalf("%d attempt spans", len(client))
	}
	for _, s := range client {
		if s.StatusCode != "Error" || s.Attrs["error.type"] != "upstream_error" {
			t.Errorf("attempt %s: %v", s.Name, s.Attrs)
		}
	}
	if client[1].Attrs["muninn.fallback"] != true || client[1].Attrs["gen_ai.provider.name"] != "openai" ||
		client[0].Attrs["http.response.status_code"] != int64(529) {
		t.Errorf("attempt attributes %v / %v", client[0].Attrs, client[1].Attrs)
	}
}

// Without a client traceparent a new trace starts; with capture off no content is sent;
// long content is cut.
func TestNewTraceAndContentSwitch(t *testing.T) {
	p, tr, rcv := setup(t, `,"capture_content":false`)
	c := baseCall(time.Now())
	c.Trace.TraceParent = ""
	c.SetRequestHeaders(map[string]string{})
	run(t, p, c)
	_ = tr.Flush(context.Background())
	server := byName(rcv.WaitSpans(4, 5*time.Second), "Server")[0]
	if server.ParentSpanID != "" || server.TraceID == "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("expected a new root trace, got %+v", server)
	}
	if _, ok := server.Attrs["langfuse.observation.input"]; ok {
		t.Error("content captured while switched off")
	}

	p2, _, _ := setup(t, `,"max_content_bytes":40`)
	out := p2.capped(strings.Repeat("é", 100))
	var s string
	if err := json.Unmarshal([]byte(out), &s); err != nil || !strings.HasSuffix(s, "[truncated]") || len(s) > 60 {
		t.Errorf("capped = %q (%v)", out, err)
	}
}

func TestUSD(t *testing.T) {
	for nano, want := range map[int64]string{0: "0", 6000: "0.000006", 1_500_000_000: "1.5", 12: "0.000000012", -5: "-0.000000005"} {
		if got := usd(nano); got != want {
			t.Errorf("usd(%d) = %s, want %s", nano, got, want)
		}
	}
}
