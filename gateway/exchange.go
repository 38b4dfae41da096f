package gateway

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

// exchange is the pooled state of one request: its Call, decoded request, and what the
// handler needs until the answer is written (for a stream, until its end).
type exchange struct {
	s    *Server
	call Call
	req  api.ChatRequest
	// upReq is the request as sent upstream (model rewritten, fallbacks removed).
	upReq api.ChatRequest
	emb   api.EmbeddingRequest
	upEmb api.EmbeddingRequest
	cmp   api.CompletionRequest
	upCmp api.CompletionRequest

	rctx *fasthttp.RequestCtx
	// saved holds a copy of the request headers once rctx may no longer be read (after
	// the handler returned, while a stream is written).
	saved   [][2]string
	useSave bool

	tab       *table
	ran       int // plugins whose pre-hook ran
	up        *upstream
	resp      *api.ChatResponse
	stream    provider.ChatStream
	raw       []byte
	rawStream provider.RawStream
	embResp   *api.EmbeddingResponse

	ctx    context.Context
	cancel context.CancelFunc
	// Stream state: the first chunk (read before answering, so that failures before it
	// are retried), the attempt's cancel, and the timer that bounds the wait for the
	// first and then each next event.
	first        *api.ChatChunk
	streamCancel context.CancelFunc
	fbTimer      *time.Timer
	idle         time.Duration
	timedOut     *atomic.Bool // set by the timer of the current attempt

	// Method values bound once per pooled exchange, so the hot path does not allocate
	// them per request.
	chatFn, streamFn, embedFn, completeFn attemptFunc
	body                                  streamBody

	watch clientWatch

	// anthropic is set for the Anthropic Messages front.
	anthropic bool
	idBuf     [32]byte
	buf       []byte
}

func newExchange(s *Server) *exchange {
	x := &exchange{s: s}
	x.call.headers = x.header
	x.call.eachHeader = x.visitHeaders
	x.chatFn, x.streamFn = x.chatAttempt, x.streamAttempt
	x.embedFn, x.completeFn = x.embedAttempt, x.completeAttempt
	return x
}

func (x *exchange) header(name string) string {
	if x.useSave {
		for _, h := range x.saved {
			if strings.EqualFold(h[0], name) {
				return h[1]
			}
		}
		return ""
	}
	if x.rctx == nil {
		return ""
	}
	return string(x.rctx.Request.Header.Peek(name))
}

func (x *exchange) visitHeaders(fn func(name, value string)) {
	if x.useSave {
		for _, h := range x.saved {
			fn(h[0], h[1])
		}
		return
	}
	if x.rctx == nil {
		return
	}
	for k, v := range x.rctx.Request.Header.All() {
		fn(strings.ToLower(string(k)), string(v))
	}
}

// saveHeaders copies the request headers so that hooks running after the handler
// returned (stream post-hooks) can still read them.
func (x *exchange) saveHeaders() {
	x.saved = x.saved[:0]
	for k, v := range x.rctx.Request.Header.All() {
		x.saved = append(x.saved, [2]string{strings.ToLower(string(k)), string(v)})
	}
	x.useSave = true
}

// reset clears the exchange for reuse, keeping slice capacity and the bound header
// functions.
func (x *exchange) reset() {
	attempts := x.call.Attempts[:0]
	respHeaders := x.call.respHeaders[:0]
	headers, each := x.call.headers, x.call.eachHeader
	// UpstreamHeaders is not reused: plugins may have set it to a slice they own.
	x.call = Call{Attempts: attempts, respHeaders: respHeaders, headers: headers, eachHeader: each}
	x.req = api.ChatRequest{}
	x.upReq = api.ChatRequest{}
	x.emb, x.upEmb = api.EmbeddingRequest{}, api.EmbeddingRequest{}
	x.cmp, x.upCmp = api.CompletionRequest{}, api.CompletionRequest{}
	x.rctx = nil
	clear(x.saved)
	x.saved = x.saved[:0]
	x.useSave = false
	x.tab, x.ran, x.up = nil, 0, nil
	x.resp, x.stream, x.raw, x.rawStream, x.embResp = nil, nil, nil, nil, nil
	x.ctx, x.cancel = nil, nil
	x.first, x.streamCancel, x.fbTimer, x.idle = nil, nil, nil, 0
	x.timedOut = nil
	x.anthropic = false
	if cap(x.buf) > maxPooledBuf {
		x.buf = nil // never keep a huge buffer in the pool
	}
	x.buf = x.buf[:0]
	if cap(x.call.Attempts) > 64 {
		x.call.Attempts = nil
	}
}

// maxPooledBuf is the largest encoding buffer an exchange keeps between requests.
const maxPooledBuf = 256 << 10

// acquire takes an exchange from the pool for a request on rctx.
func (s *Server) acquire(rctx *fasthttp.RequestCtx, endpoint string) *exchange {
	x := s.exchanges.Get().(*exchange)
	x.rctx = rctx
	x.tab = s.table.Load()
	c := &x.call
	c.Endpoint = endpoint
	c.Start = time.Now()
	c.ID = x.requestID()
	if tp := rctx.Request.Header.Peek("traceparent"); len(tp) == 55 {
		c.Trace.TraceParent = string(tp)
		if ts := rctx.Request.Header.Peek("tracestate"); len(ts) > 0 && len(ts) <= 512 {
			c.Trace.TraceState = string(ts)
		}
	}
	x.ctx, x.cancel = context.WithCancel(s.baseCtx)
	return x
}

// release ends the exchange: frees its provider slot and gateway slot and returns it to
// the pool. Nothing may touch the exchange or its Call afterwards.
func (x *exchange) release() {
	s := x.s
	x.unwatchClient()
	if x.up != nil {
		x.up.limit.release()
	}
	if x.fbTimer != nil {
		x.fbTimer.Stop()
	}
	if x.streamCancel != nil {
		x.streamCancel()
	}
	if x.cancel != nil {
		x.cancel()
	}
	x.reset()
	s.gate.leave()
	s.exchanges.Put(x)
}

// requestID returns the client's x-request-id when it is sane, else a new random one.
func (x *exchange) requestID() string {
	if id := x.rctx.Request.Header.Peek("x-request-id"); len(id) > 0 && len(id) <= 128 && printable(id) {
		return string(id)
	}
	return newID(&x.idBuf)
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// finishPost sets the call's end state and runs the post-hooks of the plugins that ran.
func (x *exchange) finishPost(status int, e *api.Error) {
	c := &x.call
	c.Status, c.Err = status, e
	if c.Duration == 0 {
		c.Duration = time.Since(c.Start)
	}
	x.s.pipe.post(x.ctx, c, x.ran)
}
