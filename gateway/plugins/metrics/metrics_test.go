package metrics

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/telemetry"
)

func scrape(t *testing.T, m *telemetry.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestPostHookRecordsCall(t *testing.T) {
	m := telemetry.NewMetrics(telemetry.MetricsConfig{})
	p := New(m)
	calls := []*gateway.Call{
		{Endpoint: "chat", Provider: "openai", Model: "gpt-4o", Status: 200, Duration: time.Second,
			Usage: &api.Usage{PromptTokens: 10, CompletionTokens: 4, TotalTokens: 14,
				CompletionTokensDetails: &api.CompletionTokensDetails{ReasoningTokens: 2}},
			Cost:     gateway.CostInfo{NanoUSD: 1000, Known: true},
			Cache:    gateway.CacheInfo{Status: "miss", LookupDuration: time.Millisecond, EmbedDuration: 500 * time.Microsecond},
			Attempts: []gateway.Attempt{{Provider: "openai", Model: "gpt-4o", Duration: 900 * time.Millisecond, Status: 200}}},
		{Endpoint: "chat", Provider: "openai", Model: "gpt-4o", Status: 200, Duration: time.Millisecond,
			Cache: gateway.CacheInfo{Status: "hit-exact", SavedLatency: time.Second},
			Cost:  gateway.CostInfo{Known: true, SavedNanoUSD: 1000}},
		{Endpoint: "chat", Status: 404, Err: &api.Error{Type: api.ErrModelNotFound}},
		{Endpoint: "chat", Provider: "openai", Model: "gpt-4o", Status: 200,
			Cache: gateway.CacheInfo{Status: "bypass", Reason: "Free Text From Somewhere!"}},
	}
	for _, c := range calls {
		if _, err := p.PreHook(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if err := p.PostHook(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	body := scrape(t, m)
	for _, want := range []string{
		`muninn_requests_total{cache="miss",endpoint="chat",model="gpt-4o",provider="openai",status_class="2xx"} 1`,
		`muninn_requests_total{cache="none",endpoint="chat",model="none",provider="none",status_class="4xx"} 1`,
		`muninn_cache_lookups_total{result="hit",tier="exact"} 1`,
		`muninn_cache_saved_seconds_total{tier="exact"} 1`,
		`muninn_cache_bypass_total{reason="other"} 1`,
		`muninn_errors_total{endpoint="chat",error_type="model_not_found"} 1`,
		`muninn_tokens_total{kind="reasoning",model="gpt-4o",provider="openai"} 2`,
		`muninn_upstream_attempts_total{fallback="false",model="gpt-4o",outcome="success",provider="openai"} 1`,
		`muninn_embedding_duration_seconds_count 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
}

func TestBoundedReason(t *testing.T) {
	for in, want := range map[string]string{"": "", "temperature": "temperature", "near_miss:number": "near_miss:number",
		"Some User Text": "other", strings.Repeat("a", 50): "other", "tool_calls": "tool_calls"} {
		if got := boundedReason(in); got != want {
			t.Errorf("boundedReason(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkPostHook(b *testing.B) {
	p := New(telemetry.NewMetrics(telemetry.MetricsConfig{}))
	c := &gateway.Call{Endpoint: "chat", Provider: "openai", Model: "gpt-4o", Status: 200, Duration: time.Second,
		Usage:    &api.Usage{PromptTokens: 10, CompletionTokens: 4, TotalTokens: 14},
		Cost:     gateway.CostInfo{NanoUSD: 1000, Known: true},
		Cache:    gateway.CacheInfo{Status: "miss"},
		Attempts: []gateway.Attempt{{Provider: "openai", Model: "gpt-4o", Duration: time.Second}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = p.PostHook(context.Background(), c)
	}
}
