package tracing_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	"github.com/muninn-gw/muninn/gateway/plugins/semcache"
	"github.com/muninn-gw/muninn/gateway/plugins/tracing"
	"github.com/muninn-gw/muninn/telemetry"
	"github.com/muninn-gw/muninn/telemetry/otlptest"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

const callerTrace = "0af7651916cd43dd8448eb211c80319c"

// e2e is a real gateway on loopback with the tracing plugin and the semantic cache, in
// front of a scripted provider, exporting to a receiver that plays Langfuse.
type e2e struct {
	gw   *gatewaytest.Gateway
	fake *gatewaytest.Fake
	tr   *telemetry.Tracing
	rcv  *otlptest.Receiver
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	rcv := otlptest.Start()
	t.Cleanup(rcv.Close)
	cfg, err := telemetry.DecodeTraces([]byte(`{"endpoint":"` + rcv.URL() + `/api/public/otel/v1/traces",
		"langfuse":{"public_key":"pk-lf-e2e","secret_key":"sk-lf-e2e"},"batch_interval":"20ms"}`))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := telemetry.NewTracing(cfg, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	emb, err := uselite.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(memory.Config{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := cache.New(cache.Config{}, cache.Options{Store: st, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	sc := semcache.New(c, semcache.Options{})
	fake := gatewaytest.NewFake("fake", "m1", "m2")
	gcfg := &gateway.Config{
		Providers: map[string]*gateway.ProviderConfig{"fake": {Type: "fake", Models: []string{"m1", "m2"}}},
		Fallbacks: map[string][]string{"fake/m1": {"fake/m2"}},
	}
	one := 0
	gcfg.Retries.Max = &one
	gw := gatewaytest.Start(t, gcfg, gateway.Options{Plugins: []gateway.Plugin{tracing.New(tr), sc}}, fake)
	t.Cleanup(func() {
		gw.Close()
		_ = sc.Close(context.Background())
		_ = st.Close()
		_ = tr.Shutdown(context.Background())
	})
	return &e2e{gw: gw, fake: fake, tr: tr, rcv: rcv}
}

func (e *e2e) post(t *testing.T, body string, spanID string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.gw.URL+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+callerTrace+"-"+spanID+"-01")
	req.Header.Set("x-muninn-user", "u-1")
	req.Header.Set("x-muninn-session", "s-1")
	resp, err := gatewaytest.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// serverSpan waits for the server span under the caller's span spanID.
func (e *e2e) serverSpan(t *testing.T, spanID string) (otlptest.Span, []otlptest.Span) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_ = e.tr.Flush(context.Background())
		spans := e.rcv.Spans()
		for _, s := range spans {
			if s.Kind == "Server" && s.ParentSpanID == spanID {
				var children []otlptest.Span
				for _, c := range spans {
					if c.ParentSpanID == s.SpanID {
						children = append(children, c)
					}
				}
				return s, children
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no server span under caller span %s", spanID)
	return otlptest.Span{}, nil
}

func attr(t *testing.T, s otlptest.Span, key string, want any) {
	t.Helper()
	if got := s.Attrs[key]; got != want {
		t.Errorf("%s: %s = %#v, want %#v", s.Name, key, got, want)
	}
}

func kinds(spans []otlptest.Span, kind string) int {
	n := 0
	for _, s := range spans {
		if s.Kind == kind {
			n++
		}
	}
	return n
}

// What the gateway exports for a miss, a semantic hit, a stream, a fallback and an error,
// decoded from OTLP/HTTP protobuf (gzip) as Langfuse would receive it.
func TestGatewayExportsTraces(t *testing.T) {
	e := newE2E(t)
	ask := func(q string, extra string) string {
		return `{"model":"fake/m1","messages":[{"role":"user","content":"` + q + `"}]` + extra + `}`
	}

	// Miss: a generation with usage, one attempt, the caller's trace kept, and the
	// upstream called with a traceparent naming the gateway's span.
	if code, h, _ := e.post(t, ask("What is the capital of France?", ""), "1111111111111111"); code != 200 || h.Get("x-muninn-cache") != "miss" {
		t.Fatalf("miss: %d %v", code, h)
	}
	miss, children := e.serverSpan(t, "1111111111111111")
	if miss.TraceID != callerTrace || miss.Name != "chat fake/m1" {
		t.Fatalf("miss span %s in trace %s", miss.Name, miss.TraceID)
	}
	attr(t, miss, "langfuse.observation.type", "generation")
	attr(t, miss, "gen_ai.operation.name", "chat")
	attr(t, miss, "gen_ai.request.model", "fake/m1")
	attr(t, miss, "user.id", "u-1")
	attr(t, miss, "session.id", "s-1")
	attr(t, miss, "muninn.cache.status", "miss")
	if _, ok := miss.Attrs["gen_ai.usage.input_tokens"]; !ok {
		t.Errorf("miss has no usage: %v", miss.Attrs)
	}
	if kinds(children, "Client") != 1 {
		t.Errorf("miss: %d attempt spans", kinds(children, "Client"))
	}
	calls := e.fake.Calls()
	var tp string
	for _, h := range calls[len(calls)-1].Headers {
		if h[0] == "traceparent" {
			tp = h[1]
		}
	}
	if tp != "00-"+callerTrace+"-"+miss.SpanID+"-01" {
		t.Errorf("upstream traceparent %q, want the gateway span %s", tp, miss.SpanID)
	}

	// Semantic hit: no attempt, a cache lookup span with its embedding, cost total 0.
	var hitH http.Header
	for i := 0; i < 50; i++ {
		_, hitH, _ = e.post(t, ask("What's the capital of France?", ""), "2222222222222222")
		if hitH.Get("x-muninn-cache") == "hit-semantic" {
			break
		}
		time.Sleep(20 * time.Millisecond) // the first entry is stored after its answer
	}
	if hitH.Get("x-muninn-cache") != "hit-semantic" {
		t.Fatalf("no semantic hit: %v", hitH)
	}
	var hit otlptest.Span
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s, ch := e.serverSpan(t, "2222222222222222")
		if s.Attrs["muninn.cache.status"] == "hit-semantic" {
			hit, children = s, ch
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	attr(t, hit, "langfuse.observation.cost_details", `{"total":0}`)
	attr(t, hit, "gen_ai.provider.name", "fake")
	if _, ok := hit.Attrs["muninn.cache.similarity"]; !ok {
		t.Errorf("hit without similarity: %v", hit.Attrs)
	}
	if kinds(children, "Client") != 0 || kinds(children, "Internal") != 1 {
		t.Errorf("hit children: %+v", children)
	}

	// Stream: time to first chunk on the generation.
	if code, _, body := e.post(t, ask("Tell me a joke", `,"stream":true`), "3333333333333333"); code != 200 || !strings.Contains(body, "[DONE]") {
		t.Fatalf("stream: %d %s", code, body)
	}
	stream, _ := e.serverSpan(t, "3333333333333333")
	attr(t, stream, "gen_ai.request.stream", true)
	if _, ok := stream.Attrs["langfuse.observation.completion_start_time"]; !ok {
		t.Errorf("stream without completion start time: %v", stream.Attrs)
	}

	// Fallback: m1 fails, m2 answers; two attempt spans, the second marked fallback.
	e.fake.Script(gatewaytest.Step{Model: "m1", Err: &api.Error{Status: 502, Type: api.ErrUpstream, Message: "boom", UpstreamStatus: 500}})
	if code, h, body := e.post(t, ask("Fallback please", ""), "4444444444444444"); code != 200 || h.Get("x-muninn-attempts") != "2" {
		t.Fatalf("fallback: %d %v %s", code, h, body)
	}
	fb, children := e.serverSpan(t, "4444444444444444")
	attr(t, fb, "muninn.attempts", int64(2))
	var sawFallback bool
	for _, c := range children {
		if c.Kind == "Client" && c.Attrs["muninn.fallback"] == true && c.Attrs["gen_ai.request.model"] == "m2" {
			sawFallback = true
		}
	}
	if !sawFallback || kinds(children, "Client") != 2 {
		t.Errorf("fallback attempts: %+v", children)
	}

	// Error: both fail; the generation is an ERROR with the stable type.
	e.fake.Script(gatewaytest.Step{Model: "m1", Err: &api.Error{Status: 502, Type: api.ErrUpstream, Message: "boom", UpstreamStatus: 500}},
		gatewaytest.Step{Model: "m2", Err: &api.Error{Status: 502, Type: api.ErrUpstream, Message: "boom again", UpstreamStatus: 503}})
	if code, _, _ := e.post(t, ask("This fails", ""), "5555555555555555"); code != 502 {
		t.Fatalf("error: status %d", code)
	}
	failed, _ := e.serverSpan(t, "5555555555555555")
	if failed.StatusCode != "Error" {
		t.Errorf("error span status %s", failed.StatusCode)
	}
	attr(t, failed, "error.type", "upstream_error")
	attr(t, failed, "langfuse.observation.level", "ERROR")

	for _, r := range e.rcv.Requests() {
		if r.Path != "/api/public/otel/v1/traces" || !r.Gzipped || !strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") {
			t.Errorf("export request %s gzip=%v auth=%q", r.Path, r.Gzipped, r.Header.Get("Authorization"))
		}
	}
}
