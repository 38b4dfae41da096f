package openai

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/internal/upstream"
)

func (p *Provider) completionBody(at *provider.Attempt, req *api.CompletionRequest, stream bool) ([]byte, error) {
	r := *req
	if at.Model != "" {
		r.Model = at.Model
	}
	r.Stream = stream
	if !stream {
		r.StreamOptions = nil
	}
	return json.Marshal(r)
}

// Complete passes a legacy completion through and returns the upstream's JSON unchanged.
func (p *Provider) Complete(ctx context.Context, at *provider.Attempt, req *api.CompletionRequest) ([]byte, error) {
	body, err := p.completionBody(at, req, false)
	if err != nil {
		return nil, badRequest(p.name, err)
	}
	buf := upstream.GetBuffer()
	defer upstream.PutBuffer(buf)
	if e := p.client.Do(ctx, p.request(at, "/completions", body), buf); e != nil {
		return nil, e
	}
	if !json.Valid(buf.Bytes()) {
		return nil, upstream.Decode(p.name, "completion", jsonError("not JSON"))
	}
	return bytes.Clone(buf.Bytes()), nil
}

// CompleteStream passes a streamed legacy completion through: the data payloads,
// unchanged, without [DONE]. A stream that ends without [DONE] fails as truncated.
func (p *Provider) CompleteStream(ctx context.Context, at *provider.Attempt, req *api.CompletionRequest) (provider.RawStream, error) {
	body, err := p.completionBody(at, req, true)
	if err != nil {
		return nil, badRequest(p.name, err)
	}
	s, e := p.client.Stream(ctx, p.request(at, "/completions", body))
	if e != nil {
		return nil, e
	}
	return &rawStream{name: p.name, s: s}, nil
}

type rawStream struct {
	name string
	s    *upstream.Stream
	err  error
}

func (r *rawStream) Next() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	data, err := nextData(r.s, r.name, false)
	if err != nil {
		r.err = err
	}
	return data, err
}

func (r *rawStream) Close() error { return r.s.Close() }
