package telemetry

import (
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/testenv"
)

func sampleRequests() []Request {
	return []Request{
		{Endpoint: "chat", Provider: "openai", Model: "gpt-4o-mini", Status: 200, Duration: 800 * time.Millisecond,
			Operation: "chat", ProviderName: "openai", HasUsage: true, InputTokens: 120, OutputTokens: 30,
			CachedTokens: 64, ReasoningTokens: 5, CostKnown: true, CostNanoUSD: 36000, Cache: "miss",
			LookupDuration: 2 * time.Millisecond, EmbedDuration: time.Millisecond,
			Attempts: []Attempt{{Provider: "openai", Model: "gpt-4o-mini", Duration: 790 * time.Millisecond}}},
		{Endpoint: "chat", Provider: "openai", Model: "gpt-4o-mini", Status: 200, Duration: time.Millisecond,
			Cache: "hit", CacheTier: "semantic", Similarity: 0.93, SavedNanoUSD: 36000, SavedLatency: 800 * time.Millisecond,
			LookupDuration: 2 * time.Millisecond, EmbedDuration: time.Millisecond, Operation: "chat"},
		{Endpoint: "chat", Provider: "anthropic", Model: "claude-sonnet-4", Status: 502, ErrorType: "upstream_error",
			Duration: 2 * time.Second, Operation: "chat", ProviderName: "anthropic", Cache: "bypass", CacheReason: "temperature",
			Attempts: []Attempt{{Provider: "anthropic", Model: "claude-sonnet-4", ErrorType: "upstream_error", Duration: time.Second},
				{Provider: "openai", Model: "gpt-4o", ErrorType: "upstream_error", Duration: time.Second, Fallback: true}}},
		{Endpoint: "chat", Provider: "vllm", Model: "llama", Status: 200, Stream: true, FirstChunk: 40 * time.Millisecond,
			Duration: 400 * time.Millisecond, Operation: "chat", ProviderName: "vllm", HasUsage: true, InputTokens: 10, OutputTokens: 20},
		{Endpoint: "embeddings", Provider: "muninn", Model: "use-lite", Status: 200, Duration: 5 * time.Millisecond, Operation: "embeddings"},
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape status %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestExpositionPassesPromtool(t *testing.T) {
	promtool := testenv.Require(t, testenv.Promtool)
	m := NewMetrics(MetricsConfig{TenantLabel: true})
	tr := newTestTracing(t, `{"endpoint":"http://127.0.0.1:1/v1/traces"}`)
	if err := m.RegisterFuncs(append(TracingGauges(tr),
		Gauge{Name: "muninn_log_queue_depth", Help: "Records waiting in the log queue.", Value: func() float64 { return 3 }})...); err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleRequests() {
		r.Tenant = "team-a"
		m.Observe(&r)
	}
	body := scrape(t, m)
	for _, want := range []string{
		`muninn_requests_total{cache="miss",endpoint="chat",model="gpt-4o-mini",provider="openai",status_class="2xx",tenant="team-a"} 1`,
		`muninn_cache_lookups_total{result="hit",tier="semantic"} 1`,
		`muninn_cache_bypass_total{reason="temperature"} 1`,
		`muninn_errors_total{endpoint="chat",error_type="upstream_error"} 1`,
		`muninn_upstream_attempts_total{fallback="true",model="gpt-4o",outcome="upstream_error",provider="openai"} 1`,
		`muninn_tokens_total{kind="cached_input",model="gpt-4o-mini",provider="openai"} 64`,
		`muninn_cost_usd_total{model="gpt-4o-mini",provider="openai",tenant="team-a"} 3.6e-05`,
		`muninn_cost_unknown_total{model="llama",provider="vllm"} 1`,
		`muninn_cache_saved_usd_total{tier="semantic"} 3.6e-05`,
		`gen_ai_client_token_usage_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input",le="256"} 1`,
		`gen_ai_client_operation_time_to_first_chunk_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="vllm",gen_ai_request_model="llama"} 1`,
		`muninn_log_queue_depth 3`,
		`muninn_trace_export_failures_total 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out.String())
	}
}

func seriesCount(body string) int {
	n := 0
	for _, line := range strings.Split(body, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "go_") && !strings.HasPrefix(line, "process_") {
			n++
		}
	}
	return n
}

// Users, sessions, request ids and prompts never become labels: the series count after
// 2,000 requests from 2,000 users equals the count after 5.
func TestCardinalityStaysFlat(t *testing.T) {
	m := NewMetrics(MetricsConfig{})
	for _, r := range sampleRequests() {
		m.Observe(&r)
	}
	before := seriesCount(scrape(t, m))
	for i := 0; i < 2000; i++ {
		for _, r := range sampleRequests() {
			r.Tenant = fmt.Sprintf("user-%d", i) // tenant label is off: must not appear
			m.Observe(&r)
		}
	}
	after := seriesCount(scrape(t, m))
	if after != before {
		t.Fatalf("series grew from %d to %d", before, after)
	}
	if before > 1000 { // histogram buckets count as series: ~16 per histogram
		t.Fatalf("%d series for 5 kinds of request", before)
	}
}

func TestNilMetricsIsInert(t *testing.T) {
	var m *Metrics
	m.Observe(&Request{Endpoint: "chat"})
	if err := m.RegisterFuncs(Gauge{Name: "x", Value: func() float64 { return 1 }}); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkObserve(b *testing.B) {
	m := NewMetrics(MetricsConfig{})
	reqs := sampleRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Observe(&reqs[i%len(reqs)])
	}
}
