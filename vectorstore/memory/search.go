package memory

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/muninn-gw/muninn/vectorstore"
)

// searchParams carries one query's settings.
type searchParams struct {
	k       int
	ef      int
	efUpper int // beam width above the base layer
	exactN  int // search exactly at or below this many live points
	filter  vectorstore.Filter
	now     int64
	touch   bool // record the hit time for LRU eviction
	fallbak int  // filtered graph search found too few: scan exactly up to this many points
}

// search returns up to k matches for the query (any norm, validated, of x's dimension).
// Caller holds mu for reading.
func (x *index) search(query []float32, p searchParams) []vectorstore.Match {
	if x.live == 0 || p.k <= 0 {
		return nil
	}
	s := x.getScratch()
	defer x.putScratch(s)
	q := s.query[:x.dim]
	vectorstore.NormalizeInto(q, query)
	accept := func(i uint32) bool {
		nd := x.node(i)
		if !nd.live || (nd.expires != 0 && nd.expires <= p.now) {
			return false
		}
		return len(p.filter) == 0 || filterPasses(p.filter, nd.payload)
	}
	var found []cand
	if x.live <= p.exactN {
		found = x.scan(q, p.k, s, accept)
	} else {
		found = x.graphSearch(q, p.k, max(p.ef, p.k), p.efUpper, s, accept)
		if len(found) < p.k && len(p.filter) > 0 && x.live <= p.fallbak {
			found = x.scan(q, p.k, s, accept)
		}
	}
	out := make([]vectorstore.Match, len(found))
	for j, c := range found {
		nd := x.node(c.id)
		out[j] = vectorstore.Match{
			ID:      nd.id,
			Score:   vectorstore.Clamp(c.score),
			Payload: decodePayload(nd.payload),
		}
		if nd.expires != 0 {
			out[j].ExpiresAt = unixTime(nd.expires)
		}
		if p.touch {
			nd.stamp.Store(p.now)
		}
	}
	// Slot order broke score ties so far; the contract orders them by ID.
	slices.SortStableFunc(out, vectorstore.CompareMatches)
	return out
}

// scan is the exact search over every slot.
func (x *index) scan(q []float32, k int, s *scratch, accept acceptFunc) []cand {
	s.res = s.res[:0]
	for i := uint32(0); i < x.n; i++ {
		if !accept(i) {
			continue
		}
		s.res.offer(cand{x.score(q, i), i}, k)
	}
	return drain(&s.res)
}

// searchBudget is the least number of slots a graph search may score (see searchLayer).
const searchBudget = 20000

// graphSearch descends the HNSW levels and returns the best k accepted slots.
func (x *index) graphSearch(q []float32, k, ef, efUpper int, s *scratch, accept acceptFunc) []cand {
	ep, top := x.entry()
	if ep == noNode {
		return nil
	}
	eps := x.descend(q, ep, top, 0, max(efUpper, 1), s)
	x.searchLayer(q, eps, ef, 0, s, accept, max(searchBudget, 100*ef))
	for len(s.res) > k {
		s.res.pop()
	}
	return drain(&s.res)
}

// drain empties a result heap into a new best-first slice.
func drain(h *minHeap) []cand { return drainInto(nil, h) }

// drainInto empties a result heap into dst, best first.
func drainInto(dst []cand, h *minHeap) []cand {
	n := len(*h)
	dst = slices.Grow(dst[:0], n)[:n]
	for i := n - 1; i >= 0; i-- {
		dst[i] = h.pop()
	}
	return dst
}

// SearchExact is Search by a full scan, without the graph: the ground truth the graph
// search is measured against in tests and benchmarks (with int8 codes, it is exact over
// the quantised vectors).
func (s *Store) SearchExact(ctx context.Context, ns string, vector []float32, k int, filter vectorstore.Filter) ([]vectorstore.Match, error) {
	if err := s.begin(ctx); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer s.end()
	if err := vectorstore.Validate(vector); err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	x := s.lookup(ns)
	if x == nil || k <= 0 {
		return nil, nil
	}
	if len(vector) != x.dim {
		return nil, fmt.Errorf("search: query dimension %d, namespace %q has %d: %w", len(vector), ns, x.dim, vectorstore.ErrDimensionMismatch)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.search(vector, searchParams{k: k, exactN: math.MaxInt, filter: filter, now: s.now()}), nil
}
