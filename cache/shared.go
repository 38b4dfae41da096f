package cache

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Replicas. Several gateway processes may point their caches at one vector store (pgvector,
// Qdrant). The store then holds, in each point's payload, everything needed to serve the
// entry: a replica that finds a vector it has no local entry for rebuilds the entry from
// the payload, runs the same checks as on a local entry, serves it and keeps a local copy.
// The exact tier reaches other replicas' entries too: on a local exact miss, the exact key
// is looked up as a point ID in the request's namespace (stores implementing
// vectorstore.Getter). Only entries indexed for semantic matching are in the store:
// entries a guard kept out of the semantic tier (temperature > 0, tools, ...) stay local.

// Payload fields. "tenant" and "model" are filtered on (admin deletes) and keep their
// names; the others are short and internal.
const (
	pfTenant        = "tenant"
	pfModel         = "model"
	pfPrompt        = "p"
	pfResponse      = "r"
	pfProvider      = "pv"
	pfUpstreamModel = "um"
	pfLatency       = "lat" // nanoseconds
	pfPromptTok     = "pt"
	pfCompletionTok = "ct"
	pfCreated       = "c" // unix nanoseconds
)

// processLocal is implemented by stores that live inside one process (the built-in
// store): no other process can write to them, so a scope this process never stored into
// is empty there too.
type processLocal interface{ ProcessLocal() bool }

// sharedStore decides whether the vector store may hold other processes' entries.
func sharedStore(cfg Config, st vectorstore.Store) bool {
	if st == nil {
		return false
	}
	if cfg.SharedStore != nil {
		return *cfg.SharedStore
	}
	if pl, ok := st.(processLocal); ok && pl.ProcessLocal() {
		return false
	}
	return true
}

// entryPayload is the point payload of a semantic entry.
func entryPayload(e *Entry) map[string]string {
	p := map[string]string{pfModel: e.Model, pfTenant: e.Tenant, pfPrompt: e.Prompt,
		pfResponse: string(e.Response), pfCreated: strconv.FormatInt(e.Created.UnixNano(), 10)}
	if e.Provider != "" {
		p[pfProvider] = e.Provider
	}
	if e.UpstreamModel != "" {
		p[pfUpstreamModel] = e.UpstreamModel
	}
	if e.Latency != 0 {
		p[pfLatency] = strconv.FormatInt(int64(e.Latency), 10)
	}
	if e.PromptTokens != 0 {
		p[pfPromptTok] = strconv.Itoa(e.PromptTokens)
	}
	if e.CompletionTokens != 0 {
		p[pfCompletionTok] = strconv.Itoa(e.CompletionTokens)
	}
	return p
}

var errNoPayload = errors.New("cache: point carries no entry (written by an older version)")

// entryFromPoint rebuilds the entry another replica stored. Points without a response
// (older versions stored only the filter fields) are not entries.
func entryFromPoint(id, scope string, payload map[string]string, expires time.Time) (*Entry, error) {
	resp, ok := payload[pfResponse]
	if !ok || resp == "" {
		return nil, errNoPayload
	}
	e := &Entry{ID: id, Scope: scope, Tenant: payload[pfTenant], Model: payload[pfModel],
		Prompt: payload[pfPrompt], Semantic: true, Response: []byte(resp),
		Provider: payload[pfProvider], UpstreamModel: payload[pfUpstreamModel], Expires: expires}
	var err error
	num := func(k string) int64 {
		s, ok := payload[k]
		if !ok || err != nil {
			return 0
		}
		v, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil {
			err = errors.New("cache: bad payload field " + k)
		}
		return v
	}
	e.Latency = time.Duration(num(pfLatency))
	e.PromptTokens = int(num(pfPromptTok))
	e.CompletionTokens = int(num(pfCompletionTok))
	if c := num(pfCreated); c != 0 {
		e.Created = time.Unix(0, c)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// remoteExact looks the exact key up in the shared store (a local exact miss).
func (c *Cache) remoteExact(ctx context.Context, keys *Keys, now time.Time) *Entry {
	g, ok := c.store.(vectorstore.Getter)
	if !ok || !c.shared || keys.Scope == "" {
		return nil
	}
	p, err := g.Get(ctx, c.Namespace(keys.Scope), keys.Exact)
	if err != nil {
		if !errors.Is(err, vectorstore.ErrNotFound) {
			c.ctr.searchErrors.Add(1)
			c.log.Warn("cache: shared exact lookup", "err", err)
		}
		return nil
	}
	e, err := entryFromPoint(p.ID, keys.Scope, p.Payload, p.ExpiresAt)
	if err != nil || e.expired(now) {
		return nil
	}
	return e
}

// adopt keeps a copy of an entry another replica stored, as if this process had stored
// it (index and journal). Evicting it later drops only the local copy.
func (c *Cache) adopt(e *Entry, now time.Time) *Entry {
	if cur := c.idx.get(e.ID); cur != nil && !cur.expired(now) {
		return cur // a concurrent lookup adopted it first
	}
	e.lastHit.Store(now.UnixNano())
	evicted, _ := c.idx.put(e)
	c.ctr.adopted.Add(1)
	c.ctr.evictions.Add(int64(len(evicted)))
	if c.jr != nil {
		if err := c.jr.appendPut(e); err != nil {
			c.log.Warn("cache: persist adopted entry", "err", err)
		}
	}
	if err := c.forget(context.Background(), evicted, true); err != nil {
		c.log.Warn("cache: evict", "err", err)
	}
	return e
}
