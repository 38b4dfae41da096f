package memory

import "context"

// In a cluster whose points are all about as similar to each other (common with text
// embeddings: a topic where everything scores 0.55), the neighbour-selection heuristic
// and list pruning decide between near-equal candidates, and some points end up with no
// link pointing to them on the base layer: no search can reach them. fixOrphans gives
// each such point an in-link from its closest neighbour, replacing that neighbour's
// weakest link to a point that has other in-links. It runs after a snapshot is loaded,
// before a snapshot is written, and from Optimize.

// fixOrphans repairs base-layer orphans and returns how many it linked. It takes
// linkMu for writing and mu for reading.
func (x *index) fixOrphans() int {
	x.linkMu.Lock()
	defer x.linkMu.Unlock()
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.live < 2 {
		return 0
	}
	in := make([]uint16, x.n)
	var nb []uint32
	for i := uint32(0); i < x.n; i++ {
		if !x.node(i).live {
			continue
		}
		nb = x.neighboursLocked(i, 0, nb)
		for _, j := range nb {
			if j < x.n && in[j] < 0xffff {
				in[j]++
			}
		}
	}
	ep, _ := x.entry()
	fixed := 0
	var own []uint32
	for v := uint32(0); v < x.n; v++ {
		if in[v] > 0 || v == ep || !x.node(v).live {
			continue
		}
		own = x.neighboursLocked(v, 0, own)
		// The closest live neighbour takes v in.
		best, bestScore := uint32(noNode), float32(-2)
		for _, u := range own {
			if u < x.n && x.node(u).live {
				if sc := x.pairScore(v, u); sc > bestScore {
					best, bestScore = u, sc
				}
			}
		}
		if best == noNode {
			continue
		}
		c := x.chunks[best>>chunkBits]
		o := int(best&chunkMask) * (x.m0 + 1)
		n := int(c.links[o])
		if n < x.m0 {
			c.links[o+1+n] = v
			c.links[o] = uint32(n + 1)
		} else {
			// Replace the weakest link to a point that keeps another in-link.
			worst, worstScore := -1, float32(2)
			for k := 0; k < n; k++ {
				w := c.links[o+1+k]
				if w < x.n && in[w] > 1 {
					if sc := x.pairScore(best, w); sc < worstScore {
						worst, worstScore = k, sc
					}
				}
			}
			if worst < 0 {
				continue
			}
			in[c.links[o+1+worst]]--
			c.links[o+1+worst] = v
		}
		in[v]++
		fixed++
	}
	return fixed
}

// Optimize repairs the graphs of every namespace (see fixOrphans) and returns how many
// points it made reachable again. Compaction and loading do it on their own; call it
// after a large bulk load that is searched before the next snapshot.
func (s *Store) Optimize() int {
	if err := s.begin(context.Background()); err != nil {
		return 0
	}
	defer s.end()
	n := 0
	for _, x := range s.snapshotNamespaces() {
		n += x.fixOrphans()
	}
	return n
}
