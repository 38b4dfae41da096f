package memory

import (
	"context"
	"fmt"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Ping implements vectorstore.Pinger.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	defer s.end()
	if s.log != nil {
		return s.log.err()
	}
	return nil
}

// EnsureNamespace implements vectorstore.NamespaceEnsurer.
func (s *Store) EnsureNamespace(ctx context.Context, ns string, dim int) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("ensure namespace: %w", err)
	}
	defer s.end()
	if ns == "" || dim <= 0 {
		return fmt.Errorf("ensure namespace %q with dimension %d: %w", ns, dim, vectorstore.ErrInvalidArgument)
	}
	if _, err := s.namespace(ns, dim); err != nil {
		return fmt.Errorf("ensure namespace: %w", err)
	}
	return nil
}

// Get implements vectorstore.Getter. The vector returned is unit length (and decoded
// from int8 in that mode).
func (s *Store) Get(ctx context.Context, ns, id string) (vectorstore.Point, error) {
	if err := s.begin(ctx); err != nil {
		return vectorstore.Point{}, fmt.Errorf("get: %w", err)
	}
	defer s.end()
	x := s.lookup(ns)
	if x == nil {
		return vectorstore.Point{}, fmt.Errorf("get %q in %q: %w", id, ns, vectorstore.ErrNotFound)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	i, ok := x.ids[id]
	if ok {
		nd := x.node(i)
		if nd.expires == 0 || nd.expires > s.now() {
			p := vectorstore.Point{ID: nd.id, Payload: decodePayload(nd.payload)}
			p.Vector = append([]float32(nil), x.vector(i, make([]float32, x.dim))...)
			if nd.expires != 0 {
				p.ExpiresAt = unixTime(nd.expires)
			}
			return p, nil
		}
	}
	return vectorstore.Point{}, fmt.Errorf("get %q in %q: %w", id, ns, vectorstore.ErrNotFound)
}

// DropNamespace implements vectorstore.NamespaceDropper.
func (s *Store) DropNamespace(ctx context.Context, ns string) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("drop namespace: %w", err)
	}
	defer s.end()
	s.mu.Lock()
	x := s.nss[ns]
	if x == nil {
		s.mu.Unlock()
		return nil
	}
	delete(s.nss, ns)
	var err error
	if s.log != nil {
		err = s.log.appendDrop(ns)
	}
	s.mu.Unlock()
	x.mu.RLock()
	s.points.Add(-int64(x.live))
	s.bytes.Add(-x.bytes)
	x.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("drop namespace: %w", err)
	}
	return nil
}

// DeleteWhere implements vectorstore.FilterDeleter.
func (s *Store) DeleteWhere(ctx context.Context, ns string, f vectorstore.Filter) (int, error) {
	if err := s.begin(ctx); err != nil {
		return 0, fmt.Errorf("delete where: %w", err)
	}
	defer s.end()
	x := s.lookup(ns)
	if x == nil {
		return 0, nil
	}
	n, err := s.removeIf(x, ns, func(nd *node) bool { return filterPasses(f, nd.payload) })
	if err != nil {
		return n, fmt.Errorf("delete where: %w", err)
	}
	return n, nil
}

// removeIf deletes the live points of x for which drop is true.
func (s *Store) removeIf(x *index, ns string, drop func(*node) bool) (int, error) {
	var logErr error
	n := 0
	x.mu.Lock()
	for i := uint32(0); i < x.n; i++ {
		nd := x.node(i)
		if !nd.live || !drop(nd) {
			continue
		}
		id := nd.id
		b := x.freeLocked(i)
		s.points.Add(-1)
		s.bytes.Add(-b)
		n++
		if s.log != nil && logErr == nil {
			logErr = s.log.appendDelete(ns, id)
		}
	}
	x.mu.Unlock()
	s.maybeReclaim(x)
	return n, logErr
}

// Sweep implements vectorstore.Sweeper: it removes every expired point now.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	if err := s.begin(ctx); err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	defer s.end()
	return s.sweep()
}

func (s *Store) sweep() (int, error) {
	now := s.now()
	total := 0
	for ns, x := range s.snapshotNamespaces() {
		n, err := s.removeIf(x, ns, func(nd *node) bool { return nd.expires != 0 && nd.expires <= now })
		total += n
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
	}
	return total, nil
}

func (s *Store) snapshotNamespaces() map[string]*index {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]*index, len(s.nss))
	for k, v := range s.nss {
		out[k] = v
	}
	return out
}

// Stats implements vectorstore.Statser.
func (s *Store) Stats(ctx context.Context) (vectorstore.Stats, error) {
	if err := s.begin(ctx); err != nil {
		return vectorstore.Stats{}, fmt.Errorf("stats: %w", err)
	}
	defer s.end()
	s.mu.RLock()
	n := len(s.nss)
	s.mu.RUnlock()
	return vectorstore.Stats{Points: int(s.points.Load()), Bytes: s.bytes.Load(), Namespaces: n}, nil
}

// Flush writes the log out and fsyncs it now, whatever the fsync policy: everything
// acknowledged before Flush returns survives a crash.
func (s *Store) Flush() error {
	if err := s.begin(context.Background()); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	defer s.end()
	if s.log == nil {
		return nil
	}
	return s.log.sync()
}

// ProcessLocal reports that the store lives inside this process: no other process writes
// to it (the cache skips searching a scope it never stored into).
func (s *Store) ProcessLocal() bool { return true }
