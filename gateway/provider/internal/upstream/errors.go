package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

// ErrIdle is the cancel cause of a stream that went quiet for longer than its idle
// timeout (or, before its first event, its first-byte timeout).
var ErrIdle = errors.New("upstream stream idle timeout")

// upstreamErr is the union of the error bodies upstreams send:
// OpenAI {"error":{"message","type","code","param"}}, Anthropic
// {"type":"error","error":{"type","message"}}, and {"error":"text"} / {"message":"text"}.
type upstreamErr struct {
	Error   json.RawMessage `json:"error"`
	Message string          `json:"message"`
	Detail  string          `json:"detail"`
}

type upstreamErrDetail struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Param   string          `json:"param"`
}

// parseBody extracts the message, type and code of an upstream error body.
func parseBody(body []byte) (msg, typ, code string) {
	var e upstreamErr
	if json.Unmarshal(body, &e) == nil {
		if len(e.Error) > 0 && e.Error[0] == '{' {
			var d upstreamErrDetail
			if json.Unmarshal(e.Error, &d) == nil {
				code = strings.Trim(string(d.Code), `"`)
				if code == "null" {
					code = ""
				}
				return d.Message, d.Type, code
			}
		}
		if len(e.Error) > 0 && e.Error[0] == '"' {
			_ = json.Unmarshal(e.Error, &msg)
			return msg, "", ""
		}
		if e.Message != "" {
			return e.Message, "", ""
		}
		if e.Detail != "" {
			return e.Detail, "", ""
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 256 {
		s = s[:256]
	}
	return s, "", ""
}

// Normalize turns an upstream failure status into an *api.Error:
//
//	400, 422          invalid_request_error (context_length_exceeded, content_filter_error when recognised), 400
//	401, 403          upstream_auth_error, 502 (the router cools the key down)
//	404               model_not_found, 404, when the body speaks of a model or deployment; else upstream_error, 502
//	408, 504          upstream_timeout, 504
//	413               invalid_request_error, 413
//	429               rate_limit_error, 429, RetryAfter from the headers
//	5xx, 529          upstream_error, 502 (RetryAfter when given)
//	other 4xx         invalid_request_error with the upstream status
//
// The message keeps the upstream's words, scrubbed of key (and anything key-shaped).
func Normalize(provider string, status int, h http.Header, body []byte, key string) *api.Error {
	msg, typ, code := parseBody(body)
	if msg == "" {
		msg = http.StatusText(status)
	}
	msg = Scrub(msg, key)
	e := &api.Error{UpstreamStatus: status, Message: provider + ": " + msg}
	lower := strings.ToLower(msg + " " + typ + " " + code)
	switch {
	case status == 400 || status == 422:
		e.Status, e.Type = 400, api.ErrInvalidRequest
		switch {
		case strings.Contains(lower, "context_length") || strings.Contains(lower, "maximum context length") ||
			strings.Contains(lower, "prompt is too long") || strings.Contains(lower, "too many tokens"):
			e.Type, e.Code = api.ErrContextLength, "context_length_exceeded"
		case strings.Contains(lower, "content_filter") || strings.Contains(lower, "content_policy") ||
			strings.Contains(lower, "content management policy"):
			e.Type, e.Code = api.ErrContentFilter, "content_filter"
		}
	case status == 401 || status == 403:
		e.Status, e.Type = 502, api.ErrUpstreamAuth
	case status == 404:
		if strings.Contains(lower, "model") || strings.Contains(lower, "deployment") {
			e.Status, e.Type, e.Code = 404, api.ErrModelNotFound, "model_not_found"
		} else {
			e.Status, e.Type = 502, api.ErrUpstream
		}
	case status == 408 || status == 504:
		e.Status, e.Type = 504, api.ErrUpstreamTimeout
	case status == 413:
		e.Status, e.Type = 413, api.ErrInvalidRequest
	case status == 429:
		e.Status, e.Type = 429, api.ErrRateLimit
	case status >= 500:
		e.Status, e.Type = 502, api.ErrUpstream
	default:
		e.Status, e.Type = status, api.ErrInvalidRequest
	}
	if status == 429 || status >= 500 || status == 401 || status == 403 {
		e.RetryAfter = RetryAfter(h, time.Now())
	}
	return e
}

// RetryAfter reads how long to wait from Retry-After (seconds or HTTP date),
// retry-after-ms, and the x-ratelimit-reset-requests/-tokens headers (durations such as
// "1s", "6m0s", "20ms", or seconds). It returns the longest, zero when none.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	var d time.Duration
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			d = max(d, time.Duration(ms*float64(time.Millisecond)))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil {
			if s > 0 {
				d = max(d, time.Duration(s*float64(time.Second)))
			}
		} else if t, err := http.ParseTime(v); err == nil {
			d = max(d, t.Sub(now))
		}
	}
	for _, name := range []string{"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens", "X-Ratelimit-Reset"} {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			d = max(d, parseReset(v, now))
		}
	}
	if d < 0 {
		return 0
	}
	const maxWait = time.Hour
	return min(d, maxWait)
}

func parseReset(v string, now time.Time) time.Duration {
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 1e9 { // a Unix timestamp
			return time.Unix(int64(s), 0).Sub(now)
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.Sub(now)
	}
	return 0
}

// Transport turns a failed round trip (or body read) into an *api.Error. parent is the
// caller's context: when it is done the client went away (request_canceled) or the
// gateway's own deadline passed (upstream_timeout).
func Transport(provider string, parent, ctx context.Context, err error, key string) *api.Error {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae
	}
	detail := Scrub(err.Error(), key)
	switch {
	case parent.Err() == context.Canceled:
		return &api.Error{Status: 499, Type: api.ErrContextCanceled, Message: "request canceled"}
	case context.Cause(ctx) == ErrIdle:
		return &api.Error{Status: 504, Type: api.ErrUpstreamTimeout, Code: "stream_idle_timeout",
			Message: provider + ": upstream sent nothing within the stream idle timeout"}
	case parent.Err() == context.DeadlineExceeded || ctx.Err() == context.DeadlineExceeded:
		return &api.Error{Status: 504, Type: api.ErrUpstreamTimeout, Message: provider + ": upstream did not answer in time"}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &api.Error{Status: 504, Type: api.ErrUpstreamTimeout, Message: provider + ": " + detail}
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" || errors.Is(err, syscall.ECONNREFUSED) {
		return &api.Error{Status: 502, Type: api.ErrUpstreamUnavail, Message: provider + ": cannot connect: " + detail}
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return &api.Error{Status: 502, Type: api.ErrUpstreamUnavail, Message: provider + ": cannot resolve: " + detail}
	}
	return &api.Error{Status: 502, Type: api.ErrUpstream, Message: provider + ": " + detail}
}

// Truncated is the error of a stream that ended before its completion did.
func Truncated(provider string) *api.Error {
	return &api.Error{Status: 502, Type: api.ErrUpstream, Code: "stream_truncated",
		Message: provider + ": upstream stream ended before the completion finished"}
}

// Decode is the error of an upstream body that is not what its API promises.
func Decode(provider, what string, err error) *api.Error {
	return &api.Error{Status: 502, Type: api.ErrUpstream, Code: "bad_upstream_response",
		Message: provider + ": cannot decode upstream " + what + ": " + Scrub(err.Error())}
}
