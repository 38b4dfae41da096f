package api

import (
	"encoding/json"
	"fmt"
	"time"
)

// Stable error types. A client may branch on these; they never change meaning.
const (
	ErrInvalidRequest  = "invalid_request_error" // 400, 413, 415, 422
	ErrAuthentication  = "authentication_error"  // 401: gateway key missing or wrong
	ErrPermission      = "permission_error"      // 403
	ErrModelNotFound   = "model_not_found"       // 404: no route for the model
	ErrNotFound        = "not_found_error"       // 404: unknown path or object
	ErrRateLimit       = "rate_limit_error"      // 429: upstream or gateway limits
	ErrOverloaded      = "overloaded_error"      // 503: gateway queue full or draining
	ErrUpstream        = "upstream_error"        // 502: upstream answered with a failure
	ErrUpstreamTimeout = "upstream_timeout"      // 504: upstream too slow
	ErrUpstreamUnavail = "upstream_unavailable"  // 502: could not connect
	ErrUpstreamAuth    = "upstream_auth_error"   // 502: every provider key was refused
	ErrContextCanceled = "request_canceled"      // 499: client went away
	ErrInternal        = "internal_error"        // 500: a bug; never carries details
	ErrUnsupported     = "unsupported_error"     // 400/501: the provider cannot do this
	ErrContentFilter   = "content_filter_error"  // 400: upstream refused the content
	ErrContextLength   = "context_length_exceeded"
)

// Error is an error as a client sees it. Everything that reaches a client is one of these,
// encoded by WriteTo as {"error":{"message","type","param","code"}}.
//
// Message must never contain a provider key or a gateway secret; providers normalise the
// upstream message before building an Error.
type Error struct {
	Status  int    // HTTP status for the client
	Type    string // one of the Err* constants
	Code    string // optional finer code (e.g. "model_not_found", "body_too_large")
	Param   string // optional request field at fault
	Message string
	// RetryAfter is the upstream's or the gateway's Retry-After, zero when absent.
	RetryAfter time.Duration
	// UpstreamStatus is the status the provider answered with, 0 when none.
	UpstreamStatus int
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s (%s): %s", e.Type, e.Code, e.Message)
	}
	return e.Type + ": " + e.Message
}

// Errorf builds an Error.
func Errorf(status int, typ, format string, args ...any) *Error {
	return &Error{Status: status, Type: typ, Message: fmt.Sprintf(format, args...)}
}

// ErrorBody is the JSON envelope of an Error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of the envelope.
type ErrorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// Body returns the JSON envelope of e.
func (e *Error) Body() ErrorBody {
	d := ErrorDetail{Message: e.Message, Type: e.Type}
	if e.Param != "" {
		p := e.Param
		d.Param = &p
	}
	if e.Code != "" {
		c := e.Code
		d.Code = &c
	}
	return ErrorBody{Error: d}
}

// JSON returns the encoded envelope of e.
func (e *Error) JSON() []byte {
	b, err := json.Marshal(e.Body())
	if err != nil { // cannot happen: only strings
		return []byte(`{"error":{"message":"internal error","type":"internal_error","param":null,"code":null}}`)
	}
	return b
}
