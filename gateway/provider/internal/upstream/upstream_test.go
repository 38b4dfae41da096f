package upstream

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

func TestScrub(t *testing.T) {
	key := "gsk_live_0123456789ABCDEFabcdef"
	cases := []struct{ in, mustNot, must string }{
		{"Incorrect API key provided: " + key + ".", key, "Incorrect API key provided"},
		{"key gsk_live_0123***cdef is invalid", "gsk_live_0123", "is invalid"},
		{"Authorization: Bearer abc.def-ghi", "abc.def-ghi", "Bearer [redacted]"},
		{"sk-proj-abcdefgh1234 leaked", "sk-proj-abcdefgh1234", "leaked"},
		{"token AIzaSyA1234567890abcdefghijklmnopqrstu", "AIzaSy", "token"},
		{"random 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 hash", "9f86d081884c7d659a2feaa0c55ad015", "hash"},
		{"model gpt-4o-mini-2024-07-18 not found", "[redacted]", "gpt-4o-mini-2024-07-18"},
		{"url https://api.x.ai/v1/chat/completions failed", "[redacted]", "https://api.x.ai/v1/chat/completions"},
	}
	for _, c := range cases {
		got := Scrub(c.in, key)
		if strings.Contains(got, c.mustNot) || !strings.Contains(got, c.must) {
			t.Errorf("Scrub(%q) = %q", c.in, got)
		}
	}
	if got := Scrub(strings.Repeat("a ", 5000)); len(got) > maxMessage+3 {
		t.Errorf("not bounded: %d", len(got))
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		h    map[string]string
		want time.Duration
	}{
		{map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{map[string]string{"Retry-After": "1.5"}, 1500 * time.Millisecond},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{map[string]string{"retry-after-ms": "250"}, 250 * time.Millisecond},
		{map[string]string{"x-ratelimit-reset-requests": "20ms", "x-ratelimit-reset-tokens": "1m30s"}, 90 * time.Second},
		{map[string]string{"x-ratelimit-reset": "2"}, 2 * time.Second},
		{map[string]string{"Retry-After": "junk"}, 0},
		{map[string]string{"Retry-After": "99999999"}, time.Hour},
		{nil, 0},
	}
	for _, c := range cases {
		h := http.Header{}
		for k, v := range c.h {
			h.Set(k, v)
		}
		if got := RetryAfter(h, now); got != c.want {
			t.Errorf("%v: %v, want %v", c.h, got, c.want)
		}
	}
}

func TestNormalizeTable(t *testing.T) {
	key := "sk-abcdefghijklmnop1234"
	cases := []struct {
		status int
		body   string
		typ    string
		code   string
		out    int
	}{
		{400, `{"error":{"message":"bad","type":"invalid_request_error"}}`, api.ErrInvalidRequest, "", 400},
		{400, `{"error":{"message":"Your request was rejected by our content management policy","code":"content_filter"}}`, api.ErrContentFilter, "content_filter", 400},
		{422, `{"detail":"field required"}`, api.ErrInvalidRequest, "", 400},
		{401, `{"error":{"message":"Incorrect API key provided: ` + key + `"}}`, api.ErrUpstreamAuth, "", 502},
		{403, `forbidden`, api.ErrUpstreamAuth, "", 502},
		{404, `{"error":{"message":"The deployment for this resource does not exist"}}`, api.ErrModelNotFound, "model_not_found", 404},
		{408, ``, api.ErrUpstreamTimeout, "", 504},
		{413, ``, api.ErrInvalidRequest, "", 413},
		{418, ``, api.ErrInvalidRequest, "", 418},
		{429, `{"error":"quota"}`, api.ErrRateLimit, "", 429},
		{500, ``, api.ErrUpstream, "", 502},
		{529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, api.ErrUpstream, "", 502},
	}
	for _, c := range cases {
		e := Normalize("p", c.status, nil, []byte(c.body), key)
		if e.Type != c.typ || e.Code != c.code || e.Status != c.out || e.UpstreamStatus != c.status {
			t.Errorf("%d %s: %+v", c.status, c.body, e)
		}
		if strings.Contains(e.Error(), key) || strings.Contains(string(e.JSON()), key[:10]) {
			t.Errorf("%d: key leaked: %v", c.status, e)
		}
	}
}

func TestTransportCanceled(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	cancel()
	if e := Transport("p", parent, parent, context.Canceled, ""); e.Type != api.ErrContextCanceled || e.Status != 499 {
		t.Fatalf("%+v", e)
	}
	ctx, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(ErrIdle)
	if e := Transport("p", context.Background(), ctx, context.Canceled, ""); e.Type != api.ErrUpstreamTimeout {
		t.Fatalf("%+v", e)
	}
	if e := Transport("p", context.Background(), context.Background(), errors.New("read: connection reset by peer"), ""); e.Type != api.ErrUpstream {
		t.Fatalf("%+v", e)
	}
}
