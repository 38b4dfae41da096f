package logstoretest

import (
	"fmt"
	"time"

	"github.com/muninn-gw/muninn/logstore"
)

// FixtureStart is the time of the first fixture record: two hours before a month
// boundary, so month partitions are exercised.
var FixtureStart = time.Date(2026, 2, 28, 22, 0, 0, 0, time.UTC)

// Fixture returns n deterministic records spread over four hours from FixtureStart, with
// every field set on some of them. Durations are whole microseconds (the stored
// precision). Two records share a request id (a client reusing x-request-id).
func Fixture(n int) []logstore.Record {
	tenants := []string{"acme", "globex", ""}
	models := []struct{ provider, model string }{
		{"openai", "gpt-4o-mini"}, {"openai", "gpt-4o"}, {"anthropic", "claude-sonnet-4"},
	}
	caches := []string{logstore.CacheMiss, logstore.CacheHitExact, logstore.CacheHitSemantic, logstore.CacheBypass, ""}
	seed := uint64(0x9e3779b97f4a7c15)
	rnd := func(m int) int {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(m))
	}
	span := int64(4 * time.Hour / time.Millisecond)
	out := make([]logstore.Record, n)
	for i := range out {
		m := models[rnd(len(models))]
		r := logstore.Record{
			RequestID:      fmt.Sprintf("req-%05d", i),
			TimeMs:         FixtureStart.UnixMilli() + int64(i)*span/int64(n) + int64(rnd(997)),
			Duration:       time.Duration(1000+rnd(2_000_000)) * time.Microsecond,
			TTFB:           time.Duration(100+rnd(500_000)) * time.Microsecond,
			Endpoint:       "chat",
			Tenant:         tenants[rnd(len(tenants))],
			Provider:       m.provider,
			RequestedModel: m.model,
			Model:          m.model + "-2025",
			KeyName:        fmt.Sprintf("key-%d", rnd(3)),
			Status:         200,
			Stream:         rnd(2) == 0,
			CacheStatus:    caches[rnd(len(caches))],
			TraceID:        fmt.Sprintf("%032x", i+1),
			SpanID:         fmt.Sprintf("%016x", i+1),
			RequestBody:    fmt.Sprintf(`{"model":%q,"messages":[{"role":"user","content":"question %d about topic-%d"}]}`, m.model, i, rnd(10)),
		}
		switch rnd(10) {
		case 0:
			r.Status, r.ErrorType, r.ErrorMessage = 429, "rate_limit_error", "upstream rate limited"
		case 1:
			r.Status, r.ErrorType, r.ErrorMessage = 502, "upstream_error", "connection reset"
		}
		if r.Status == 200 {
			r.PromptTokens = int64(10 + rnd(5000))
			r.CompletionTokens = int64(1 + rnd(800))
			r.CachedTokens = int64(rnd(int(r.PromptTokens)))
			r.CacheWriteTokens = int64(rnd(100))
			r.ReasoningTokens = int64(rnd(50))
			r.ResponseBody = fmt.Sprintf(`{"choices":[{"message":{"content":"answer %d, keyword-%d"}}]}`, i, rnd(7))
			if rnd(6) == 0 {
				r.CostUnknown = true
			} else {
				r.CostNanoUSD = int64(rnd(50_000_000))
			}
		}
		if rnd(3) == 0 {
			r.User, r.Session = fmt.Sprintf("user-%d", rnd(5)), fmt.Sprintf("sess-%d", rnd(9))
			r.Tags = []string{"team-a", fmt.Sprintf("t%d", rnd(3))}
			r.Metadata = map[string]string{"env": "prod", "feature": fmt.Sprintf("f%d", rnd(4))}
		}
		if rnd(4) == 0 {
			r.Attempts = []logstore.Attempt{
				{Provider: "openai", Model: "gpt-4o", KeyName: "key-1", StartMs: r.TimeMs, Duration: 120 * time.Millisecond, Status: 503, ErrorType: "upstream_error"},
				{Provider: m.provider, Model: r.Model, KeyName: r.KeyName, StartMs: r.TimeMs + 121, Duration: 80 * time.Millisecond, Status: 200, Fallback: true},
			}
		}
		switch r.CacheStatus {
		case logstore.CacheHitExact, logstore.CacheHitSemantic:
			r.CacheEntryID = fmt.Sprintf("entry-%d", rnd(50))
			r.SavedCostNanoUSD = int64(rnd(9_000_000))
			r.SavedLatency = time.Duration(rnd(3_000_000)) * time.Microsecond
			if r.CacheStatus == logstore.CacheHitSemantic {
				r.Similarity = float32(900+rnd(100)) / 1024
			}
		case logstore.CacheMiss:
			r.CacheEntryID = fmt.Sprintf("entry-%d", rnd(50))
		}
		if i%97 == 13 {
			r.RequestTruncated = true
		}
		out[i] = r
	}
	if n > 3 {
		out[n-1].RequestID = out[1].RequestID // reused x-request-id, different time
	}
	return out
}
