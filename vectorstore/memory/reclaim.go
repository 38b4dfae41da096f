package memory

import (
	"slices"
)

// Deleting from an HNSW graph: a deleted point stays as a tombstone (its vector and
// links kept, never returned) so paths through it still work. When tombstones pass a
// share of the namespace, reclaim rewires every live node that links to one (its new
// candidates: its live neighbours plus the live neighbours of its dead ones, chosen with
// the usual heuristic), moves the entry point off a dead node, and only then frees the
// slots for reuse. Reusing a slot without this repair cuts paths and loses points.

const (
	reclaimMin   = 32 // never bother for fewer tombstones
	reclaimShare = 8  // reclaim when tombstones >= live/reclaimShare
	reclaimBatch = 1024
)

// needsReclaim reports whether x has enough tombstones to reclaim. mu held.
func (x *index) needsReclaim() bool {
	d := len(x.dead)
	return d >= reclaimMin && d*reclaimShare >= x.live
}

// maybeReclaim runs reclaim in the background when x needs it and no reclaim runs.
// Caller holds the store's close lock for reading (so Close waits for it).
func (s *Store) maybeReclaim(x *index) {
	x.mu.RLock()
	need := x.needsReclaim()
	x.mu.RUnlock()
	if !need || !x.reclaiming.CompareAndSwap(false, true) {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer x.reclaiming.Store(false)
		x.reclaim()
	}()
}

// reclaim rewires the graph around the current tombstones and frees their slots.
func (x *index) reclaim() {
	x.mu.Lock()
	dead := x.dead
	x.dead = nil
	n := x.n
	x.mu.Unlock()
	if len(dead) == 0 {
		return
	}
	// Repair in batches under the read lock so writers get turns.
	for start := uint32(0); start < n; start += reclaimBatch {
		x.linkMu.RLock()
		x.mu.RLock()
		s := x.getScratch()
		for i := start; i < min(start+reclaimBatch, n); i++ {
			if x.node(i).live {
				x.repair(i, s)
			}
		}
		x.putScratch(s)
		x.mu.RUnlock()
		x.linkMu.RUnlock()
	}
	x.mu.Lock()
	x.moveEntryLocked()
	x.epMu.RLock()
	ep := x.ep
	x.epMu.RUnlock()
	for _, d := range dead {
		if d == ep {
			x.dead = append(x.dead, d) // the entry point stays until replaced
			continue
		}
		x.free = append(x.free, d)
	}
	x.mu.Unlock()
}

// repair rewrites node i's links that lead to dead nodes. mu held for reading. Links
// are computed without holding i's link lock (it cannot be nested), so a concurrent
// insert may add a link meanwhile: the list is compared again under the lock and the
// repair retried, never overwriting a fresh link.
func (x *index) repair(i uint32, s *scratch) {
	level := int(x.node(i).level)
	for l := 0; l <= level; l++ {
		for attempt := 0; attempt < 8; attempt++ {
			if x.repairLevel(i, l, s) {
				break
			}
		}
	}
}

// repairLevel reports false when i's links changed while it computed new ones.
func (x *index) repairLevel(i uint32, l int, s *scratch) bool {
	before := x.neighbours(i, l, nil)
	if !slices.ContainsFunc(before, func(j uint32) bool { return !x.node(j).live }) {
		return true
	}
	ids := make([]uint32, 0, 2*len(before))
	for _, j := range before {
		if x.node(j).live {
			ids = append(ids, j)
			continue
		}
		s.nbrs = x.neighbours(j, l, s.nbrs)
		for _, k := range s.nbrs {
			if k != i && k < x.n && x.node(k).live {
				ids = append(ids, k)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	cands := make([]cand, len(ids))
	for j, k := range ids {
		cands[j] = cand{x.pairScore(i, k), k}
	}
	sortCands(cands)
	maxN := x.m
	if l == 0 {
		maxN = x.m0
	}
	chosen := x.selectHeuristic(cands, maxN, s)
	mu := x.linkLock(i)
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(before, x.neighboursLocked(i, l, s.nbrs)) {
		return false
	}
	x.setNeighboursLocked(i, l, chosen)
	return true
}

// moveEntryLocked makes the highest live node the entry point when the current one is
// dead. mu held for writing.
func (x *index) moveEntryLocked() {
	x.epMu.Lock()
	defer x.epMu.Unlock()
	if x.ep != noNode && x.node(x.ep).live {
		return
	}
	best, bestLevel := uint32(noNode), -1
	for i := uint32(0); i < x.n; i++ {
		nd := x.node(i)
		if nd.live && int(nd.level) > bestLevel {
			best, bestLevel = i, int(nd.level)
		}
	}
	if best == noNode {
		return // empty namespace: keep the dead entry point, the first insert replaces it
	}
	x.ep, x.epLevel = best, bestLevel
}
