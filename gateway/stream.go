package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

var (
	sseData        = []byte("data: ")
	sseEnd         = []byte("\n\n")
	sseDone        = []byte("data: [DONE]\n\n")
	includeUsageOn = &api.StreamOptions{IncludeUsage: true}
)

// streamAttempt opens a stream and waits for its first chunk, so that a failure before
// the first byte reaches the client is still retried. The first-byte timer cancels the
// attempt when the upstream is too slow; it is re-armed as the idle timer afterwards.
func (x *exchange) streamAttempt(ctx context.Context, up *upstream, at *provider.Attempt) error {
	if up.streamer == nil {
		return &api.Error{Status: http.StatusBadRequest, Type: api.ErrUnsupported,
			Message: "provider " + up.name + " cannot stream chat completions"}
	}
	req := x.prepareUpstream(at)
	req.Stream = true
	// Always ask for usage so that costs and logs know it; it is forwarded to the client
	// only when the client asked.
	req.StreamOptions = includeUsageOn
	actx, cancel := context.WithCancel(ctx)
	fired := new(atomic.Bool)
	x.timedOut = fired
	fb := up.cfg.Timeouts.FirstByte
	if fb <= 0 {
		fb = DefaultFirstByte
	}
	timer := time.AfterFunc(fb, func() { fired.Store(true); cancel() })
	st, err := up.streamer.ChatStream(actx, at, req)
	var first *api.ChatChunk
	if err == nil {
		first, err = st.Next()
		if errors.Is(err, io.EOF) {
			err = nil
		} else if err != nil {
			st.Close()
		}
	}
	if err != nil {
		timer.Stop()
		cancel()
		if fired.Load() {
			return &api.Error{Status: http.StatusGatewayTimeout, Type: api.ErrUpstreamTimeout,
				Message: "provider " + up.name + " sent no first byte within its first-byte timeout"}
		}
		return err
	}
	x.stream, x.first, x.fbTimer, x.streamCancel = st, first, timer, cancel
	return nil
}

// startStream routes a streamed chat request, then hands the answer to fasthttp's body
// stream writer, which runs once the handler returns.
func (s *Server) startStream(x *exchange, targets []target) {
	up, e := s.invoke(x.ctx, &x.call, targets, x.streamFn)
	x.unwatchClient()
	if e != nil {
		x.fail(e)
		return
	}
	x.up = up
	x.idle = up.cfg.Timeouts.StreamIdle
	if x.idle <= 0 {
		x.idle = DefaultStreamIdle
	}
	s.sendStream(x)
}

// replayStream answers a streamed request with a pre-hook's response, as chunks.
func (s *Server) replayStream(x *exchange, resp *api.ChatResponse) {
	x.stream = newReplay(resp)
	x.first, _ = x.stream.Next()
	s.sendStream(x)
}

func (s *Server) sendStream(x *exchange) {
	ctx := x.rctx
	setCallHeaders(ctx, &x.call)
	ctx.SetStatusCode(http.StatusOK)
	if x.anthropic {
		ctx.SetContentType("text/event-stream")
	} else {
		ctx.SetContentType("text/event-stream; charset=utf-8")
	}
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.Response.Header.Set("X-Accel-Buffering", "no")
	x.saveHeaders()
	x.body.x = x
	ctx.Response.SetBodyStream(&x.body, -1)
}

// streamBody is the body of a streamed answer. fasthttp writes it by calling WriteTo in
// the connection's own goroutine, after the response header (which goes out in the same
// write as the first event): no goroutine and pipe per stream as with
// SetBodyStreamWriter. Each Write to the writer fasthttp hands over is one HTTP chunk and
// one flush. fasthttp closes the body after writing it, or instead of writing it when it
// drops the response; Close ends the exchange.
type streamBody struct {
	x        *exchange
	written  bool
	panicked bool
}

// errStreamRead is returned by Read: the body is only written through WriteTo.
var errStreamRead = errors.New("gateway: a stream body is written with WriteTo, not read")

func (b *streamBody) WriteTo(w io.Writer) (int64, error) {
	b.written = true
	return b.x.writeStream(w)
}

// SupportsBodyWriteTo tells fasthttp to use WriteTo (fasthttp.BodyWriterTo).
func (b *streamBody) SupportsBodyWriteTo() bool { return true }

func (b *streamBody) Read([]byte) (int, error) { return 0, errStreamRead }

func (b *streamBody) Close() error {
	x := b.x
	if x == nil {
		return nil
	}
	if !b.written {
		// The response was dropped unwritten (the client left, or a HEAD request): end
		// the stream as for a departed client.
		b.written = true
		_, _ = x.writeStream(goneWriter{})
	}
	panicked := b.panicked
	*b = streamBody{}
	if !panicked { // after a panic the exchange is left to the collector, not reused
		x.release()
	}
	return nil
}

// goneWriter is the writer of a stream whose client is gone.
type goneWriter struct{}

func (goneWriter) Write([]byte) (int, error) { return 0, errClientGone }

var errClientGone = errors.New("gateway: client gone")

// writeStream writes the chunks as SSE events until the end of the stream, the client's
// departure or a timeout, then assembles Call.Response and runs the post-hooks. Events
// are gathered in x.buf and written to w (one HTTP chunk and one flush per Write): the
// first at once, the next ones when the provider stream has no further event already
// received (bufferedStream), so that a burst goes out in one write.
func (x *exchange) writeStream(w io.Writer) (written int64, werr error) {
	defer func() {
		if v := recover(); v != nil {
			// A bug: end this stream, keep the process.
			x.body.panicked = true
			x.s.log.Error("stream writer panicked", "request_id", x.call.ID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			werr = fmt.Errorf("gateway: stream writer panicked: %v", v)
		}
	}()
	x.buf = x.buf[:0]
	flush := func() bool {
		if len(x.buf) == 0 {
			return true
		}
		n, err := w.Write(x.buf)
		written += int64(n)
		x.buf = x.buf[:0]
		if err != nil {
			werr = err
			return false
		}
		return true
	}
	s, c := x.s, &x.call
	st := x.stream
	wantUsage := x.req.StreamOptions != nil && x.req.StreamOptions.IncludeUsage
	var asm assembler
	var enc sseEncoder
	if x.anthropic {
		enc = newAnthropicEncoder(x)
	} else {
		enc = openAIEncoder{}
	}
	ch, err := x.first, error(nil)
	if ch == nil {
		err = io.EOF
	}
	buffered, _ := st.(bufferedStream)
	clientGone := false
	for err == nil {
		if x.fbTimer != nil && x.idle > 0 {
			x.fbTimer.Reset(x.idle)
		}
		asm.add(ch)
		if c.Usage == nil && ch.Usage != nil {
			c.Usage = ch.Usage
		}
		if s.wantsChunks {
			s.pipe.chunk(c, ch, x.ran)
		}
		if send := filterUsage(ch, wantUsage); send != nil {
			n := len(x.buf)
			x.buf, err = enc.chunk(x.buf, send)
			if err != nil {
				x.buf = x.buf[:n]
			} else {
				first := c.FirstByte == 0
				if first {
					c.FirstByte = time.Since(c.Start)
				}
				if first || buffered == nil || len(x.buf) >= maxPendingStream || !buffered.Buffered() {
					if !flush() {
						clientGone = true
						break
					}
				}
			}
		}
		if err == nil {
			ch, err = st.Next()
		}
	}
	if x.fbTimer != nil {
		x.fbTimer.Stop()
	}
	var e *api.Error
	switch {
	case clientGone:
		e = errCanceled
		x.cancel()
	case errors.Is(err, io.EOF):
		c.StreamComplete = asm.finished()
		x.buf = enc.end(x.buf, &asm, c)
		flush()
	default:
		e = asAPIError(err)
		if x.timedOut != nil && x.timedOut.Load() {
			e = &api.Error{Status: http.StatusGatewayTimeout, Type: api.ErrUpstreamTimeout, Message: "the upstream stream went idle past its timeout"}
		} else if x.ctx.Err() != nil {
			e = errCanceled
		}
		x.buf = enc.fail(x.buf, e)
		flush()
	}
	st.Close()
	if x.streamCancel != nil {
		x.streamCancel()
	}
	c.Response = asm.response()
	if c.Usage == nil && c.Response != nil {
		c.Usage = c.Response.Usage
	}
	c.Duration = time.Since(c.Start)
	if e != nil {
		x.finishPost(e.Status, e)
	} else {
		x.finishPost(http.StatusOK, nil)
	}
	return written, werr
}

// maxPendingStream bounds the events gathered before a write.
const maxPendingStream = 32 << 10

// filterUsage returns the chunk to send: usage stripped when the client did not ask for
// it, and nil for a usage-only chunk the client did not ask for.
func filterUsage(ch *api.ChatChunk, wantUsage bool) *api.ChatChunk {
	if wantUsage || ch.Usage == nil {
		return ch
	}
	if len(ch.Choices) == 0 {
		return nil
	}
	ch.Usage = nil
	return ch
}

// bufferedStream is implemented by provider streams that can tell whether their next
// chunk has already been received (a Buffered method on the stream). The gateway then
// delays the flush, so a burst of chunks goes to the client in one write instead of one
// system call per chunk; a stream without it is flushed after every chunk.
type bufferedStream interface{ Buffered() bool }

// sseEncoder writes chunks in the client's wire format.
type sseEncoder interface {
	chunk(buf []byte, ch *api.ChatChunk) ([]byte, error)
	end(buf []byte, asm *assembler, c *Call) []byte
	fail(buf []byte, e *api.Error) []byte
}

type openAIEncoder struct{}

func (openAIEncoder) chunk(buf []byte, ch *api.ChatChunk) ([]byte, error) {
	buf = append(buf, sseData...)
	buf, err := appendChunkJSON(buf, ch)
	if err != nil {
		return buf, err
	}
	return append(buf, sseEnd...), nil
}

func (openAIEncoder) end(buf []byte, _ *assembler, _ *Call) []byte { return append(buf, sseDone...) }

func (openAIEncoder) fail(buf []byte, e *api.Error) []byte {
	buf = append(buf, sseData...)
	buf = append(buf, e.JSON()...)
	return append(buf, sseEnd...)
}
