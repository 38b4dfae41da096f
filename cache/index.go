package cache

import (
	"sync"
	"time"
)

// index is the exact tier and the authority on which entries exist: an in-memory map,
// bounded by entry count and bytes, mirrored to a journal when persistence is on.
type index struct {
	mu         sync.RWMutex
	m          map[string]*Entry
	scopes     map[string]int // semantic entries per scope
	bytes      int64
	maxEntries int
	maxBytes   int64
}

func newIndex(maxEntries int, maxBytes int64) *index {
	return &index{m: make(map[string]*Entry, 1024), scopes: map[string]int{}, maxEntries: maxEntries, maxBytes: maxBytes}
}

func (x *index) get(id string) *Entry {
	x.mu.RLock()
	e := x.m[id]
	x.mu.RUnlock()
	return e
}

// put inserts or replaces e and returns the entries evicted to make room (oldest hit
// first, by sampling) and the entry it replaced, if any.
func (x *index) put(e *Entry) (evicted []*Entry, replaced *Entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.m[e.ID]; ok {
		x.bytes -= old.size()
		x.unscope(old)
		replaced = old
	}
	x.m[e.ID] = e
	x.bytes += e.size()
	if e.Semantic {
		x.scopes[e.Scope]++
	}
	for len(x.m) > 1 && (len(x.m) > x.maxEntries || (x.maxBytes > 0 && x.bytes > x.maxBytes)) {
		v := x.victimLocked(e.ID)
		if v == nil {
			break
		}
		delete(x.m, v.ID)
		x.bytes -= v.size()
		x.unscope(v)
		evicted = append(evicted, v)
	}
	return evicted, replaced
}

// victimLocked samples a few entries (map iteration starts at a random place) and returns
// the least recently hit one, never keep.
func (x *index) victimLocked(keep string) *Entry {
	var best *Entry
	var bestAt int64
	n := 0
	for id, e := range x.m {
		if id == keep {
			continue
		}
		at := e.lastHit.Load()
		if best == nil || at < bestAt {
			best, bestAt = e, at
		}
		if n++; n >= 8 {
			break
		}
	}
	return best
}

func (x *index) remove(id string) *Entry {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.m[id]
	if !ok {
		return nil
	}
	delete(x.m, id)
	x.bytes -= e.size()
	x.unscope(e)
	return e
}

// removeIf removes every entry for which match is true and returns them.
func (x *index) removeIf(match func(*Entry) bool) []*Entry {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Entry
	for id, e := range x.m {
		if match(e) {
			delete(x.m, id)
			x.bytes -= e.size()
			x.unscope(e)
			out = append(out, e)
		}
	}
	return out
}

func (x *index) expired(now time.Time) []*Entry {
	return x.removeIf(func(e *Entry) bool { return e.expired(now) })
}

func (x *index) snapshot() []*Entry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]*Entry, 0, len(x.m))
	for _, e := range x.m {
		out = append(out, e)
	}
	return out
}

func (x *index) stats() (n int, bytes int64) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.m), x.bytes
}

func (x *index) unscope(e *Entry) {
	if !e.Semantic {
		return
	}
	if n := x.scopes[e.Scope] - 1; n > 0 {
		x.scopes[e.Scope] = n
	} else {
		delete(x.scopes, e.Scope)
	}
}

// scopeSize returns how many semantic entries a scope holds.
func (x *index) scopeSize(scope string) int {
	x.mu.RLock()
	n := x.scopes[scope]
	x.mu.RUnlock()
	return n
}
