package gateway

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

func (s *Server) serveEmbeddings(ctx *fasthttp.RequestCtx) {
	x := s.begin(ctx, EndpointEmbeddings)
	if x == nil {
		return
	}
	body, e := requestBody(ctx)
	if e == nil {
		e = DecodeEmbeddingRequest(body, &x.emb)
	}
	if e != nil {
		x.fail(e)
		return
	}
	c := &x.call
	c.Embedding = &x.emb
	c.RequestedModel = x.emb.Model
	ran, reply := s.pipe.pre(x.ctx, c)
	x.ran = ran
	if reply != nil && reply.Error != nil {
		x.fail(asAPIError(reply.Error))
		return
	}
	fallbacks, e := headerFallbackList(ctx)
	if e != nil {
		x.fail(e)
		return
	}
	targets, e := x.tab.targets(x.emb.Model, fallbacks, s.opts.Catalog)
	if e != nil {
		x.fail(e)
		return
	}
	x.watchClient()
	up, e := s.invoke(x.ctx, c, targets, x.embedFn)
	x.unwatchClient()
	if e != nil {
		x.fail(e)
		return
	}
	x.up = up
	resp := x.embResp
	if resp.Usage != nil {
		c.Usage = &api.Usage{PromptTokens: resp.Usage.PromptTokens, TotalTokens: resp.Usage.TotalTokens}
	}
	c.FirstByte = time.Since(c.Start)
	x.finishPost(http.StatusOK, nil)
	var b []byte
	var err error
	if x.emb.EncodingFormat == "base64" {
		b, err = json.Marshal(base64Embeddings(resp))
	} else {
		b, err = json.Marshal(resp)
	}
	setCallHeaders(ctx, c)
	if err != nil {
		writeError(ctx, errInternal)
	} else {
		ctx.SetContentType(contentJSON)
		ctx.SetBody(b)
	}
	x.release()
}

// embedAttempt is one embeddings try. Providers are always asked for floats; base64 is
// encoded here.
func (x *exchange) embedAttempt(ctx context.Context, up *upstream, at *provider.Attempt) error {
	if up.embedder == nil {
		return &api.Error{Status: http.StatusBadRequest, Type: api.ErrUnsupported,
			Message: "provider " + up.name + " does not serve embeddings"}
	}
	if d := up.cfg.Timeouts.Total; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	x.upEmb = x.emb
	x.upEmb.Model = at.Model
	x.upEmb.EncodingFormat = ""
	resp, err := up.embedder.Embed(ctx, at, &x.upEmb)
	if err != nil {
		return err
	}
	if resp == nil {
		return &api.Error{Status: http.StatusBadGateway, Type: api.ErrUpstream, Message: "provider " + up.name + " returned no embeddings"}
	}
	x.embResp = resp
	return nil
}

type base64Embedding struct {
	Object    string `json:"object"`
	Index     int    `json:"index"`
	Embedding string `json:"embedding"`
}

type base64EmbeddingResponse struct {
	Object string              `json:"object"`
	Data   []base64Embedding   `json:"data"`
	Model  string              `json:"model"`
	Usage  *api.EmbeddingUsage `json:"usage,omitempty"`
}

// base64Embeddings encodes each vector as OpenAI does: little-endian float32, base64.
func base64Embeddings(r *api.EmbeddingResponse) base64EmbeddingResponse {
	out := base64EmbeddingResponse{Object: "list", Model: r.Model, Usage: r.Usage, Data: make([]base64Embedding, len(r.Data))}
	var raw []byte
	for i, e := range r.Data {
		raw = raw[:0]
		for _, f := range e.Embedding {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(f))
		}
		out.Data[i] = base64Embedding{Object: "embedding", Index: e.Index, Embedding: base64.StdEncoding.EncodeToString(raw)}
	}
	return out
}
