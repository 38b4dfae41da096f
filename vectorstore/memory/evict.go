package memory

import (
	"math/rand/v2"
)

// evictSamples is how many random points are compared per eviction: the approximate
// LRU of Redis, which needs no list or heap per point.
const evictSamples = 16

func (s *Store) overLimits() bool {
	return (s.cfg.MaxPoints > 0 && s.points.Load() > int64(s.cfg.MaxPoints)) ||
		(s.cfg.MaxBytes > 0 && s.bytes.Load() > s.cfg.MaxBytes)
}

// enforceLimits evicts points until the store is within MaxPoints and MaxBytes.
// Expired points go first (a sweep), then the sampled least recently hit (or oldest).
func (s *Store) enforceLimits() {
	if !s.overLimits() {
		return
	}
	s.evictMu.Lock()
	defer s.evictMu.Unlock()
	if s.overLimits() {
		if _, err := s.sweep(); err != nil {
			s.cfg.Logger.Warn("built-in vector store: sweep before eviction failed", "err", err)
		}
	}
	for s.overLimits() {
		if !s.evictOne() {
			return
		}
	}
}

type victim struct {
	ns    string
	x     *index
	id    string
	stamp int64
}

// evictOne removes the oldest-stamped of a few random points, picking namespaces in
// proportion to their size.
func (s *Store) evictOne() bool {
	nss := s.snapshotNamespaces()
	var best victim
	found := false
	for range evictSamples {
		var pick *index
		var pickNS string
		seen := 0
		for ns, x := range nss {
			x.mu.RLock()
			n := x.live
			x.mu.RUnlock()
			if n == 0 {
				continue
			}
			seen += n
			if rand.IntN(seen) < n {
				pick, pickNS = x, ns
			}
		}
		if pick == nil {
			break
		}
		pick.mu.RLock()
		if pick.n > 0 {
			for try := 0; try < 8; try++ {
				nd := pick.node(uint32(rand.IntN(int(pick.n))))
				if !nd.live {
					continue
				}
				if st := nd.stamp.Load(); !found || st < best.stamp {
					best, found = victim{pickNS, pick, nd.id, st}, true
				}
				break
			}
		}
		pick.mu.RUnlock()
	}
	if !found {
		return false
	}
	best.x.mu.Lock()
	b, ok := best.x.removeLocked(best.id)
	var err error
	if ok {
		s.points.Add(-1)
		s.bytes.Add(-b)
		if s.log != nil {
			err = s.log.appendDelete(best.ns, best.id)
		}
	}
	best.x.mu.Unlock()
	s.maybeReclaim(best.x)
	if err != nil {
		s.cfg.Logger.Warn("built-in vector store: logging an eviction failed", "err", err)
	}
	return true
}
