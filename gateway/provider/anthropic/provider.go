package anthropic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
	wire "github.com/muninn-gw/muninn/gateway/api/anthropic"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/internal/upstream"
)

// Defaults.
const (
	DefaultBaseURL    = "https://api.anthropic.com"
	DefaultAPIVersion = "2023-06-01"
)

// DefaultModels are listed by GET /v1/models when the config names none.
var DefaultModels = []string{"claude-opus-4-1", "claude-sonnet-4-5", "claude-sonnet-4-0", "claude-haiku-4-5", "claude-3-5-haiku-latest"}

func init() { provider.Register("anthropic", New) }

// Provider is one Anthropic Messages API upstream.
type Provider struct {
	name    string
	url     string
	version string
	headers [][2]string
	models  []string
	client  *upstream.Client
}

var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Streamer = (*Provider)(nil)
	_ provider.Lister   = (*Provider)(nil)
)

// New builds a Provider.
func New(cfg provider.Config) (provider.Provider, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("base_url %q: must be an absolute http(s) URL without a query", cfg.BaseURL)
	}
	p := &Provider{name: cfg.Name, url: strings.TrimSuffix(base, "/v1") + "/v1/messages", version: cfg.APIVersion}
	if p.version == "" {
		p.version = DefaultAPIVersion
	}
	for k, v := range cfg.Headers {
		if strings.ContainsAny(k, "\r\n:") || strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("header %q: invalid name or value", k)
		}
		p.headers = append(p.headers, [2]string{http.CanonicalHeaderKey(k), v})
	}
	sort.Slice(p.headers, func(i, j int) bool { return p.headers[i][0] < p.headers[j][0] })
	p.models = append([]string(nil), cfg.Models...)
	if len(p.models) == 0 {
		p.models = append([]string(nil), DefaultModels...)
	}
	p.client = upstream.NewClient(cfg.Name, cfg.Timeouts, cfg.MaxConns)
	return p, nil
}

// Name is the configured provider name.
func (p *Provider) Name() string { return p.name }

// Models lists the configured models, or DefaultModels.
func (p *Provider) Models() []string { return append([]string(nil), p.models...) }

// CloseIdleConnections drops pooled upstream connections.
func (p *Provider) CloseIdleConnections() { p.client.CloseIdleConnections() }

func (p *Provider) request(at *provider.Attempt, req *api.ChatRequest, stream bool) (*upstream.Request, error) {
	r := *req
	if at.Model != "" {
		r.Model = at.Model
	}
	r.Stream = stream
	mreq, err := wire.ChatToMessages(&r)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(mreq)
	if err != nil {
		return nil, &api.Error{Status: 400, Type: api.ErrInvalidRequest, Message: p.name + ": cannot encode the request: " + err.Error()}
	}
	h := make([][2]string, 0, len(p.headers)+len(at.Headers)+2)
	h = append(h, p.headers...)
	h = append(h, at.Headers...)
	h = append(h, [2]string{"Anthropic-Version", p.version})
	if at.Key.Value != "" {
		h = append(h, [2]string{"X-Api-Key", at.Key.Value})
	}
	return &upstream.Request{URL: p.url, Body: body, Header: h, Key: at.Key.Value}, nil
}

// Chat sends a non-streamed message.
func (p *Provider) Chat(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (*api.ChatResponse, error) {
	r, err := p.request(at, req, false)
	if err != nil {
		return nil, err
	}
	buf := upstream.GetBuffer()
	defer upstream.PutBuffer(buf)
	if e := p.client.Do(ctx, r, buf); e != nil {
		return nil, e
	}
	var resp wire.Response
	if err := json.Unmarshal(buf.Bytes(), &resp); err != nil {
		return nil, upstream.Decode(p.name, "message", err)
	}
	if resp.Type != "message" {
		return nil, upstream.Decode(p.name, "message", fmt.Errorf("type %q, want message", resp.Type))
	}
	return wire.ResponseToChat(&resp), nil
}

// ChatStream starts a streamed message.
func (p *Provider) ChatStream(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (provider.ChatStream, error) {
	r, err := p.request(at, req, true)
	if err != nil {
		return nil, err
	}
	s, e := p.client.Stream(ctx, r)
	if e != nil {
		return nil, e
	}
	return &chatStream{name: p.name, key: at.Key.Value, s: s, cv: wire.NewChunkConverter()}, nil
}

type chatStream struct {
	name string
	key  string
	s    *upstream.Stream
	cv   *wire.ChunkConverter
	ev   wire.StreamEvent
	err  error
}

func (c *chatStream) Next() (*api.ChatChunk, error) {
	if c.err != nil {
		return nil, c.err
	}
	for {
		if c.cv.Done() {
			c.s.Done()
			c.err = io.EOF
			return nil, io.EOF
		}
		ev, err := c.s.Next()
		if err != nil {
			if err == io.EOF {
				err = upstream.Truncated(c.name)
			}
			c.err = err
			return nil, err
		}
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		c.ev = wire.StreamEvent{}
		if err := json.Unmarshal(data, &c.ev); err != nil {
			c.err = upstream.Decode(c.name, "stream event", err)
			return nil, c.err
		}
		chunk, err := c.cv.Event(&c.ev)
		if err != nil {
			if ae, ok := err.(*api.Error); ok {
				ae.Message = c.name + ": " + upstream.Scrub(ae.Message, c.key)
			}
			c.err = err
			return nil, err
		}
		if chunk != nil {
			return chunk, nil
		}
	}
}

func (c *chatStream) Close() error { return c.s.Close() }
