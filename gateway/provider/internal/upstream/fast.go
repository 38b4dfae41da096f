package upstream

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// fastPool is the HTTP/1.1 transport used for plain-http upstreams (local vLLM, Ollama,
// LM Studio, the benchmark's fake upstream): requests are written and answers read by
// the calling goroutine on a pooled connection, with no goroutine hand-off, and every
// timeout and cancellation is a deadline on the connection. Under CPU contention this
// costs several times less than net/http's per-connection read and write loops
// (BenchmarkClient). https upstreams use net/http (TLS, HTTP/2, proxies).
type fastPool struct {
	addr    string // host:port to dial
	host    string // Host header
	dialer  net.Dialer
	mu      sync.Mutex
	idle    []*fastConn
	maxIdle int
	sem     chan struct{} // bounds open connections; nil when unbounded
}

// fastConn is one pooled connection.
type fastConn struct {
	c        net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	hdr      fasthttp.ResponseHeader
	reused   bool
	lastUse  time.Time
	canceled atomic.Bool // set by the context watcher before it cuts the connection
	body     bodyReader
}

// idleMax is how long an idle connection is kept; servers often close sooner, which
// the one retry on a reused connection covers.
const idleMax = 60 * time.Second

func newFastPool(hostport string, connect time.Duration, maxConns int) *fastPool {
	addr := hostport
	if _, _, err := net.SplitHostPort(hostport); err != nil {
		addr = net.JoinHostPort(hostport, "80")
	}
	p := &fastPool{addr: addr, host: hostport, dialer: net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}, maxIdle: 512}
	if maxConns > 0 {
		p.sem = make(chan struct{}, maxConns)
		p.maxIdle = maxConns
	}
	return p
}

func (p *fastPool) get(ctx context.Context, fresh bool) (*fastConn, error) {
	if p.sem != nil {
		select {
		case p.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if !fresh {
		now := time.Now()
		p.mu.Lock()
		for n := len(p.idle); n > 0; n = len(p.idle) {
			fc := p.idle[n-1]
			p.idle = p.idle[:n-1]
			if now.Sub(fc.lastUse) < idleMax {
				p.mu.Unlock()
				fc.reused = true
				return fc, nil
			}
			_ = fc.c.Close()
		}
		p.mu.Unlock()
	}
	c, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		p.release()
		return nil, err
	}
	return &fastConn{c: c, br: bufio.NewReaderSize(c, 32<<10), bw: bufio.NewWriterSize(c, 16<<10)}, nil
}

func (p *fastPool) release() {
	if p.sem != nil {
		<-p.sem
	}
}

// put returns a connection whose answer was read to its end.
func (p *fastPool) put(fc *fastConn) {
	fc.lastUse = time.Now()
	fc.canceled.Store(false)
	_ = fc.c.SetDeadline(time.Time{})
	p.mu.Lock()
	if len(p.idle) < p.maxIdle {
		p.idle = append(p.idle, fc)
		fc = nil
	}
	p.mu.Unlock()
	if fc != nil {
		_ = fc.c.Close()
	}
	p.release()
}

// discard closes a connection that cannot be reused.
func (p *fastPool) discard(fc *fastConn) {
	_ = fc.c.Close()
	p.release()
}

func (p *fastPool) closeIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, fc := range idle {
		_ = fc.c.Close()
	}
}

var pastDeadline = time.Unix(1, 0)

// setReadDeadline sets the read deadline unless the exchange was canceled: the
// canceling watcher may have run just before, and its past deadline must win.
func (fc *fastConn) setReadDeadline(t time.Time) {
	_ = fc.c.SetReadDeadline(t)
	if fc.canceled.Load() {
		_ = fc.c.SetDeadline(pastDeadline)
	}
}

func (fc *fastConn) setWriteDeadline(t time.Time) {
	_ = fc.c.SetWriteDeadline(t)
	if fc.canceled.Load() {
		_ = fc.c.SetDeadline(pastDeadline)
	}
}

// watch cuts fc when ctx is done; the returned stop must be called when the exchange
// no longer needs watching.
func watch(ctx context.Context, fc *fastConn) (stop func() bool) {
	if ctx.Done() == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, func() {
		fc.canceled.Store(true)
		_ = fc.c.SetDeadline(pastDeadline)
	})
}

// validHeader reports whether a header can be written without breaking the framing.
func validHeader(name, value string) bool {
	return name != "" && !strings.ContainsAny(name, "\r\n: ") && !strings.ContainsAny(value, "\r\n")
}

// writeRequest writes the POST of r to fc. Later headers with the same name win, and
// r's headers replace the defaults (Content-Type, Accept, User-Agent).
func (p *fastPool) writeRequest(fc *fastConn, pathQuery string, r *Request, stream bool) error {
	bw := fc.bw
	bw.WriteString("POST ")
	bw.WriteString(pathQuery)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(p.host)
	bw.WriteString("\r\nContent-Length: ")
	bw.WriteString(strconv.Itoa(len(r.Body)))
	bw.WriteString("\r\n")
	if !hasHeader(r.Header, "Content-Type") {
		bw.WriteString("Content-Type: application/json\r\n")
	}
	if !hasHeader(r.Header, "Accept") {
		if stream {
			bw.WriteString("Accept: text/event-stream\r\n")
		} else {
			bw.WriteString("Accept: application/json\r\n")
		}
	}
	if !hasHeader(r.Header, "User-Agent") {
		bw.WriteString("User-Agent: muninn\r\n")
	}
	for i, h := range r.Header {
		if !validHeader(h[0], h[1]) || strings.EqualFold(h[0], "Host") || strings.EqualFold(h[0], "Content-Length") ||
			strings.EqualFold(h[0], "Transfer-Encoding") || strings.EqualFold(h[0], "Connection") || hasHeader(r.Header[i+1:], h[0]) {
			continue
		}
		bw.WriteString(h[0])
		bw.WriteString(": ")
		bw.WriteString(h[1])
		bw.WriteString("\r\n")
	}
	bw.WriteString("\r\n")
	bw.Write(r.Body)
	return bw.Flush()
}

func hasHeader(hs [][2]string, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}

// errRetry marks a reused connection that the server had closed before answering.
var errRetry = errors.New("upstream closed an idle connection")

// roundTrip writes r and reads the answer's header on a pooled connection, retrying once
// on a fresh connection when a reused one turns out closed. The caller owns fc after,
// and must read the body and put or discard it.
func (p *fastPool) roundTrip(ctx context.Context, pathQuery string, r *Request, stream bool, writeDeadline, headerDeadline time.Time) (*fastConn, func() bool, error) {
	for attempt := 0; ; attempt++ {
		fc, err := p.get(ctx, attempt > 0)
		if err != nil {
			return nil, nil, err
		}
		stop := watch(ctx, fc)
		err = p.exchange(fc, pathQuery, r, stream, writeDeadline, headerDeadline)
		if err == nil {
			return fc, stop, nil
		}
		stop()
		p.discard(fc)
		if err == errRetry && attempt == 0 && ctx.Err() == nil {
			continue
		}
		if err == errRetry {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, err
	}
}

func (p *fastPool) exchange(fc *fastConn, pathQuery string, r *Request, stream bool, writeDeadline, headerDeadline time.Time) error {
	if fc.canceled.Load() {
		return context.Canceled
	}
	fc.setWriteDeadline(writeDeadline)
	fc.setReadDeadline(headerDeadline)
	if err := p.writeRequest(fc, pathQuery, r, stream); err != nil {
		if fc.reused && !fc.canceled.Load() && isClosedConn(err) {
			return errRetry
		}
		return err
	}
	fc.hdr.Reset()
	if err := fc.hdr.Read(fc.br); err != nil {
		if err == io.EOF && fc.reused && !fc.canceled.Load() {
			return errRetry
		}
		if err == fasthttp.ErrTimeout {
			return timeoutErr{}
		}
		return err
	}
	return nil
}

func isClosedConn(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "broken pipe") ||
		strings.Contains(err.Error(), "connection reset")
}

// timeoutErr is a read deadline passing.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// splitURL splits "http://host:port/path?q" into host:port and "/path?q".
func splitURL(u string) (host, pathQuery string, ok bool) {
	rest, ok := strings.CutPrefix(u, "http://")
	if !ok {
		return "", "", false
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		i = len(rest)
	}
	host = rest[:i]
	if host == "" || strings.ContainsAny(host, "@?#") {
		return "", "", false // userinfo and odd forms go through net/http
	}
	pathQuery = rest[i:]
	if pathQuery == "" {
		pathQuery = "/"
	}
	return host, pathQuery, true
}
