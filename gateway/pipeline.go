package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/muninn-gw/muninn/gateway/api"
)

// pipeline runs the plugins' hooks with the order and isolation rules of Plugin.
type pipeline struct {
	plugins []pluginHooks
	log     *slog.Logger
}

type pluginHooks struct {
	name  string
	pre   PreHooker
	post  PostHooker
	chunk ChunkHooker
	// failures counts errors and panics of this plugin's hooks.
	errors, panics atomic.Int64
}

// PluginFailures is how often a plugin's hooks failed since start.
type PluginFailures struct {
	Plugin string
	Errors int64 // hooks that returned an error
	Panics int64 // hooks that panicked
}

func newPipeline(plugins []Plugin, log *slog.Logger) *pipeline {
	p := &pipeline{plugins: make([]pluginHooks, len(plugins)), log: log}
	for i, pl := range plugins {
		h := &p.plugins[i]
		h.name = pl.Name()
		h.pre, _ = pl.(PreHooker)
		h.post, _ = pl.(PostHooker)
		h.chunk, _ = pl.(ChunkHooker)
	}
	return p
}

func (p *pipeline) hasChunkHooks() bool {
	for i := range p.plugins {
		if p.plugins[i].chunk != nil {
			return true
		}
	}
	return false
}

// pre runs the pre-hooks in order and returns how many plugins ran (the post-hooks of
// exactly those run later) and the first Reply, if any.
func (p *pipeline) pre(ctx context.Context, c *Call) (ran int, reply *Reply) {
	for i := range p.plugins {
		h := &p.plugins[i]
		if h.pre == nil {
			continue
		}
		r := p.runPre(ctx, h, c)
		if r != nil && (r.Response != nil || r.Error != nil) {
			return i + 1, r
		}
	}
	return len(p.plugins), nil
}

func (p *pipeline) runPre(ctx context.Context, h *pluginHooks, c *Call) (reply *Reply) {
	defer func() {
		if v := recover(); v != nil {
			h.panics.Add(1)
			p.log.Error("plugin pre-hook panicked", "plugin", h.name, "request_id", c.ID, "panic", fmt.Sprint(v))
			reply = nil
		}
	}()
	r, err := h.pre.PreHook(ctx, c)
	if err != nil {
		h.errors.Add(1)
		p.log.Warn("plugin pre-hook failed", "plugin", h.name, "request_id", c.ID, "err", err)
		return nil
	}
	return r
}

// post runs the post-hooks of the first ran plugins, in reverse order.
func (p *pipeline) post(ctx context.Context, c *Call, ran int) {
	for i := ran - 1; i >= 0; i-- {
		h := &p.plugins[i]
		if h.post != nil {
			p.runPost(ctx, h, c)
		}
	}
}

func (p *pipeline) runPost(ctx context.Context, h *pluginHooks, c *Call) {
	defer func() {
		if v := recover(); v != nil {
			h.panics.Add(1)
			p.log.Error("plugin post-hook panicked", "plugin", h.name, "request_id", c.ID, "panic", fmt.Sprint(v))
		}
	}()
	if err := h.post.PostHook(ctx, c); err != nil {
		h.errors.Add(1)
		p.log.Warn("plugin post-hook failed", "plugin", h.name, "request_id", c.ID, "err", err)
	}
}

// chunk runs the chunk hooks of the first ran plugins, in registration order.
func (p *pipeline) chunk(c *Call, ch *api.ChatChunk, ran int) {
	for i := 0; i < ran; i++ {
		h := &p.plugins[i]
		if h.chunk != nil {
			p.runChunk(h, c, ch)
		}
	}
}

func (p *pipeline) runChunk(h *pluginHooks, c *Call, ch *api.ChatChunk) {
	defer func() {
		if v := recover(); v != nil {
			h.panics.Add(1)
			p.log.Error("plugin chunk hook panicked", "plugin", h.name, "request_id", c.ID, "panic", fmt.Sprint(v))
		}
	}()
	h.chunk.OnChunk(c, ch)
}

func (p *pipeline) failures() []PluginFailures {
	out := make([]PluginFailures, len(p.plugins))
	for i := range p.plugins {
		h := &p.plugins[i]
		out[i] = PluginFailures{Plugin: h.name, Errors: h.errors.Load(), Panics: h.panics.Load()}
	}
	return out
}
