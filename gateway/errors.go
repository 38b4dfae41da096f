package gateway

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/valyala/fasthttp"
)

// statusOf is the client status of each stable error type, used when an error arrives
// without one.
var statusOf = map[string]int{
	api.ErrInvalidRequest:  http.StatusBadRequest,
	api.ErrAuthentication:  http.StatusUnauthorized,
	api.ErrPermission:      http.StatusForbidden,
	api.ErrModelNotFound:   http.StatusNotFound,
	api.ErrNotFound:        http.StatusNotFound,
	api.ErrRateLimit:       http.StatusTooManyRequests,
	api.ErrOverloaded:      http.StatusServiceUnavailable,
	api.ErrUpstream:        http.StatusBadGateway,
	api.ErrUpstreamTimeout: http.StatusGatewayTimeout,
	api.ErrUpstreamUnavail: http.StatusBadGateway,
	api.ErrUpstreamAuth:    http.StatusBadGateway,
	api.ErrContextCanceled: 499,
	api.ErrInternal:        http.StatusInternalServerError,
	api.ErrUnsupported:     http.StatusBadRequest,
	api.ErrContentFilter:   http.StatusBadRequest,
	api.ErrContextLength:   http.StatusBadRequest,
}

// asAPIError turns any error from a provider or the gateway into an *api.Error with a
// status. Errors that are not *api.Error never carry their text to the client, since
// they could hold anything (a URL with a key in it).
func asAPIError(err error) *api.Error {
	if err == nil {
		return nil
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		if ae.Status == 0 {
			cp := *ae
			cp.Status = statusOf[ae.Type]
			if cp.Status == 0 {
				cp.Status = http.StatusBadGateway
			}
			return &cp
		}
		return ae
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &api.Error{Status: http.StatusGatewayTimeout, Type: api.ErrUpstreamTimeout, Message: "the upstream did not answer in time"}
	case errors.Is(err, context.Canceled):
		return errCanceled
	}
	return &api.Error{Status: http.StatusBadGateway, Type: api.ErrUpstreamUnavail, Message: "the upstream could not be reached"}
}

var (
	errCanceled = &api.Error{Status: 499, Type: api.ErrContextCanceled, Message: "the client closed the request"}
	errInternal = &api.Error{Status: http.StatusInternalServerError, Type: api.ErrInternal, Message: "internal error"}
)

func invalid(param, format string, args ...any) *api.Error {
	e := api.Errorf(http.StatusBadRequest, api.ErrInvalidRequest, format, args...)
	e.Param = param
	return e
}

// writeError writes e as the OpenAI-shaped JSON error body.
func writeError(ctx *fasthttp.RequestCtx, e *api.Error) {
	status := e.Status
	if status == 0 {
		status = statusOf[e.Type]
		if status == 0 {
			status = http.StatusInternalServerError
		}
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	if e.RetryAfter > 0 {
		secs := int((e.RetryAfter + time.Second - 1) / time.Second)
		ctx.Response.Header.Set("Retry-After", strconv.Itoa(secs))
	}
	ctx.SetBody(e.JSON())
}

// fasthttpError answers errors fasthttp meets before a handler runs (body too large,
// malformed HTTP), in the same JSON shape.
func fasthttpError(ctx *fasthttp.RequestCtx, err error) {
	var e *api.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		e = &api.Error{Status: http.StatusRequestEntityTooLarge, Type: api.ErrInvalidRequest, Code: "body_too_large",
			Message: "request body is larger than the gateway's limit (limits.max_body_bytes)"}
	default:
		var to interface{ Timeout() bool }
		if errors.As(err, &to) && to.Timeout() {
			e = &api.Error{Status: http.StatusRequestTimeout, Type: api.ErrInvalidRequest, Message: "timed out reading the request"}
		} else {
			e = &api.Error{Status: http.StatusBadRequest, Type: api.ErrInvalidRequest, Message: "malformed HTTP request"}
		}
	}
	if bytes.HasPrefix(ctx.Path(), prefixAnthropic) {
		writeAnthropicError(ctx, e)
		return
	}
	writeError(ctx, e)
}
