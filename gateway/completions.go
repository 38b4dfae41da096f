package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

// serveCompletions passes the legacy completions endpoint through to providers that
// implement provider.Completer. Responses are raw upstream JSON; only the usage is read.
func (s *Server) serveCompletions(ctx *fasthttp.RequestCtx) {
	x := s.begin(ctx, EndpointCompletions)
	if x == nil {
		return
	}
	body, e := requestBody(ctx)
	if e == nil {
		e = DecodeCompletionRequest(body, &x.cmp, s.limits.maxTokens, s.limits.maxN)
	}
	if e != nil {
		x.fail(e)
		return
	}
	c := &x.call
	c.RequestedModel = x.cmp.Model
	c.Stream = x.cmp.Stream
	ran, reply := s.pipe.pre(x.ctx, c)
	x.ran = ran
	if reply != nil && reply.Error != nil {
		x.fail(asAPIError(reply.Error))
		return
	}
	fallbacks := x.cmp.Fallbacks
	if len(fallbacks) == 0 {
		if fallbacks, e = headerFallbackList(ctx); e != nil {
			x.fail(e)
			return
		}
	}
	targets, e := x.tab.targets(x.cmp.Model, fallbacks, s.opts.Catalog)
	if e != nil {
		x.fail(e)
		return
	}
	x.watchClient()
	up, e := s.invoke(x.ctx, c, targets, x.completeFn)
	x.unwatchClient()
	if e != nil {
		x.fail(e)
		return
	}
	x.up = up
	if x.cmp.Stream {
		setCallHeaders(ctx, c)
		ctx.SetStatusCode(http.StatusOK)
		ctx.SetContentType("text/event-stream; charset=utf-8")
		ctx.Response.Header.Set("Cache-Control", "no-cache")
		x.saveHeaders()
		ctx.SetBodyStreamWriter(x.writeRawStream)
		return
	}
	var u struct {
		Usage *api.Usage `json:"usage"`
	}
	if json.Unmarshal(x.raw, &u) == nil {
		c.Usage = u.Usage
	}
	c.FirstByte = time.Since(c.Start)
	x.finishPost(http.StatusOK, nil)
	setCallHeaders(ctx, c)
	ctx.SetContentType(contentJSON)
	ctx.SetBody(x.raw)
	x.release()
}

func (x *exchange) completeAttempt(ctx context.Context, up *upstream, at *provider.Attempt) error {
	if up.completer == nil {
		return &api.Error{Status: http.StatusBadRequest, Type: api.ErrUnsupported,
			Message: "provider " + up.name + " does not serve the completions endpoint"}
	}
	x.upCmp = x.cmp
	x.upCmp.Model = at.Model
	x.upCmp.Fallbacks = nil
	if x.cmp.Stream {
		st, err := up.completer.CompleteStream(x.ctx, at, &x.upCmp)
		if err != nil {
			return err
		}
		x.rawStream = st
		return nil
	}
	if d := up.cfg.Timeouts.Total; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	b, err := up.completer.Complete(ctx, at, &x.upCmp)
	if err != nil {
		return err
	}
	x.raw = b
	return nil
}

// writeRawStream relays upstream SSE payloads unchanged.
func (x *exchange) writeRawStream(w *bufio.Writer) {
	c := &x.call
	st := x.rawStream
	var e *api.Error
	for {
		p, err := st.Next()
		if errors.Is(err, io.EOF) {
			c.StreamComplete = true
			w.Write(sseDone)
			w.Flush()
			break
		}
		if err != nil {
			e = asAPIError(err)
			if x.ctx.Err() != nil {
				e = errCanceled
			}
			w.Write(sseData)
			w.Write(e.JSON())
			w.Write(sseEnd)
			w.Flush()
			break
		}
		if c.FirstByte == 0 {
			c.FirstByte = time.Since(c.Start)
		}
		w.Write(sseData)
		w.Write(p)
		w.Write(sseEnd)
		if w.Flush() != nil {
			e = errCanceled
			x.cancel()
			break
		}
	}
	st.Close()
	c.Duration = time.Since(c.Start)
	if e != nil {
		x.finishPost(e.Status, e)
	} else {
		x.finishPost(http.StatusOK, nil)
	}
	x.release()
}
