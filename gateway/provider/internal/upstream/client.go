package upstream

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
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

// Client sends requests to one upstream with its timeouts.
type Client struct {
	Name     string // provider name, prefixed to error messages
	Timeouts provider.Timeouts
	http     *http.Client
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
	return &Client{Name: name, Timeouts: t, http: &http.Client{Transport: tr}}
}

// CloseIdleConnections drops pooled connections.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

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
		req.Header.Set(h[0], h[1])
	}
	return req, nil
}

var (
	jsonCT    = []string{"application/json"}
	sseCT     = []string{"text/event-stream"}
	userAgent = []string{"muninn"}
)

// Do sends a non-streamed request and reads the 2xx answer into dst. Any failure is an
// *api.Error.
func (c *Client) Do(ctx context.Context, r *Request, dst *bytes.Buffer) *api.Error {
	cctx, cancel := context.WithTimeout(ctx, c.Timeouts.Total)
	defer cancel()
	req, err := c.newRequest(cctx, r, false)
	if err != nil {
		return &api.Error{Status: 500, Type: api.ErrInternal, Message: c.Name + ": cannot build the upstream request"}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return Transport(c.Name, ctx, cctx, err, r.Key)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.failed(resp, r.Key)
	}
	if _, err := dst.ReadFrom(io.LimitReader(resp.Body, MaxResponseBytes+1)); err != nil {
		return Transport(c.Name, ctx, cctx, err, r.Key)
	}
	if dst.Len() > MaxResponseBytes {
		return &api.Error{Status: 502, Type: api.ErrUpstream, Code: "upstream_response_too_large",
			Message: c.Name + ": upstream response larger than the limit"}
	}
	return nil
}

func (c *Client) failed(resp *http.Response, key string) *api.Error {
	b := GetBuffer()
	defer PutBuffer(b)
	_, _ = b.ReadFrom(io.LimitReader(resp.Body, maxErrorBytes))
	return Normalize(c.Name, resp.StatusCode, resp.Header, b.Bytes(), key)
}

// Stream sends a streamed request and returns once the upstream answered 2xx. Before
// then, any failure is an *api.Error (still retryable by the router).
func (c *Client) Stream(ctx context.Context, r *Request) (*Stream, *api.Error) {
	sctx, cancel := context.WithCancelCause(ctx)
	// Until the first event, the first-byte timeout bounds the wait; then the idle one.
	timer := time.AfterFunc(c.Timeouts.FirstByte, func() { cancel(ErrIdle) })
	req, err := c.newRequest(sctx, r, true)
	if err != nil {
		timer.Stop()
		cancel(nil)
		return nil, &api.Error{Status: 500, Type: api.ErrInternal, Message: c.Name + ": cannot build the upstream request"}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		timer.Stop()
		e := Transport(c.Name, ctx, sctx, err, r.Key)
		cancel(nil)
		return nil, e
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := c.failed(resp, r.Key)
		timer.Stop()
		resp.Body.Close()
		cancel(nil)
		return nil, e
	}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
		// The upstream ignored "stream": an error body or a whole response, neither usable.
		b := GetBuffer()
		_, _ = b.ReadFrom(io.LimitReader(resp.Body, maxErrorBytes))
		msg, _, _ := parseBody(b.Bytes())
		PutBuffer(b)
		timer.Stop()
		resp.Body.Close()
		cancel(nil)
		return nil, &api.Error{Status: 502, Type: api.ErrUpstream, Code: "bad_upstream_response",
			Message: c.Name + ": upstream answered a streamed request with JSON: " + Scrub(msg, r.Key)}
	}
	return &Stream{
		c: c, parent: ctx, ctx: sctx, cancel: cancel, timer: timer, key: r.Key,
		body: resp.Body, rd: sse.NewReader(resp.Body, 0), Header: resp.Header,
	}, nil
}

// Stream is an upstream SSE stream with first-event and idle timeouts.
type Stream struct {
	c      *Client
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	key    string
	body   io.ReadCloser
	rd     *sse.Reader
	// Header is the upstream's response header.
	Header http.Header

	started bool
	ended   bool // the body was read to its end
	closed  bool
}

// Next returns the next event; io.EOF at a clean end of the body. Any other failure is
// an *api.Error (a mid-line cut is a stream_truncated upstream_error; silence beyond the
// idle timeout an upstream_timeout).
func (s *Stream) Next() (sse.Event, error) {
	if s.closed {
		return sse.Event{}, io.EOF
	}
	if s.started {
		s.timer.Reset(s.c.Timeouts.StreamIdle)
	}
	s.started = true
	ev, err := s.rd.Next()
	if err == nil {
		return ev, nil
	}
	if err == io.EOF {
		s.ended = true
		return ev, io.EOF
	}
	if err == sse.ErrTruncated && s.ctx.Err() == nil {
		return ev, Truncated(s.c.Name)
	}
	if err == sse.ErrLineTooLong || err == sse.ErrEventTooLarge {
		return ev, &api.Error{Status: 502, Type: api.ErrUpstream, Code: "bad_upstream_response",
			Message: s.c.Name + ": " + err.Error()}
	}
	return ev, Transport(s.c.Name, s.parent, s.ctx, err, s.key)
}

// Done marks the stream as finished by its protocol ([DONE], message_stop), so Close
// can keep the connection for reuse.
func (s *Stream) Done() {
	if s.ended || s.closed {
		return
	}
	// Read the little that may follow the terminator (the chunked trailer), bounded in
	// size and time: a server that keeps the stream open after its terminator costs a
	// connection, not a stall.
	s.timer.Reset(min(s.c.Timeouts.StreamIdle, drainWindow))
	n, err := io.CopyN(io.Discard, s.body, 4<<10)
	s.ended = n < 4<<10 && err == io.EOF
}

// drainWindow bounds the wait for the end of a body after the protocol's terminator.
const drainWindow = 250 * time.Millisecond

// Close releases the stream; the connection is reused only if the body was read to its
// end. Safe to call more than once.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.timer.Stop()
	if !s.ended {
		s.cancel(context.Canceled)
	}
	err := s.body.Close()
	s.cancel(nil)
	s.rd.Release()
	return err
}
