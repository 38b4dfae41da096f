package logging

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/sqlite"
)

// headers is a request's headers, case-insensitive like the gateway's.
type headers [][2]string

func (h headers) Header(name string) string {
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			return kv[1]
		}
	}
	return ""
}

func (h headers) VisitHeaders(fn func(name, value string)) {
	for _, kv := range h {
		fn(kv[0], kv[1])
	}
}

// collect is an Adder that keeps what it is given.
type collect []*logstore.Record

func (c *collect) TryAdd(r *logstore.Record) bool { *c = append(*c, r); return true }

func ptr[T any](v T) *T { return &v }

func sampleCall() (*gateway.Call, headers) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &gateway.Call{
		ID: "req-1", Endpoint: gateway.EndpointChat, Start: start, Tenant: "acme", Stream: true,
		Request: &api.ChatRequest{
			Model: "gpt-4o", Temperature: ptr(0.25), MaxTokens: ptr(300), User: "end-user-9",
			Tools: []api.Tool{{Type: "function", Function: api.ToolFunction{Name: "get_weather"}}},
			Messages: []api.Message{
				{Role: "system", Content: api.TextContent("You are \"terse\".\nAnswer briefly.")},
				{Role: "user", Content: api.Content{IsParts: true, Parts: []api.ContentPart{
					{Type: "text", Text: "What is in this image?"},
					{Type: "image_url", ImageURL: &api.ImageURL{URL: "data:image/png;base64," + strings.Repeat("A", 5000)}},
				}}},
				{Role: "assistant", Content: api.Content{Null: true}, ToolCalls: []api.ToolCall{{ID: "call_1", Type: "function", Function: api.ToolCallFunction{Name: "get_weather", Arguments: `{"city":"Oslo"}`}}}},
				{Role: "tool", ToolCallID: "call_1", Content: api.TextContent("12°C, rain")},
			},
		},
		RequestedModel: "fast", Provider: "openai", Model: "gpt-4o-2024-08-06", KeyName: "openai-main",
		Attempts: []gateway.Attempt{
			{Provider: "groq", Model: "llama", KeyName: "groq-1", Start: start, Duration: 40 * time.Millisecond, Status: 503, ErrorType: api.ErrUpstream},
			{Provider: "openai", Model: "gpt-4o-2024-08-06", KeyName: "openai-main", Start: start.Add(41 * time.Millisecond), Duration: 900 * time.Millisecond, Status: 200, Fallback: true},
		},
		Response: &api.ChatResponse{ID: "chatcmpl-1", Model: "gpt-4o-2024-08-06", Choices: []api.Choice{
			{Index: 0, FinishReason: "stop", Message: api.Message{Role: "assistant", Content: api.TextContent("A cat.")}},
		}},
		Usage: &api.Usage{PromptTokens: 120, CompletionTokens: 3, TotalTokens: 123,
			PromptTokensDetails:     &api.PromptTokensDetails{CachedTokens: 64, CacheCreationTokens: 8},
			CompletionTokensDetails: &api.CompletionTokensDetails{ReasoningTokens: 2}},
		Status: 200, StreamComplete: true, FirstByte: 300 * time.Millisecond, Duration: 950 * time.Millisecond,
		Trace:           gateway.TraceContext{TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
		UpstreamHeaders: [][2]string{{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"}},
		Cache:           gateway.CacheInfo{Status: logstore.CacheMiss, EntryID: "e-77"},
		Cost:            gateway.CostInfo{NanoUSD: 1_234_567, Known: true},
	}
	h := headers{
		{"Authorization", "Bearer sk-secret-gateway-key"},
		{"X-Muninn-User", "alice"}, {"x-muninn-session", "s-42"}, {"x-muninn-tags", "beta, eu ,,checkout"},
		{"X-Muninn-Metadata-Env", "prod"}, {"x-muninn-metadata-api-token", "tok-123"},
	}
	return c, h
}

func TestRecordFromCall(t *testing.T) {
	c, h := sampleCall()
	p := New(&collect{}, Config{Bodies: true, MaxBodyBytes: 4096, RedactMetadata: []string{"API-Token"}})
	var r logstore.Record
	p.fill(&r, c, h)

	want := logstore.Record{
		RequestID: "req-1", TimeMs: c.Start.UnixMilli(), Duration: 950 * time.Millisecond, TTFB: 300 * time.Millisecond,
		Endpoint: "chat", Tenant: "acme", User: "alice", Session: "s-42", Tags: []string{"beta", "eu", "checkout"},
		Metadata: map[string]string{"env": "prod", "api-token": "[REDACTED]"},
		Provider: "openai", RequestedModel: "fast", Model: "gpt-4o-2024-08-06", KeyName: "openai-main", Status: 200,
		Stream: true, PromptTokens: 120, CompletionTokens: 3, CachedTokens: 64, CacheWriteTokens: 8, ReasoningTokens: 2,
		CostNanoUSD: 1_234_567, CacheStatus: "miss", CacheEntryID: "e-77",
		TraceID: "0af7651916cd43dd8448eb211c80319c", SpanID: "00f067aa0ba902b7",
	}
	got := r
	got.Attempts, got.RequestBody, got.ResponseBody = nil, "", ""
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("record:\n got %s\nwant %s", gj, wj)
	}
	if len(r.Attempts) != 2 || r.Attempts[0].Provider != "groq" || r.Attempts[0].Status != 503 || !r.Attempts[1].Fallback ||
		r.Attempts[1].StartMs != c.Start.UnixMilli()+41 {
		t.Fatalf("attempts %+v", r.Attempts)
	}
	for name, body := range map[string]string{"request": r.RequestBody, "response": r.ResponseBody} {
		if !json.Valid([]byte(body)) {
			t.Fatalf("%s body is not JSON: %s", name, body)
		}
	}
	for _, s := range []string{`"model":"gpt-4o"`, `You are \"terse\".\nAnswer briefly.`, `"temperature":0.25`, `"max_tokens":300`,
		`"get_weather"`, `"arguments":"{\"city\":\"Oslo\"}"`, `"content":null`, `12°C, rain`, `data:… (5022 bytes)`} {
		if !strings.Contains(r.RequestBody, s) {
			t.Errorf("request body lacks %s:\n%s", s, r.RequestBody)
		}
	}
	if !strings.Contains(r.ResponseBody, `"content":"A cat."`) || !strings.Contains(r.ResponseBody, `"finish_reason":"stop"`) {
		t.Errorf("response body: %s", r.ResponseBody)
	}
	for _, secret := range []string{"sk-secret", "tok-123"} {
		if b, _ := json.Marshal(r); strings.Contains(string(b), secret) {
			t.Fatalf("record contains %q", secret)
		}
	}
}

func TestBodiesSwitchCapAndRedaction(t *testing.T) {
	for _, tc := range []struct {
		name                string
		cfg                 Config
		wantReq, wantAbsent []string
		truncated, empty    bool
	}{
		{"off", Config{Bodies: false}, nil, nil, false, true},
		{"capped", Config{Bodies: true, MaxBodyBytes: 60}, []string{`{"model":"gpt-4o"`}, []string{"Oslo"}, true, false},
		{"redacted fields", Config{Bodies: true, RedactFields: []string{"content", "arguments"}},
			[]string{`"content":"[REDACTED]"`, `"arguments":"[REDACTED]"`}, []string{"terse", "Oslo", "A cat"}, false, false},
		{"redact hook", Config{Bodies: true, Redact: func(r *logstore.Record) { r.RequestBody = "" }}, nil, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, h := sampleCall()
			var out collect
			p := New(&out, tc.cfg)
			var r logstore.Record
			p.fill(&r, c, h)
			if tc.cfg.Redact != nil {
				p.PostHook(context.Background(), c)
				if out[0].RequestBody != "" || out[0].ResponseBody == "" {
					t.Fatalf("hook not applied: %+v", out[0])
				}
				return
			}
			if tc.empty != (r.RequestBody == "" && r.ResponseBody == "") {
				t.Fatalf("bodies present=%v: %q", !tc.empty, r.RequestBody)
			}
			if r.RequestTruncated != tc.truncated || (tc.truncated && len(r.RequestBody) > tc.cfg.MaxBodyBytes) {
				t.Fatalf("truncated=%v len=%d", r.RequestTruncated, len(r.RequestBody))
			}
			all := r.RequestBody + r.ResponseBody
			for _, s := range tc.wantReq {
				if !strings.Contains(all, s) {
					t.Errorf("bodies lack %s: %s", s, all)
				}
			}
			for _, s := range tc.wantAbsent {
				if strings.Contains(all, s) {
					t.Errorf("bodies contain %s: %s", s, all)
				}
			}
		})
	}
}

// TestRecordOwnsItsData simulates a gateway that hands out strings aliasing pooled
// buffers: after the hook, the buffers are overwritten, and the record must not change.
func TestRecordOwnsItsData(t *testing.T) {
	c, h := sampleCall()
	pool := []byte("req-pooled|tenant-pooled|user-pooled|question-pooled")
	alias := func(from, to int) string { return unsafe.String(&pool[from], to-from) }
	c.ID, c.Tenant = alias(0, 10), alias(11, 24)
	h = append(h, [2]string{"x-muninn-user", alias(25, 36)})
	h[1][1] = alias(25, 36)
	c.Request.Messages[0].Content = api.TextContent(alias(37, 52))
	var out collect
	p := New(&out, DefaultConfig())
	var r logstore.Record
	p.fill(&r, c, h)
	before, _ := json.Marshal(r)
	for i := range pool {
		pool[i] = 'X'
	}
	c.Attempts[0].Provider = "changed"
	after, _ := json.Marshal(r)
	if string(before) != string(after) {
		t.Fatalf("record changed when the call's buffers were reused:\nbefore %s\nafter  %s", before, after)
	}
	if r.RequestID != "req-pooled" || !strings.Contains(r.RequestBody, "question-pooled") {
		t.Fatalf("record %+v", r)
	}
}

// TestEndToEndIntoSQLite runs the hook into a real Batcher and the embedded store.
func TestEndToEndIntoSQLite(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, logstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	b, err := logstore.NewBatcher(store, logstore.BatcherConfig{SpoolDir: filepath.Join(t.TempDir(), "spool"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	p := New(b, DefaultConfig())
	for i := 0; i < 50; i++ {
		c, _ := sampleCall()
		c.ID = "e2e-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if err := p.PostHook(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := store.List(ctx, logstore.ListQuery{Filter: logstore.Filter{Tenant: "acme", Text: "A cat."}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Records) != 50 {
		t.Fatalf("stored %d records, want 50", len(page.Records))
	}
	got, err := store.Get(ctx, "e2e-ab")
	if err != nil || got.CostNanoUSD != 1_234_567 || got.Model != "gpt-4o-2024-08-06" || len(got.Attempts) != 2 {
		t.Fatalf("Get: %+v, %v", got, err)
	}
}
