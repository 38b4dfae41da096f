package upstream

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/sse"
)

// Default timeouts, used when the config leaves one at zero.
const (
	DefaultConnectTimeout    = 10 * time.Second
	DefaultFirstByteTimeout  = 120 * time.Second
	DefaultStreamIdleTimeout = 120 * time.Second
	DefaultTotalTimeout      = 10 * time.Minute
	// MaxResponseBytes bounds a non-streamed upstream response.
	MaxResponseBytes = 64 << 20
	// maxErrorBytes bounds the error body read from a failed upstream response.
	maxErrorBytes = 64 << 10
)

// WithDefaults fills the zero timeouts with the defaults.
func WithDefaults(t provider.Timeouts) provider.Timeouts {
	if t.Connect <= 0 {
		t.Connect = DefaultConnectTimeout
	}
	if t.FirstByte <= 0 {
		t.FirstByte = DefaultFirstByteTimeout
	}
	if t.StreamIdle <= 0 {
		t.StreamIdle = DefaultStreamIdleTimeout
	}
	if t.Total <= 0 {
		t.Total = DefaultTotalTimeout
	}
	return t
}

// Client sends requests to one upstream with its timeouts: plain-http upstreams through
// the fast HTTP/1.1 transport (fast.go), https ones (and any when a proxy is configured
// in the environment) through net/http.
type Client struct {
	Name     string // provider name, prefixed to error messages
	Timeouts provider.Timeouts
	http     *http.Client
	maxConns int
	noFast   bool

	mu    sync.Mutex
	pools map[string]*fastPool
}

// NewClient builds a Client with a connection pool of maxConns per host (0: 512 idle,
// unbounded open). Timeouts are completed with the defaults.
func NewClient(name string, t provider.Timeouts, maxConns int) *Client {
	t = WithDefaults(t)
	idle := maxConns
	if idle <= 0 {
		idle = 512
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   t.Connect,
		ResponseHeaderTimeout: t.FirstByte,
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		MaxConnsPerHost:       maxConns,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     true,
		WriteBufferSize:       32 << 10,
		ReadBufferSize:        32 << 10,
	}
	return &Client{Name: name, Timeouts: t, http: &http.Client{Transport: tr}, maxConns: maxConns,
		noFast: os.Getenv("HTTP_PROXY") != "" || os.Getenv("http_proxy") != ""}
}

// UseNetHTTP makes the client send every request through net/http (for comparisons).
func (c *Client) UseNetHTTP() { c.noFast = true }

// CloseIdleConnections drops pooled connections.
func (c *Client) CloseIdleConnections() {
	c.http.CloseIdleConnections()
	c.mu.Lock()
	pools := make([]*fastPool, 0, len(c.pools))
	for _, p := range c.pools {
		pools = append(pools, p)
	}
	c.mu.Unlock()
	for _, p := range pools {
		p.closeIdle()
	}
}

// fastPoolFor returns the fast transport pool for url, or nil when url is not plain http.
func (c *Client) fastPoolFor(url string) (*fastPool, string) {
	if c.noFast {
		return nil, ""
	}
	host, pq, ok := splitURL(url)
	if !ok {
		return nil, ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pools[host]
	if p == nil {
		if c.pools == nil {
			c.pools = map[string]*fastPool{}
		}
		p = newFastPool(host, c.Timeouts.Connect, c.maxConns)
		c.pools[host] = p
	}
	return p, pq
}

// Request is one upstream request.
type Request struct {
	URL    string
	Body   []byte
	Header [][2]string // every header, auth included
	Key    string      // the secret in Header, scrubbed from errors
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// GetBuffer returns an empty pooled buffer.
func GetBuffer() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

// PutBuffer recycles b; huge buffers are dropped rather than pooled.
func PutBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	bufPool.Put(b)
}

func (c *Client) newRequest(ctx context.Context, r *Request, stream bool) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	req.Header = make(http.Header, len(r.Header)+3)
	req.Header["Content-Type"] = jsonCT
	if stream {
		req.Header["Accept"] = sseCT
	} else {
		req.Header["Accept"] = jsonCT
	}
	req.Header["User-Agent"] = userAgent
	for _, h := range r.Header {
		if validHeader(h[0], h[1]) {
			req.Header.Set(h[0], h[1])
		}
	}
	return req, nil
}

var (
	jsonCT    = []string{"application/json"}
	sseCT     = []string{"text/event-stream"}
	userAgent = []string{"muninn"}
)

func (c *Client) buildError() *api.Error {
	return &api.Error{Status: 500, Type: api.ErrInternal, Message: c.Name + ": cannot build the upstream request"}
}

func (c *Client) tooLarge() *api.Error {
	return &api.Error{Status: 502, Type: api.ErrUpstream, Code: "upstream_response_too_large",
		Message: c.Name + ": upstream response larger than the limit"}
}

// Do sends a non-streamed request and reads the 2xx answer into dst. Any failure is an
// *api.Error.
func (c *Client) Do(ctx context.Context, r *Request, dst *bytes.Buffer) *api.Error {
	if p, pq := c.fastPoolFor(r.URL); p != nil {
		return c.doFast(ctx, p, pq, r, dst)
	}
	cctx, cancel := context.WithTimeout(ctx, c.Timeouts.Total)
	defer cancel()
	req, err := c.newRequest(cctx, r, false)
	if err != nil {
		return c.buildError()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return Transport(c.Name, ctx, cctx, err, r.Key)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.failed(resp.StatusCode, resp.Header, resp.Body, r.Key)
	}
	if _, err := dst.ReadFrom(io.LimitReader(resp.Body, MaxResponseBytes+1)); err != nil {
		return Transport(c.Name, ctx, cctx, err, r.Key)
	}
	if dst.Len() > MaxResponseBytes {
		return c.tooLarge()
	}
	return nil
}

func (c *Client) doFast(ctx context.Context, p *fastPool, pq string, r *Request, dst *bytes.Buffer) *api.Error {
	if err := ctx.Err(); err != nil {
		return Transport(c.Name, ctx, ctx, err, r.Key)
	}
	now := time.Now()
	deadline := now.Add(c.Timeouts.Total)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	fc, stop, err := p.roundTrip(ctx, pq, r, false, deadline, minTime(now.Add(c.Timeouts.FirstByte), deadline))
	if err != nil {
		return Transport(c.Name, ctx, ctx, err, r.Key)
	}
	fc.setReadDeadline(deadline)
	fc.body.reset(fc.br, fc.hdr.ContentLength())
	var e *api.Error
	if status := fc.hdr.StatusCode(); status < 200 || status > 299 {
		e = c.failed(status, httpHeader(&fc.hdr), &fc.body, r.Key)
		_, _ = io.CopyN(io.Discard, &fc.body, maxErrorBytes)
	} else if _, err := dst.ReadFrom(io.LimitReader(&fc.body, MaxResponseBytes+1)); err != nil {
		e = Transport(c.Name, ctx, ctx, err, r.Key)
	} else if dst.Len() > MaxResponseBytes {
		e = c.tooLarge()
	}
	if stop() && fc.body.reusable() && !fc.hdr.ConnectionClose() {
		p.put(fc)
	} else {
		p.discard(fc)
	}
	return e
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// httpHeader copies the headers that error normalisation reads.
func httpHeader(h interface{ Peek(string) []byte }) http.Header {
	out := http.Header{}
	for _, k := range [...]string{"Retry-After", "Retry-After-Ms", "X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens", "X-Ratelimit-Reset"} {
		if v := h.Peek(k); len(v) > 0 {
			out.Set(k, string(v))
		}
	}
	return out
}

func (c *Client) failed(status int, h http.Header, body io.Reader, key string) *api.Error {
	b := GetBuffer()
	defer PutBuffer(b)
	_, _ = b.ReadFrom(io.LimitReader(body, maxErrorBytes))
	return Normalize(c.Name, status, h, b.Bytes(), key)
}

// jsonInsteadOfStream is the error of an upstream that answered a streamed request with
// JSON (an error body or a whole response, neither usable).
func (c *Client) jsonInsteadOfStream(body io.Reader, key string) *api.Error {
	b := GetBuffer()
	_, _ = b.ReadFrom(io.LimitReader(body, maxErrorBytes))
	msg, _, _ := parseBody(b.Bytes())
	PutBuffer(b)
	return &api.Error{Status: 502, Type: api.ErrUpstream, Code: "bad_upstream_response",
		Message: c.Name + ": upstream answered a streamed request with JSON: " + Scrub(msg, key)}
}

// Stream sends a streamed request and returns once the upstream answered 2xx. Before
// then, any failure is an *api.Error (still retryable by the router).
func (c *Client) Stream(ctx context.Context, r *Request) (*Stream, *api.Error) {
	if p, pq := c.fastPoolFor(r.URL); p != nil {
		return c.streamFast(ctx, p, pq, r)
	}
	sctx, cancel := context.WithCancelCause(ctx)
	// Until the first event, the first-byte timeout bounds the wait; then the idle one.
	timer := time.AfterFunc(c.Timeouts.FirstByte, func() { cancel(ErrIdle) })
	req, err := c.newRequest(sctx, r, true)
	if err != nil {
		timer.Stop()
		cancel(nil)
		return nil, c.buildError()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		timer.Stop()
		e := Transport(c.Name, ctx, sctx, err, r.Key)
		cancel(nil)
		return nil, e
	}
	var e *api.Error
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e = c.failed(resp.StatusCode, resp.Header, resp.Body, r.Key)
	} else if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		e = c.jsonInsteadOfStream(resp.Body, r.Key)
	}
	if e != nil {
		timer.Stop()
		resp.Body.Close()
		cancel(nil)
		return nil, e
	}
	return &Stream{
		c: c, parent: ctx, ctx: sctx, cancel: cancel, timer: timer, key: r.Key,
		body: resp.Body, rd: sse.NewReader(resp.Body, 0),
	}, nil
}

func (c *Client) streamFast(ctx context.Context, p *fastPool, pq string, r *Request) (*Stream, *api.Error) {
	if err := ctx.Err(); err != nil {
		return nil, Transport(c.Name, ctx, ctx, err, r.Key)
	}
	first := time.Now().Add(c.Timeouts.FirstByte)
	fc, stop, err := p.roundTrip(ctx, pq, r, true, first, first)
	if err != nil {
		return nil, Transport(c.Name, ctx, ctx, err, r.Key)
	}
	fc.body.reset(fc.br, fc.hdr.ContentLength())
	var e *api.Error
	if status := fc.hdr.StatusCode(); status < 200 || status > 299 {
		e = c.failed(status, httpHeader(&fc.hdr), &fc.body, r.Key)
	} else if bytes.HasPrefix(fc.hdr.ContentType(), []byte("application/json")) {
		e = c.jsonInsteadOfStream(&fc.body, r.Key)
	}
	if e != nil {
		_, _ = io.CopyN(io.Discard, &fc.body, maxErrorBytes)
		if stop() && fc.body.reusable() && !fc.hdr.ConnectionClose() {
			p.put(fc)
		} else {
			p.discard(fc)
		}
		return nil, e
	}
	return &Stream{c: c, parent: ctx, ctx: ctx, key: r.Key, pool: p, fc: fc, stop: stop,
		rd: sse.NewReader(&fc.body, 0)}, nil
}
