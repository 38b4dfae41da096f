package loadgen

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Target is where and what to send.
type Target struct {
	Name   string // label in reports ("direct", "gateway")
	Addr   string // host:port
	Path   string // request path, "/v1/chat/completions"
	Body   []byte // JSON request body
	Header map[string]string
	// Expect must appear in a successful response body (empty: any 200 is a success).
	Expect []byte
	// Stream reads the response as SSE and records TTFB; it must end with "data: [DONE]".
	Stream bool
	// Timeout bounds one request (default 10s).
	Timeout time.Duration
}

// Client sends a Target's request over a pool of keep-alive connections that lasts
// across runs, so that consecutive runs (warm-up, then measured slices) do not pay for
// new connections.
type Client struct {
	t     Target
	conns int
	hc    *fasthttp.HostClient
}

// NewClient returns a client of at most conns connections to t.Addr.
func NewClient(t Target, conns int) *Client {
	conns = max(conns, 1)
	return &Client{t: t, conns: conns, hc: newHostClient(&t, conns)}
}

// Close closes the idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// FixedRate sends rate requests per second for dur over a new Client of conns
// connections (see Client.FixedRate).
func FixedRate(ctx context.Context, t Target, rate float64, dur time.Duration, conns int) (*Result, error) {
	c := NewClient(t, conns)
	defer c.Close()
	return c.FixedRate(ctx, rate, dur, conns)
}

// ClosedLoop keeps conns requests in flight for dur over a new Client (see
// Client.ClosedLoop).
func ClosedLoop(ctx context.Context, t Target, conns int, dur time.Duration) (*Result, error) {
	c := NewClient(t, conns)
	defer c.Close()
	return c.ClosedLoop(ctx, conns, dur)
}

func newHostClient(t *Target, conns int) *fasthttp.HostClient {
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &fasthttp.HostClient{
		Addr:                          t.Addr,
		MaxConns:                      conns,
		ReadTimeout:                   timeout,
		WriteTimeout:                  timeout,
		MaxIdleConnDuration:           time.Minute,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		StreamResponseBody:            t.Stream,
		Dial: func(addr string) (net.Conn, error) {
			return fasthttp.DialTimeout(addr, timeout)
		},
	}
}

// FixedRate sends rate requests per second for dur (open loop, see the package doc)
// from conns workers (at most the client's connections). It stops early, with what it
// measured, when ctx is done.
func (c *Client) FixedRate(ctx context.Context, rate float64, dur time.Duration, conns int) (*Result, error) {
	if rate <= 0 || dur <= 0 || conns <= 0 {
		return nil, fmt.Errorf("fixed rate: rate %v, duration %v and connections %d must be positive", rate, dur, conns)
	}
	t := c.t
	total := int64(rate * dur.Seconds())
	if total < 1 {
		total = 1
	}
	conns = int(min(int64(conns), int64(c.conns), total))
	interval := float64(time.Second) / rate
	ws := make([]*worker, conns)
	for i := range ws {
		ws[i] = newWorker(&t, c.hc)
	}
	start := time.Now().Add(5 * time.Millisecond)
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			timer := time.NewTimer(time.Hour)
			defer timer.Stop()
			for k := int64(i); k < total; k += int64(conns) {
				due := start.Add(time.Duration(float64(k) * interval))
				if d := time.Until(due); d > 0 {
					timer.Reset(d)
					select {
					case <-timer.C:
					case <-ctx.Done():
						return
					}
				} else if ctx.Err() != nil {
					return
				}
				w.lateness.Record(time.Since(due))
				w.do(due)
			}
		}()
	}
	wg.Wait()
	return merge(&t, start, ws), nil
}

// ClosedLoop keeps conns requests (at most the client's connections) in flight for dur;
// latency is measured from each send.
func (c *Client) ClosedLoop(ctx context.Context, conns int, dur time.Duration) (*Result, error) {
	if dur <= 0 || conns <= 0 {
		return nil, fmt.Errorf("closed loop: duration %v and connections %d must be positive", dur, conns)
	}
	t := c.t
	conns = min(conns, c.conns)
	ws := make([]*worker, conns)
	for i := range ws {
		ws[i] = newWorker(&t, c.hc)
	}
	start := time.Now()
	end := start.Add(dur)
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				now := time.Now()
				if !now.Before(end) {
					return
				}
				w.do(now)
			}
		}()
	}
	wg.Wait()
	return merge(&t, start, ws), nil
}
