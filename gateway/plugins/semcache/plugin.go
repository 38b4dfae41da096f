package semcache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
)

// Plugin is the semantic cache's pipeline adapter.
type Plugin struct {
	c   *cache.Cache
	log *slog.Logger
	now func() time.Time
	// calls holds the lookup of each call between its pre-hook and its post-hook (the
	// pipeline always runs the post-hook of a plugin whose pre-hook ran).
	calls sync.Map // *gateway.Call -> *state
}

// Options configure a Plugin.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // tests
}

type state struct {
	res     *cache.Result
	noStore bool
	ttl     time.Duration
}

// New returns the adapter for c. The caller owns c (and closes it after the server).
func New(c *cache.Cache, o Options) *Plugin {
	p := &Plugin{c: c, log: o.Logger, now: o.Now}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p
}

// Name implements gateway.Plugin.
func (p *Plugin) Name() string { return "semcache" }

// Cache returns the cache the plugin serves from.
func (p *Plugin) Cache() *cache.Cache { return p.c }

// Close closes the cache (draining pending stores, bounded by ctx). Call it after the
// server stopped, before closing the vector store.
func (p *Plugin) Close(ctx context.Context) error { return p.c.Close(ctx) }

// PreHook looks the request up and answers a hit without calling the provider.
func (p *Plugin) PreHook(ctx context.Context, c *gateway.Call) (*gateway.Reply, error) {
	if c.Request == nil || (c.Endpoint != gateway.EndpointChat && c.Endpoint != gateway.EndpointMessages) {
		return nil, nil
	}
	ct, err := parseControls(c)
	if err != nil {
		return &gateway.Reply{Error: &api.Error{Status: http.StatusBadRequest, Type: api.ErrInvalidRequest,
			Code: "invalid_cache_header", Message: err.Error()}}, nil
	}
	if ct.off {
		p.bypass(c, ct.reason)
		return nil, nil
	}
	cv := converters.Get().(*converter)
	res := p.c.Lookup(ctx, cv.convert(c.Tenant, c.Request), cache.LookupOptions{
		Refresh: ct.refresh, NoStore: ct.noStore, Threshold: ct.threshold})
	cv.release()

	info := &c.Cache
	info.LookupDuration, info.EmbedDuration = res.LookupDuration, res.EmbedDuration
	info.Reason = res.Reason
	if res.NearMissKind != "" {
		info.Reason = cache.GuardNearMiss + ":" + res.NearMissKind
	}
	if e := res.Entry; e != nil {
		resp, err := p.reply(e)
		if err == nil {
			p.hit(c, res, resp)
			return &gateway.Reply{Response: resp}, nil
		}
		// A stored body that no longer decodes is dropped, and the request goes upstream.
		p.log.Warn("semcache: drop undecodable entry", "entry", e.ID, "err", err)
		p.c.Delete(ctx, cache.Selector{ID: e.ID})
		info.Status, info.Reason = StatusMiss, "undecodable-entry"
		c.SetResponseHeader(HeaderCache, StatusMiss)
		return nil, nil
	}
	if ct.refresh {
		info.Status, info.Reason = StatusBypass, ct.reason
		c.SetResponseHeader(HeaderCache, StatusBypass)
		c.SetResponseHeader(HeaderReason, ct.reason)
	} else {
		info.Status = StatusMiss
		c.SetResponseHeader(HeaderCache, StatusMiss)
		if info.Reason != "" {
			c.SetResponseHeader(HeaderReason, info.Reason)
		}
	}
	if !ct.noStore {
		info.EntryID = res.Keys.Exact
		c.SetResponseHeader(HeaderID, res.Keys.Exact)
	}
	p.calls.Store(c, &state{res: res, noStore: ct.noStore, ttl: ct.ttl})
	return nil, nil
}

func (p *Plugin) bypass(c *gateway.Call, reason string) {
	c.Cache.Status, c.Cache.Reason = StatusBypass, reason
	c.SetResponseHeader(HeaderCache, StatusBypass)
	c.SetResponseHeader(HeaderReason, reason)
}

// reply decodes a stored response and gives it a fresh id and creation time; usage is
// the original one.
func (p *Plugin) reply(e *cache.Entry) (*api.ChatResponse, error) {
	resp := new(api.ChatResponse)
	if err := json.Unmarshal(e.Response, resp); err != nil {
		return nil, fmt.Errorf("decode cached response: %w", err)
	}
	resp.ID = newID()
	resp.Created = p.now().Unix()
	if resp.Object == "" {
		resp.Object = "chat.completion"
	}
	return resp, nil
}

func (p *Plugin) hit(c *gateway.Call, res *cache.Result, resp *api.ChatResponse) {
	e := res.Entry
	info := &c.Cache
	info.Status = res.Status
	info.Similarity = res.Similarity
	info.EntryID = e.ID
	info.SavedLatency = e.Latency
	info.SavedUsage = resp.Usage
	info.SavedProvider, info.SavedModel = e.Provider, e.UpstreamModel
	// The answer was produced by the entry's provider and model: logs, metrics and traces
	// attribute the hit to them (no attempt is recorded, so nothing is re-stored).
	if c.Provider == "" {
		c.Provider, c.Model = e.Provider, e.UpstreamModel
	}
	c.SetResponseHeader(HeaderCache, res.Status)
	c.SetResponseHeader(HeaderID, e.ID)
	if res.Status == cache.StatusHitSemantic {
		c.SetResponseHeader(HeaderSimilarity, strconv.FormatFloat(float64(res.Similarity), 'f', 4, 32))
	}
	age := p.now().Sub(e.Created)
	if age < 0 {
		age = 0
	}
	c.SetResponseHeader(HeaderAge, strconv.FormatInt(int64(age/time.Second), 10))
}

// PostHook stores a complete, successful response: it encodes the response now (the
// call is released after this returns) and hands it to the cache's asynchronous queue.
func (p *Plugin) PostHook(_ context.Context, c *gateway.Call) error {
	v, ok := p.calls.LoadAndDelete(c)
	if !ok {
		return nil
	}
	st := v.(*state)
	if st.noStore {
		p.c.Release(st.res)
		return nil
	}
	if why := storable(c); why != "" {
		p.c.Release(st.res)
		c.Cache.EntryID = ""
		return nil
	}
	body, err := json.Marshal(c.Response)
	if err != nil {
		p.c.Release(st.res)
		return fmt.Errorf("semcache: encode response: %w", err)
	}
	in := cache.StoreInput{Response: body, Provider: c.Provider, UpstreamModel: c.Model,
		Latency: upstreamLatency(c), TTL: st.ttl}
	if u := c.Response.Usage; u != nil {
		in.PromptTokens, in.CompletionTokens = u.PromptTokens, u.CompletionTokens
	}
	if !p.c.Store(st.res, in) {
		c.Cache.EntryID = ""
	}
	return nil
}

// storable returns why a call's response must not be cached, "" when it may be.
func storable(c *gateway.Call) string {
	switch {
	case c.Err != nil:
		return "error"
	case c.Response == nil:
		return "no response"
	case c.Status != 0 && c.Status != http.StatusOK:
		return "status"
	case c.Stream && !c.StreamComplete:
		return "incomplete stream"
	case len(c.Response.Choices) == 0:
		return "no choices"
	case !fromUpstream(c):
		return "not from a provider" // another plugin's reply
	}
	for _, ch := range c.Response.Choices {
		switch ch.FinishReason {
		case "stop", "tool_calls", "function_call":
		default:
			return "finish reason " + ch.FinishReason // length, content_filter, "" (cut)
		}
	}
	return ""
}

func fromUpstream(c *gateway.Call) bool {
	for i := range c.Attempts {
		if c.Attempts[i].ErrorType == "" {
			return true
		}
	}
	return false
}

// upstreamLatency is what a hit saves: the successful upstream attempt's duration, or,
// for streams (whose attempt ends when the stream opens), the whole call's.
func upstreamLatency(c *gateway.Call) time.Duration {
	if c.Stream {
		return c.Duration
	}
	for i := len(c.Attempts) - 1; i >= 0; i-- {
		if a := c.Attempts[i]; a.ErrorType == "" && a.Duration > 0 {
			return a.Duration
		}
	}
	return c.Duration
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return "chatcmpl-" + hex.EncodeToString(b[:])
}

var (
	_ gateway.PreHooker  = (*Plugin)(nil)
	_ gateway.PostHooker = (*Plugin)(nil)
)
