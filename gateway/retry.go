package gateway

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// retryPolicy is one provider's retry and cool-down settings.
type retryPolicy struct {
	max           int
	initial       time.Duration
	maxBackoff    time.Duration
	authCooldown  time.Duration
	limitCooldown time.Duration
}

// backoff returns the wait before retry n (0-based): capped exponential with jitter in
// [d/2, d].
func (p retryPolicy) backoff(n int) time.Duration {
	d := p.initial
	for i := 0; i < n && d < p.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.maxBackoff)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

// attemptFunc performs one upstream try. On success it keeps what it produced (response,
// stream) for the caller.
type attemptFunc func(ctx context.Context, up *upstream, at *provider.Attempt) error

// outcome classifies an upstream error for the retry loop.
type outcome int

const (
	outFatal    outcome = iota // give up: the request itself is at fault
	outRetry                   // retry the same provider, then fall back
	outNextKey                 // the key was refused: another key, no backoff
	outFallback                // this provider cannot serve it: next fallback
)

func classify(e *api.Error) outcome {
	switch {
	case e.Type == api.ErrContextCanceled:
		return outFatal
	case e.UpstreamStatus == http.StatusUnauthorized || e.UpstreamStatus == http.StatusForbidden || e.Type == api.ErrUpstreamAuth:
		return outNextKey
	case e.UpstreamStatus == http.StatusTooManyRequests || e.Type == api.ErrRateLimit:
		return outRetry
	case e.Type == api.ErrUpstreamTimeout || e.Type == api.ErrUpstreamUnavail:
		return outRetry
	case e.UpstreamStatus >= 500 || (e.UpstreamStatus == 0 && e.Type == api.ErrUpstream):
		return outRetry
	case e.Type == api.ErrModelNotFound || e.UpstreamStatus == http.StatusNotFound || e.Type == api.ErrUnsupported:
		return outFallback
	}
	return outFatal
}

// invoke runs do against the targets in order, with key choice, cool-downs, retries and
// backoff, recording every attempt on c. On success it returns the upstream whose
// limiter slot is still held: the caller releases it when the answer is written.
func (s *Server) invoke(ctx context.Context, c *Call, targets []target, do attemptFunc) (*upstream, *api.Error) {
	var last *api.Error
	headers := upstreamHeaders(c)
	for _, tg := range targets {
		up := tg.up
		var skip uint64 // keys refused in this call
		retries := 0
	tries:
		for {
			if err := ctx.Err(); err != nil {
				return nil, asAPIError(err)
			}
			now := time.Now()
			idx, pick := pickKey(up.keys, tg.model, skip, now)
			if pick == keyNoModel {
				last = &api.Error{Status: http.StatusNotFound, Type: api.ErrModelNotFound, Code: "model_not_found", Param: "model",
					Message: fmt.Sprintf("provider %s has no key allowed for model %q", up.name, tg.model)}
				break tries
			}
			if pick == keyCooling {
				if last == nil {
					last = &api.Error{Status: http.StatusTooManyRequests, Type: api.ErrRateLimit, Code: "keys_cooling_down",
						RetryAfter: time.Second,
						Message:    fmt.Sprintf("every key of provider %s is cooling down after refusals or rate limits", up.name)}
				}
				break tries
			}
			at := provider.Attempt{Model: tg.model, Headers: headers}
			if idx >= 0 {
				at.Key = up.keys[idx].key
			}
			if e := up.limit.acquire(ctx); e != nil {
				c.Attempts = append(c.Attempts, Attempt{Provider: up.name, Model: tg.model, KeyName: at.Key.Name,
					Start: now, ErrorType: e.Type, Fallback: tg.fallback})
				last = e
				if e.Type == api.ErrContextCanceled {
					return nil, e
				}
				break tries
			}
			c.Provider, c.Model, c.KeyName = up.name, tg.model, at.Key.Name
			err := do(ctx, up, &at)
			rec := Attempt{Provider: up.name, Model: tg.model, KeyName: at.Key.Name, Start: now,
				Duration: time.Since(now), Status: http.StatusOK, Fallback: tg.fallback}
			if err == nil {
				c.Attempts = append(c.Attempts, rec)
				return up, nil
			}
			up.limit.release()
			e := asAPIError(err)
			if ctx.Err() != nil && e.Type != api.ErrUpstreamTimeout {
				e = asAPIError(ctx.Err())
			}
			rec.Status, rec.ErrorType = e.UpstreamStatus, e.Type
			c.Attempts = append(c.Attempts, rec)
			last = e
			switch classify(e) {
			case outFatal:
				return nil, e
			case outFallback:
			case outNextKey:
				if idx >= 0 {
					up.keys[idx].coolDown(up.retry.authCooldown, time.Now())
					if idx < 64 {
						skip |= 1 << idx
					}
					last = &api.Error{Status: http.StatusBadGateway, Type: api.ErrUpstreamAuth, UpstreamStatus: e.UpstreamStatus,
						Message: fmt.Sprintf("provider %s refused the key %q (status %d)", up.name, at.Key.Name, e.UpstreamStatus)}
					continue
				}
			case outRetry:
				wait := time.Duration(0)
				if e.UpstreamStatus == http.StatusTooManyRequests && idx >= 0 {
					// Cool the key down when told for how long, or when other keys can
					// take the load; a lone key without Retry-After is retried after a
					// backoff instead of being shut off.
					cool := e.RetryAfter
					if cool <= 0 && len(up.keys) > 1 {
						cool = up.retry.limitCooldown
					}
					if cool > 0 {
						up.keys[idx].coolDown(cool, time.Now())
					}
					if idx < 64 {
						skip |= 1 << idx
					}
					// Another key may be free at once; otherwise wait as told.
					if _, p := pickKey(up.keys, tg.model, skip, time.Now()); p == keyOK {
						if retries < up.retry.max {
							retries++
							continue
						}
						break tries
					}
					skip &^= 1 << idx // usable again after its cool-down
				}
				if retries >= up.retry.max {
					break tries
				}
				wait = up.retry.backoff(retries)
				if e.RetryAfter > 0 {
					if e.RetryAfter > up.retry.maxBackoff {
						break tries // too long to wait here: try the fallbacks
					}
					wait = e.RetryAfter
				}
				retries++
				if !sleepCtx(ctx, wait) {
					return nil, asAPIError(ctx.Err())
				}
				continue
			}
			break tries
		}
	}
	if last == nil {
		last = errInternal
	}
	return nil, last
}

// sleepCtx waits d or until ctx ends; it reports whether the wait completed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// upstreamHeaders are the per-request headers sent upstream: the client's trace context
// unless a plugin set its own, then the plugins' headers.
func upstreamHeaders(c *Call) [][2]string {
	own := false
	for _, h := range c.UpstreamHeaders {
		if h[0] == "traceparent" {
			own = true
		}
	}
	if own || c.Trace.TraceParent == "" {
		return c.UpstreamHeaders
	}
	out := make([][2]string, 0, 2+len(c.UpstreamHeaders))
	out = append(out, [2]string{"traceparent", c.Trace.TraceParent})
	if c.Trace.TraceState != "" {
		out = append(out, [2]string{"tracestate", c.Trace.TraceState})
	}
	return append(out, c.UpstreamHeaders...)
}
