package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/bench/internal/hist"
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

// Result is what one run measured.
type Result struct {
	Target   string
	Requests uint64 // completed requests, including errors
	Errors   uint64
	// ErrorKinds counts errors by kind ("status 503", "timeout", ...).
	ErrorKinds map[string]uint64
	Elapsed    time.Duration // from the first scheduled send to the last completion
	Latency    *hist.Histogram
	TTFB       *hist.Histogram // streams only
	// Lateness is how late workers actually sent after the scheduled time (open loop):
	// the load generator's own timer and scheduling noise, included in Latency.
	Lateness *hist.Histogram
	// Service is the latency measured from the actual send (open loop; equal to
	// Latency in a closed loop): without the sender's lateness, but blind to queueing.
	Service *hist.Histogram
}

// Rate is the achieved rate of successful requests per second.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// Add accumulates o, a later run against the same target, into r: counts, histograms
// and elapsed time add up, so Rate is over the runs' total time.
func (r *Result) Add(o *Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if r.ErrorKinds == nil {
		r.ErrorKinds = map[string]uint64{}
	}
	for k, v := range o.ErrorKinds {
		r.ErrorKinds[k] += v
	}
	r.Elapsed += o.Elapsed
	for _, h := range []struct{ dst, src **hist.Histogram }{
		{&r.Latency, &o.Latency}, {&r.TTFB, &o.TTFB}, {&r.Lateness, &o.Lateness}, {&r.Service, &o.Service},
	} {
		if *h.src == nil {
			continue
		}
		if *h.dst == nil {
			*h.dst = hist.New()
		}
		(*h.dst).Merge(*h.src)
	}
}

// ErrorSummary lists the error kinds, most frequent first ("" when none).
func (r *Result) ErrorSummary() string {
	if len(r.ErrorKinds) == 0 {
		return ""
	}
	kinds := make([]string, 0, len(r.ErrorKinds))
	for k := range r.ErrorKinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		a, b := r.ErrorKinds[kinds[i]], r.ErrorKinds[kinds[j]]
		return a > b || a == b && kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s: %d", k, r.ErrorKinds[k])
	}
	return strings.Join(parts, ", ")
}

// worker is one connection's share of a run; merged into the Result at the end.
type worker struct {
	t        *Target
	hc       *fasthttp.HostClient
	req      *fasthttp.Request
	resp     *fasthttp.Response
	buf      []byte
	n, errs  uint64
	kinds    map[string]uint64
	lat      *hist.Histogram
	ttfb     *hist.Histogram
	lateness *hist.Histogram
	service  *hist.Histogram
	last     time.Time // last completion
}

func newClient(t *Target, conns int) *fasthttp.HostClient {
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

func newWorker(t *Target, hc *fasthttp.HostClient) *worker {
	w := &worker{
		t: t, hc: hc,
		req: new(fasthttp.Request), resp: new(fasthttp.Response),
		buf: make([]byte, 16<<10), kinds: map[string]uint64{},
		lat: hist.New(), lateness: hist.New(), service: hist.New(),
	}
	if t.Stream {
		w.ttfb = hist.New()
	}
	w.req.Header.SetMethod(fasthttp.MethodPost)
	w.req.SetRequestURI("http://" + t.Addr + t.Path)
	w.req.Header.SetContentType("application/json")
	for k, v := range t.Header {
		w.req.Header.Set(k, v)
	}
	w.req.SetBodyRaw(t.Body)
	return w
}

// do sends one request; latency and TTFB are measured from `from`.
func (w *worker) do(from time.Time) {
	sent := time.Now()
	w.resp.Reset()
	err := w.hc.Do(w.req, w.resp)
	ok := false
	var kind string
	switch {
	case err != nil:
		kind = errKind(err)
	case w.resp.StatusCode() != fasthttp.StatusOK:
		kind = fmt.Sprintf("status %d", w.resp.StatusCode())
	case w.t.Stream:
		ok, kind = w.readStream(from)
	default:
		ok = len(w.t.Expect) == 0 || bytes.Contains(w.resp.Body(), w.t.Expect)
		if !ok {
			kind = "unexpected body"
		}
	}
	if w.t.Stream {
		_ = w.resp.CloseBodyStream()
	}
	now := time.Now()
	w.n++
	w.last = now
	if !ok {
		w.errs++
		w.kinds[kind]++
		return
	}
	w.lat.Record(now.Sub(from))
	w.service.Record(now.Sub(sent))
}

// readStream reads an SSE body to its end, recording the first byte's arrival.
func (w *worker) readStream(from time.Time) (bool, string) {
	body := w.resp.BodyStream()
	if body == nil {
		// The whole body was already read with the headers.
		b := w.resp.Body()
		if len(b) > 0 {
			w.ttfb.Record(time.Since(from))
		}
		return streamDone(b, len(w.t.Expect) == 0 || bytes.Contains(b, w.t.Expect))
	}
	var tail []byte // the end of the stream, to find [DONE]
	first, found := true, len(w.t.Expect) == 0
	for {
		n, err := body.Read(w.buf)
		if n > 0 {
			if first {
				w.ttfb.Record(time.Since(from))
				first = false
			}
			chunk := w.buf[:n]
			if !found {
				found = bytes.Contains(append(tail, chunk...), w.t.Expect)
			}
			tail = append(tail[:0], chunk[max(0, n-64):]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, errKind(err)
		}
	}
	if first {
		return false, "empty stream"
	}
	return streamDone(tail, found)
}

// streamDone judges a finished stream by its last bytes and whether the expected marker
// was seen.
func streamDone(tail []byte, found bool) (bool, string) {
	if !bytes.Contains(tail, []byte("data: [DONE]")) {
		return false, "stream without [DONE]"
	}
	if !found {
		return false, "unexpected body"
	}
	return true, ""
}

func errKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, fasthttp.ErrTimeout), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, fasthttp.ErrConnectionClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "connection reset"):
		return "connection reset"
	}
	s := err.Error()
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

func merge(t *Target, start time.Time, ws []*worker) *Result {
	r := &Result{Target: t.Name, ErrorKinds: map[string]uint64{}, Latency: hist.New(), Lateness: hist.New(), Service: hist.New()}
	if t.Stream {
		r.TTFB = hist.New()
	}
	last := start
	for _, w := range ws {
		r.Requests += w.n
		r.Errors += w.errs
		for k, v := range w.kinds {
			r.ErrorKinds[k] += v
		}
		r.Latency.Merge(w.lat)
		r.Lateness.Merge(w.lateness)
		r.Service.Merge(w.service)
		if r.TTFB != nil {
			r.TTFB.Merge(w.ttfb)
		}
		if w.last.After(last) {
			last = w.last
		}
	}
	r.Elapsed = last.Sub(start)
	return r
}

// FixedRate sends rate requests per second for dur (open loop, see the package doc)
// over conns connections. It stops early, with what it measured, when ctx is done.
func FixedRate(ctx context.Context, t Target, rate float64, dur time.Duration, conns int) (*Result, error) {
	if rate <= 0 || dur <= 0 || conns <= 0 {
		return nil, fmt.Errorf("fixed rate: rate %v, duration %v and connections %d must be positive", rate, dur, conns)
	}
	total := int64(rate * dur.Seconds())
	if total < 1 {
		total = 1
	}
	conns = int(min(int64(conns), total))
	hc := newClient(&t, conns)
	defer hc.CloseIdleConnections()
	interval := float64(time.Second) / rate
	ws := make([]*worker, conns)
	for i := range ws {
		ws[i] = newWorker(&t, hc)
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

// ClosedLoop keeps conns requests in flight for dur; latency is measured from each send.
func ClosedLoop(ctx context.Context, t Target, conns int, dur time.Duration) (*Result, error) {
	if dur <= 0 || conns <= 0 {
		return nil, fmt.Errorf("closed loop: duration %v and connections %d must be positive", dur, conns)
	}
	hc := newClient(&t, conns)
	defer hc.CloseIdleConnections()
	ws := make([]*worker, conns)
	for i := range ws {
		ws[i] = newWorker(&t, hc)
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
