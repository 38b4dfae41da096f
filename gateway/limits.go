package gateway

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

// limiter bounds the calls in flight to one provider. Past max, up to queue callers wait
// at most wait for a slot; the others fail at once. The zero max means unbounded.
type limiter struct {
	name    string
	max     int
	queue   int32
	wait    time.Duration
	slots   chan struct{}
	waiting atomic.Int32
}

func newLimiter(name string, max, queue int, wait time.Duration) *limiter {
	l := &limiter{name: name, max: max, queue: int32(queue), wait: wait}
	if max > 0 {
		l.slots = make(chan struct{}, max)
	}
	return l
}

// acquire takes a slot or returns a 429 saying why. A nil error must be paired with
// release.
func (l *limiter) acquire(ctx context.Context) *api.Error {
	if l == nil || l.slots == nil {
		return nil
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return l.full("its wait queue is full")
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		return l.full(fmt.Sprintf("no slot freed within %s", l.wait))
	case <-ctx.Done():
		return asAPIError(ctx.Err())
	}
}

func (l *limiter) full(why string) *api.Error {
	return &api.Error{
		Status: http.StatusTooManyRequests, Type: api.ErrRateLimit, Code: "provider_overloaded",
		RetryAfter: time.Second,
		Message: fmt.Sprintf("provider %s has %d requests in flight (its limit) and %s; retry later",
			l.name, l.max, why),
	}
}

func (l *limiter) release() {
	if l == nil || l.slots == nil {
		return
	}
	<-l.slots
}

// gate is the gateway-wide cap on requests being served.
type gate struct {
	max      int64
	inFlight atomic.Int64
}

func (g *gate) enter() *api.Error {
	if n := g.inFlight.Add(1); g.max > 0 && n > g.max {
		g.inFlight.Add(-1)
		return &api.Error{
			Status: http.StatusServiceUnavailable, Type: api.ErrOverloaded, Code: "gateway_overloaded",
			RetryAfter: time.Second,
			Message:    fmt.Sprintf("the gateway is serving %d requests, its limit (limits.max_in_flight); retry later", g.max),
		}
	}
	return nil
}

func (g *gate) leave() { g.inFlight.Add(-1) }
