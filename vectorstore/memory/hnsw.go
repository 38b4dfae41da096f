package memory

import (
	"slices"
)

// scratch is the per-search working memory, pooled per index.
type scratch struct {
	visited []uint16
	gen     uint16
	front   maxHeap
	res     minHeap
	nbrs    []uint32
	sel     []cand
	query   []float32
}

func (x *index) getScratch() *scratch {
	s, _ := x.scratchs.Get().(*scratch)
	if s == nil {
		s = &scratch{query: make([]float32, x.dim)}
	}
	if n := int(x.n); len(s.visited) < n {
		s.visited = make([]uint16, n+n/4+64)
		s.gen = 0
	}
	return s
}

func (x *index) putScratch(s *scratch) { x.scratchs.Put(s) }

// nextGen starts a new visited set.
func (s *scratch) nextGen() {
	s.gen++
	if s.gen == 0 {
		clear(s.visited)
		s.gen = 1
	}
}

// buildUpperEf is the beam width on the levels above the base one while inserting
// (Config.EfUpper is the one for searches). HNSW's greedy walk (a beam of 1) there can
// settle in the wrong cluster of clustered data, and the base-layer search cannot leave
// it; candidates carried down avoid that.
const buildUpperEf = 8

// descend walks from the entry point down to level stop+1 with a beam of width and
// returns the best candidates found (best first) as entry points for level stop.
func (x *index) descend(q []float32, ep uint32, top, stop, width int, s *scratch) []cand {
	eps := append(s.sel[:0], cand{x.score(q, ep), ep})
	for l := top; l > stop; l-- {
		x.searchLayer(q, eps, width, l, s, nil, 0)
		eps = drainInto(eps[:0], &s.res)
	}
	s.sel = eps
	return eps
}

// neighbours copies slot i's links on level l into dst.
func (x *index) neighbours(i uint32, l int, dst []uint32) []uint32 {
	mu := x.linkLock(i)
	mu.Lock()
	dst = x.neighboursLocked(i, l, dst)
	mu.Unlock()
	return dst
}

// neighboursLocked is neighbours with i's link lock held.
func (x *index) neighboursLocked(i uint32, l int, dst []uint32) []uint32 {
	dst = dst[:0]
	if l == 0 {
		c := x.chunks[i>>chunkBits]
		o := int(i&chunkMask) * (x.m0 + 1)
		n := int(c.links[o])
		dst = append(dst, c.links[o+1:o+1+n]...)
	} else if nd := x.node(i); l <= len(nd.upper) {
		dst = append(dst, nd.upper[l-1]...)
	}
	return dst
}

// setNeighbours replaces slot i's links on level l. Caller holds i's link lock.
func (x *index) setNeighboursLocked(i uint32, l int, nbrs []cand) {
	if l == 0 {
		c := x.chunks[i>>chunkBits]
		o := int(i&chunkMask) * (x.m0 + 1)
		c.links[o] = uint32(len(nbrs))
		for j, n := range nbrs {
			c.links[o+1+j] = n.id
		}
		return
	}
	nd := x.node(i)
	if l > len(nd.upper) {
		return
	}
	up := nd.upper[l-1][:0]
	for _, n := range nbrs {
		up = append(up, n.id)
	}
	nd.upper[l-1] = up
}

// acceptFunc decides which slots may enter the results (the walk crosses all of them).
type acceptFunc func(i uint32) bool

// searchLayer is the HNSW beam search on level l. It leaves the best ef accepted slots
// in s.res (worst on top). While fewer than ef slots are accepted (a selective filter,
// many expired points) the search keeps widening; budget, when positive, caps the
// slots it scores so such a query cannot turn into a slow walk of the whole graph.
func (x *index) searchLayer(q []float32, eps []cand, ef, l int, s *scratch, accept acceptFunc, budget int) {
	s.nextGen()
	s.front = s.front[:0]
	s.res = s.res[:0]
	for _, ep := range eps {
		if s.visited[ep.id] == s.gen {
			continue
		}
		s.visited[ep.id] = s.gen
		s.front.push(ep)
		if accept == nil || accept(ep.id) {
			s.res.offer(ep, ef)
		}
	}
	for len(s.front) > 0 {
		c := s.front.pop()
		if len(s.res) >= ef && better(s.res[0], c) {
			break
		}
		s.nbrs = x.neighbours(c.id, l, s.nbrs)
		for _, nb := range s.nbrs {
			if nb >= x.n || s.visited[nb] == s.gen {
				continue
			}
			s.visited[nb] = s.gen
			if budget--; budget == 0 {
				return
			}
			nc := cand{x.score(q, nb), nb}
			if len(s.res) < ef || better(nc, s.res[0]) {
				s.front.push(nc)
				if accept == nil || accept(nb) {
					s.res.offer(nc, ef)
				}
			}
		}
	}
}

// entry returns the entry point and the top level.
func (x *index) entry() (uint32, int) {
	x.epMu.RLock()
	defer x.epMu.RUnlock()
	return x.ep, x.epLevel
}

// link inserts slot i (already stored; q is its unit vector before any quantisation)
// into the graph. Caller holds mu for reading.
func (x *index) link(i uint32, q []float32, s *scratch) {
	nd := x.node(i)
	level := int(nd.level)
	x.epMu.Lock()
	if x.ep == noNode {
		x.ep, x.epLevel = i, level
		x.epMu.Unlock()
		return
	}
	ep, top := x.ep, x.epLevel
	x.epMu.Unlock()

	eps := slices.Clone(x.descend(q, ep, top, level, buildUpperEf, s))
	live := func(j uint32) bool { return j != i && x.node(j).live }
	for l := min(level, top); l >= 0; l-- {
		x.searchLayer(q, eps, x.efC, l, s, live, 0)
		// Results sorted best first; they are the next level's entries.
		s.sel = s.sel[:0]
		for len(s.res) > 0 {
			s.sel = append(s.sel, s.res.pop())
		}
		slices.Reverse(s.sel)
		if len(s.sel) > 0 {
			eps = append(eps[:0], s.sel...)
		}
		maxN := x.m
		if l == 0 {
			maxN = x.m0
		}
		chosen := x.selectHeuristic(s.sel, x.m, s)
		mu := x.linkLock(i)
		mu.Lock()
		x.setNeighboursLocked(i, l, chosen)
		mu.Unlock()
		for _, nb := range chosen {
			x.addReverse(nb.id, i, nb.score, l, maxN, s)
		}
	}
	if level > top || !x.node(ep).live {
		// A dead entry point (everything it reached may be deleted) hands over to the
		// new node; reclaim later moves it to the highest live node.
		x.epMu.Lock()
		if level > x.epLevel || (x.ep == ep && !x.node(ep).live) {
			x.ep, x.epLevel = i, level
		}
		x.epMu.Unlock()
	}
}

// selectHeuristic picks up to m diverse neighbours from cands (best first): a candidate
// is kept only if it is closer to the base than to every neighbour kept so far (HNSW's
// heuristic, which keeps links between clusters).
func (x *index) selectHeuristic(cands []cand, m int, s *scratch) []cand {
	if len(cands) <= m {
		return slices.Clone(cands)
	}
	out := make([]cand, 0, m)
	for _, c := range cands {
		if len(out) >= m {
			break
		}
		keep := true
		for _, o := range out {
			if x.pairScore(c.id, o.id) > c.score {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, c)
		}
	}
	// Fill the free places with the closest pruned candidates ("keepPrunedConnections"
	// in the HNSW paper): more in-links keep every node reachable after deletes and
	// slot reuse.
	if len(out) < m {
		for _, c := range cands {
			if len(out) >= m {
				break
			}
			if !slices.ContainsFunc(out, func(o cand) bool { return o.id == c.id }) {
				out = append(out, c)
			}
		}
	}
	return out
}

// addReverse adds a link from nb to i on level l, pruning nb's list when full.
func (x *index) addReverse(nb, i uint32, sc float32, l, maxN int, s *scratch) {
	mu := x.linkLock(nb)
	mu.Lock()
	defer mu.Unlock()
	var cur []uint32
	if l == 0 {
		c := x.chunks[nb>>chunkBits]
		o := int(nb&chunkMask) * (x.m0 + 1)
		n := int(c.links[o])
		if n < maxN {
			c.links[o+1+n] = i
			c.links[o] = uint32(n + 1)
			return
		}
		cur = c.links[o+1 : o+1+n]
	} else {
		nd := x.node(nb)
		if l > len(nd.upper) {
			return
		}
		if len(nd.upper[l-1]) < maxN {
			nd.upper[l-1] = append(nd.upper[l-1], i)
			return
		}
		cur = nd.upper[l-1]
	}
	if slices.Contains(cur, i) {
		return
	}
	cands := make([]cand, 0, len(cur)+1)
	cands = append(cands, cand{sc, i})
	for _, o := range cur {
		cands = append(cands, cand{x.pairScore(nb, o), o})
	}
	sortCands(cands)
	x.setNeighboursLocked(nb, l, x.selectHeuristic(cands, maxN, s))
}

// sortCands sorts best first.
func sortCands(c []cand) {
	slices.SortFunc(c, func(a, b cand) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
}
