package loadgen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/bench/internal/hist"
	"github.com/valyala/fasthttp"
)

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
