package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/internal/upstream"
)

// request builds the upstream request for path with the encoded body.
func (p *Provider) request(at *provider.Attempt, path string, body []byte) *upstream.Request {
	r := &upstream.Request{URL: p.endpoint(path, at.Model), Body: body, Key: at.Key.Value}
	r.Header = make([][2]string, 0, len(p.headers)+len(at.Headers)+1)
	r.Header = append(r.Header, p.headers...)
	for _, h := range at.Headers {
		r.Header = append(r.Header, h)
	}
	if at.Key.Value != "" {
		if p.preset.Auth == AuthAPIKey {
			r.Header = append(r.Header, [2]string{"Api-Key", at.Key.Value})
		} else {
			r.Header = append(r.Header, [2]string{"Authorization", p.bearer(at.Key.Value)})
		}
	}
	return r
}

// chatBody encodes req for the upstream: the attempt's model, no Muninn fields, and for
// streams the usage chunk requested when the upstream supports it.
func (p *Provider) chatBody(at *provider.Attempt, req *api.ChatRequest, stream bool) ([]byte, error) {
	r := *req
	if at.Model != "" {
		r.Model = at.Model
	}
	r.Fallbacks = nil
	r.Stream = stream
	if !stream {
		r.StreamOptions = nil
	} else if p.preset.StreamUsage && (r.StreamOptions == nil || !r.StreamOptions.IncludeUsage) {
		r.StreamOptions = &api.StreamOptions{IncludeUsage: true}
	}
	if b, ok := appendRequest(make([]byte, 0, 256+len(req.Messages)*128), &r); ok {
		return b, nil
	}
	return json.Marshal(r)
}

func badRequest(name string, err error) *api.Error {
	return &api.Error{Status: 400, Type: api.ErrInvalidRequest, Message: name + ": cannot encode the request: " + err.Error()}
}

// Chat sends a non-streamed chat completion.
func (p *Provider) Chat(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (*api.ChatResponse, error) {
	body, err := p.chatBody(at, req, false)
	if err != nil {
		return nil, badRequest(p.name, err)
	}
	buf := upstream.GetBuffer()
	defer upstream.PutBuffer(buf)
	if e := p.client.Do(ctx, p.request(at, "/chat/completions", body), buf); e != nil {
		return nil, e
	}
	resp, err := decodeResponse(buf.Bytes())
	if err != nil {
		return nil, upstream.Decode(p.name, "chat completion", err)
	}
	if len(resp.Choices) == 0 && resp.Usage == nil {
		return nil, upstream.Decode(p.name, "chat completion", errNoChoices)
	}
	return resp, nil
}

var errNoChoices = jsonError("response has no choices")

type jsonError string

func (e jsonError) Error() string { return string(e) }

// ChatStream starts a streamed chat completion. The stream yields every upstream chunk,
// including the usage-only chunk (no choices) that Muninn asks for when the preset
// supports it, even if the client did not: the gateway drops it for clients that did not
// ask for include_usage.
func (p *Provider) ChatStream(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (provider.ChatStream, error) {
	body, err := p.chatBody(at, req, true)
	if err != nil {
		return nil, badRequest(p.name, err)
	}
	s, e := p.client.Stream(ctx, p.request(at, "/chat/completions", body))
	if e != nil {
		return nil, e
	}
	return &chatStream{name: p.name, s: s}, nil
}

// chatStream decodes upstream SSE events into chunks.
type chatStream struct {
	name     string
	s        *upstream.Stream
	chunk    api.ChatChunk
	dec      chunkDecoder
	finished bool // a choice reported its finish_reason
	done     bool
	err      error
}

var doneData = []byte("[DONE]")

func (c *chatStream) Next() (*api.ChatChunk, error) {
	if c.err != nil {
		return nil, c.err
	}
	data, err := nextData(c.s, c.name, c.finished)
	if err != nil {
		c.err = err
		return nil, err
	}
	if err := c.dec.decode(data, &c.chunk); err != nil {
		c.err = upstream.Decode(c.name, "stream chunk", err)
		return nil, c.err
	}
	for i := range c.chunk.Choices {
		if c.chunk.Choices[i].FinishReason != nil && *c.chunk.Choices[i].FinishReason != "" {
			c.finished = true
		}
	}
	return &c.chunk, nil
}

// nextData returns the next data payload of an upstream stream, skipping empty events.
// It returns io.EOF at [DONE], and at the end of the body when complete is true (some
// servers omit [DONE] after a finished completion); an end of body before that is a
// truncated stream, and an error event becomes an upstream error.
func nextData(s *upstream.Stream, name string, complete bool) ([]byte, error) {
	for {
		ev, err := s.Next()
		if err != nil {
			if err == io.EOF && !complete {
				err = upstream.Truncated(name)
			}
			return nil, err
		}
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		if bytes.Equal(data, doneData) {
			s.Done()
			return nil, io.EOF
		}
		if string(ev.Name) == "error" || bytes.HasPrefix(data, []byte(`{"error"`)) {
			return nil, streamError(name, data)
		}
		return data, nil
	}
}

// streamError is an error event sent in the middle of a stream.
func streamError(name string, data []byte) *api.Error {
	e := upstream.Normalize(name, 502, nil, data, "")
	e.Status, e.Type, e.UpstreamStatus = 502, api.ErrUpstream, 0
	return e
}

// Buffered reports whether the next upstream event has already been received
// (gateway: a burst of chunks is written to the client at once).
func (c *chatStream) Buffered() bool { return c.err == nil && c.s.Buffered() }

func (c *chatStream) Close() error { return c.s.Close() }
