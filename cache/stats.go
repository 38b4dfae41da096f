package cache

import (
	"context"
	"sync/atomic"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Stats are the cache's counters since start, plus its current size.
type Stats struct {
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`

	Lookups      int64 `json:"lookups"`
	HitsExact    int64 `json:"hits_exact"`
	HitsSemantic int64 `json:"hits_semantic"`
	Misses       int64 `json:"misses"`
	Bypasses     int64 `json:"bypasses"`
	// Guards counts, per guard, how often it stopped a semantic lookup (near-miss: how
	// often it rejected a candidate above the threshold).
	Guards map[string]int64 `json:"guards"`
	// NearMiss counts rejected candidates per near-miss kind.
	NearMiss map[string]int64 `json:"near_miss"`

	Stores        int64 `json:"stores"`
	StoresDropped int64 `json:"stores_dropped"`
	StoreErrors   int64 `json:"store_errors"`
	Evictions     int64 `json:"evictions"`
	Expired       int64 `json:"expired"`
	Deleted       int64 `json:"deleted"`
	EmbedErrors   int64 `json:"embed_errors"`
	// EmbedsRequest counts prompts embedded on the request path (to search a scope that
	// has entries; the store reuses that vector); EmbedsBackground those the store
	// workers embedded after the response was sent (empty scope, embed-busy, refresh).
	EmbedsRequest    int64 `json:"embeds_request"`
	EmbedsBackground int64 `json:"embeds_background"`
	SearchErrors     int64 `json:"search_errors"`
	// Adopted counts entries another replica stored that this process found in the
	// shared vector store, served and kept (shared stores only).
	Adopted int64 `json:"adopted,omitempty"`

	// Collapsed counts requests served by waiting for an identical request in flight;
	// FlightTimeouts those that gave up waiting.
	Collapsed      int64 `json:"collapsed"`
	FlightTimeouts int64 `json:"flight_timeouts"`

	// SavedPromptTokens and SavedCompletionTokens sum the usage of every hit's entry.
	SavedPromptTokens     int64 `json:"saved_prompt_tokens"`
	SavedCompletionTokens int64 `json:"saved_completion_tokens"`
	// SavedLatencyMillis sums the upstream latency hits did not wait for.
	SavedLatencyMillis int64 `json:"saved_latency_ms"`

	// JournalDroppedBytes is the size of a corrupt journal tail dropped at open.
	JournalDroppedBytes int64 `json:"journal_dropped_bytes"`
}

type counters struct {
	lookups, hitsExact, hitsSemantic, misses, bypasses  atomic.Int64
	stores, storesDropped, storeErrors                  atomic.Int64
	evictions, expired, deleted                         atomic.Int64
	embedErrors, searchErrors, collapsed, flightTimeout atomic.Int64
	embedsRequest, embedsBackground, adopted            atomic.Int64
	savedPrompt, savedCompletion, savedLatencyMs        atomic.Int64
	guards                                              map[string]*atomic.Int64
	nearMiss                                            map[string]*atomic.Int64
}

var guardNames = []string{GuardTemperature, GuardN, GuardTools, GuardTruncated, GuardUncovered,
	GuardNonText, GuardNotUser, GuardEmpty, GuardNearMiss, GuardLowOverlap, GuardEmbedBusy}

func newCounters() *counters {
	c := &counters{guards: map[string]*atomic.Int64{}, nearMiss: map[string]*atomic.Int64{}}
	for _, g := range guardNames {
		c.guards[g] = new(atomic.Int64)
	}
	for _, k := range NearMissKinds {
		c.nearMiss[k] = new(atomic.Int64)
	}
	return c
}

func (c *counters) guard(name string) {
	if g, ok := c.guards[name]; ok {
		g.Add(1)
	}
}

// Stats returns a snapshot of the counters.
func (c *Cache) Stats() Stats {
	n, b := c.idx.stats()
	s := Stats{
		Entries: n, Bytes: b,
		Lookups: c.ctr.lookups.Load(), HitsExact: c.ctr.hitsExact.Load(),
		HitsSemantic: c.ctr.hitsSemantic.Load(), Misses: c.ctr.misses.Load(),
		Bypasses: c.ctr.bypasses.Load(), Stores: c.ctr.stores.Load(),
		StoresDropped: c.ctr.storesDropped.Load(), StoreErrors: c.ctr.storeErrors.Load(),
		Evictions: c.ctr.evictions.Load(), Expired: c.ctr.expired.Load(),
		Deleted: c.ctr.deleted.Load(), EmbedErrors: c.ctr.embedErrors.Load(),
		SearchErrors: c.ctr.searchErrors.Load(), Collapsed: c.ctr.collapsed.Load(),
		EmbedsRequest: c.ctr.embedsRequest.Load(), EmbedsBackground: c.ctr.embedsBackground.Load(),
		Adopted:               c.ctr.adopted.Load(),
		FlightTimeouts:        c.ctr.flightTimeout.Load(),
		SavedPromptTokens:     c.ctr.savedPrompt.Load(),
		SavedCompletionTokens: c.ctr.savedCompletion.Load(),
		SavedLatencyMillis:    c.ctr.savedLatencyMs.Load(),
		JournalDroppedBytes:   c.journalDropped,
		Guards:                map[string]int64{},
		NearMiss:              map[string]int64{},
	}
	for k, v := range c.ctr.guards {
		s.Guards[k] = v.Load()
	}
	for k, v := range c.ctr.nearMiss {
		s.NearMiss[k] = v.Load()
	}
	return s
}

// VectorStats returns the vector store's own statistics when it reports them.
func (c *Cache) VectorStats(ctx context.Context) (vectorstore.Stats, bool) {
	s, ok := c.store.(vectorstore.Statser)
	if !ok {
		return vectorstore.Stats{}, false
	}
	st, err := s.Stats(ctx)
	return st, err == nil
}
