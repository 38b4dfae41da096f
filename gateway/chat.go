package gateway

import (
	"context"
	"net/http"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

// begin does what every model endpoint does first: overload gate, auth, exchange. It
// answers and returns nil when the request cannot go on.
func (s *Server) begin(ctx *fasthttp.RequestCtx, endpoint string) *exchange {
	writeErr := func(ctx *fasthttp.RequestCtx, e *api.Error) {
		setEarlyRequestID(ctx)
		if endpoint == EndpointMessages {
			writeAnthropicError(ctx, e)
		} else {
			writeError(ctx, e)
		}
	}
	if s.draining.Load() {
		s.rejected.draining.Add(1)
		ctx.SetConnectionClose()
		writeErr(ctx, errDraining)
		return nil
	}
	tab := s.table.Load()
	tenant, _, e := s.authenticate(ctx, tab)
	if e != nil {
		s.rejected.auth.Add(1)
		writeErr(ctx, e)
		return nil
	}
	if e := s.gate.enter(); e != nil {
		s.rejected.overload.Add(1)
		writeErr(ctx, e)
		return nil
	}
	x := s.acquire(ctx, endpoint)
	x.tab = tab
	x.call.Tenant = tenant
	return x
}

// setEarlyRequestID sets x-request-id on answers given before an exchange exists.
func setEarlyRequestID(ctx *fasthttp.RequestCtx) {
	id := ctx.Request.Header.Peek("x-request-id")
	if len(id) > 0 && len(id) <= 128 && printable(id) {
		ctx.Response.Header.SetBytesV("x-request-id", id)
		return
	}
	var buf [32]byte
	ctx.Response.Header.Set("x-request-id", newID(&buf))
}

// fail answers a request that ended before or without an upstream answer.
func (x *exchange) fail(e *api.Error) {
	x.finishPost(e.Status, e)
	setCallHeaders(x.rctx, &x.call)
	if x.anthropic {
		writeAnthropicError(x.rctx, e)
	} else {
		writeError(x.rctx, e)
	}
	x.release()
}

func (s *Server) serveChat(ctx *fasthttp.RequestCtx, endpoint string) {
	x := s.begin(ctx, endpoint)
	if x == nil {
		return
	}
	body, e := requestBody(ctx)
	if e == nil {
		e = DecodeChatRequest(body, &x.req, s.limits.maxTokens, s.limits.maxN)
	}
	if e != nil {
		x.fail(e)
		return
	}
	s.chatDecoded(x)
}

// chatDecoded runs a decoded chat request (x.req) through the pipeline and the router.
func (s *Server) chatDecoded(x *exchange) {
	c := &x.call
	c.Request = &x.req
	c.RequestedModel = x.req.Model
	c.Stream = x.req.Stream
	ran, reply := s.pipe.pre(x.ctx, c)
	x.ran = ran
	if reply != nil {
		s.answerReply(x, reply)
		return
	}
	fallbacks := x.req.Fallbacks
	if len(fallbacks) == 0 {
		var e *api.Error
		if fallbacks, e = headerFallbackList(x.rctx); e != nil {
			x.fail(e)
			return
		}
	}
	targets, e := x.tab.targets(x.req.Model, fallbacks, s.opts.Catalog)
	if e != nil {
		x.fail(e)
		return
	}
	x.watchClient()
	if x.req.Stream {
		s.startStream(x, targets)
		return
	}
	up, e := s.invoke(x.ctx, c, targets, x.chatFn)
	x.unwatchClient()
	if e != nil {
		x.fail(e)
		return
	}
	x.up = up
	s.answerChat(x, x.resp)
}

// prepareUpstream fills x.upReq: the client's request with the upstream model name and
// without Muninn's own fields.
func (x *exchange) prepareUpstream(at *provider.Attempt) *api.ChatRequest {
	x.upReq = x.req
	x.upReq.Model = at.Model
	x.upReq.Fallbacks = nil
	return &x.upReq
}

// chatAttempt is one non-streamed try, bounded by the provider's total timeout.
func (x *exchange) chatAttempt(ctx context.Context, up *upstream, at *provider.Attempt) error {
	if d := up.cfg.Timeouts.Total; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	resp, err := up.prov.Chat(ctx, at, x.prepareUpstream(at))
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded && x.ctx.Err() == nil {
			return &api.Error{Status: http.StatusGatewayTimeout, Type: api.ErrUpstreamTimeout,
				Message: "provider " + up.name + " did not answer within its total timeout"}
		}
		return err
	}
	if resp == nil {
		return &api.Error{Status: http.StatusBadGateway, Type: api.ErrUpstream, Message: "provider " + up.name + " returned no response"}
	}
	x.resp = resp
	return nil
}

// answerReply answers with a pre-hook's Reply.
func (s *Server) answerReply(x *exchange, r *Reply) {
	if r.Error != nil {
		e := r.Error
		if e.Status == 0 {
			e = asAPIError(e)
		}
		x.fail(e)
		return
	}
	if x.req.Stream {
		s.replayStream(x, r.Response)
		return
	}
	s.answerChat(x, r.Response)
}

// answerChat runs the post-hooks and writes a chat response.
func (s *Server) answerChat(x *exchange, resp *api.ChatResponse) {
	c := &x.call
	c.Response = resp
	c.Usage = resp.Usage
	c.FirstByte = time.Since(c.Start)
	x.finishPost(http.StatusOK, nil)
	ctx := x.rctx
	if x.anthropic {
		if !writeAnthropicResponse(ctx, c, resp) {
			writeAnthropicError(ctx, errInternal)
		}
		x.release()
		return
	}
	var err error
	x.buf, err = appendResponseJSON(x.buf[:0], resp)
	if err != nil {
		s.log.Error("encode chat response", "request_id", c.ID, "err", err)
		setCallHeaders(ctx, c)
		writeError(ctx, errInternal)
		x.release()
		return
	}
	setCallHeaders(ctx, c)
	ctx.SetContentType(contentJSON)
	ctx.SetStatusCode(http.StatusOK)
	ctx.SetBody(x.buf)
	x.release()
}
