package openai

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/internal/upstream"
)

// Embed asks the upstream for float embeddings (whatever the client's encoding_format:
// the gateway encodes base64 itself) and returns them ordered by index.
func (p *Provider) Embed(ctx context.Context, at *provider.Attempt, req *api.EmbeddingRequest) (*api.EmbeddingResponse, error) {
	r := *req
	if at.Model != "" {
		r.Model = at.Model
	}
	r.EncodingFormat = "float"
	body, err := json.Marshal(r)
	if err != nil {
		return nil, badRequest(p.name, err)
	}
	buf := upstream.GetBuffer()
	defer upstream.PutBuffer(buf)
	if e := p.client.Do(ctx, p.request(at, "/embeddings", body), buf); e != nil {
		return nil, e
	}
	resp := new(api.EmbeddingResponse)
	if err := json.Unmarshal(buf.Bytes(), resp); err != nil {
		return nil, upstream.Decode(p.name, "embeddings", err)
	}
	slices.SortStableFunc(resp.Data, func(a, b api.Embedding) int { return a.Index - b.Index })
	if n := len(req.Input.Texts); req.Input.Raw == nil && n > 0 && len(resp.Data) != n {
		return nil, upstream.Decode(p.name, "embeddings", jsonError("got a different number of vectors than inputs"))
	}
	return resp, nil
}
