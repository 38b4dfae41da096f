package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Kind is the name the built-in store registers under.
const Kind = "builtin"

func init() {
	vectorstore.Register(Kind, func(_ context.Context, raw json.RawMessage) (vectorstore.Store, error) {
		cfg := DefaultConfig()
		if err := vectorstore.DecodeConfig(raw, &cfg); err != nil {
			return nil, err
		}
		return New(cfg)
	})
}

// Store is the built-in vector store. It is safe for concurrent use.
type Store struct {
	cfg Config

	// closeMu's read side is held by every call, its write side by Close: no call runs
	// half on a closed store.
	closeMu sync.RWMutex
	closed  bool

	mu  sync.RWMutex // guards nss
	nss map[string]*index

	points atomic.Int64
	bytes  atomic.Int64

	log  *wal // nil without persistence
	stop chan struct{}
	bg   sync.WaitGroup

	evictMu   sync.Mutex
	compactMu sync.Mutex
}

// New opens a store: it creates or recovers cfg.Dir when set and starts the background
// sweeper and log flusher.
func New(cfg Config) (*Store, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, nss: map[string]*index{}, stop: make(chan struct{})}
	if cfg.Dir != "" {
		if err := s.openDir(); err != nil {
			return nil, err
		}
	}
	if cfg.SweepInterval.Duration > 0 {
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			vectorstore.SweepEvery(s.stop, cfg.SweepInterval.Duration, func(context.Context) (int, error) { return s.sweep() },
				func(err error) { s.cfg.Logger.Warn("built-in vector store: sweep failed", "err", err) })
		}()
	}
	return s, nil
}

func (s *Store) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return vectorstore.ErrClosed
	}
	return nil
}

func (s *Store) end() { s.closeMu.RUnlock() }

func (s *Store) now() int64 { return s.cfg.Now().UnixNano() }

func unixTime(ns int64) time.Time { return time.Unix(0, ns) }

func (s *Store) lookup(ns string) *index {
	s.mu.RLock()
	x := s.nss[ns]
	s.mu.RUnlock()
	return x
}

// namespace returns ns's index, creating it with dim; ErrDimensionMismatch if it exists
// with another dimension.
func (s *Store) namespace(ns string, dim int) (*index, error) {
	if x := s.lookup(ns); x != nil {
		if x.dim != dim {
			return nil, fmt.Errorf("namespace %q has dimension %d, got %d: %w", ns, x.dim, dim, vectorstore.ErrDimensionMismatch)
		}
		return x, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.nss[ns]; x != nil {
		if x.dim != dim {
			return nil, fmt.Errorf("namespace %q has dimension %d, got %d: %w", ns, x.dim, dim, vectorstore.ErrDimensionMismatch)
		}
		return x, nil
	}
	x := newIndex(dim, &s.cfg)
	s.nss[ns] = x
	if s.log != nil {
		if err := s.log.appendEnsure(ns, dim); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Upsert implements vectorstore.Store.
func (s *Store) Upsert(ctx context.Context, ns string, points []vectorstore.Point) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	defer s.end()
	if len(points) == 0 {
		return nil
	}
	if ns == "" {
		return fmt.Errorf("upsert: empty namespace: %w", vectorstore.ErrInvalidArgument)
	}
	dim := len(points[0].Vector)
	for i := range points {
		p := &points[i]
		if p.ID == "" {
			return fmt.Errorf("upsert: point %d has an empty ID: %w", i, vectorstore.ErrInvalidArgument)
		}
		if err := vectorstore.Validate(p.Vector); err != nil {
			return fmt.Errorf("upsert %q: %w", p.ID, err)
		}
		if len(p.Vector) != dim {
			return fmt.Errorf("upsert %q: dimension %d, batch has %d: %w", p.ID, len(p.Vector), dim, vectorstore.ErrDimensionMismatch)
		}
	}
	x, err := s.namespace(ns, dim)
	if err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	if err := s.insert(x, ns, points); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	s.enforceLimits()
	if s.log != nil && s.cfg.Fsync == FsyncAlways {
		if err := s.log.sync(); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
	}
	return nil
}

// insert stores points (already validated) and links them into the graph, in parallel
// for large batches.
func (s *Store) insert(x *index, ns string, points []vectorstore.Point) error {
	now := s.now()
	units := make([]float32, len(points)*x.dim)
	slots := make([]uint32, len(points))
	// Within a batch the last point with an ID wins; earlier ones are skipped.
	var last map[string]int
	if len(points) > 1 {
		last = make(map[string]int, len(points))
		for i := range points {
			last[points[i].ID] = i
		}
	}
	link := make([]bool, len(points))
	var logErr error
	// linkMu keeps a snapshot from seeing points stored but not yet linked.
	x.linkMu.RLock()
	x.mu.Lock()
	for i := range points {
		p := &points[i]
		if last != nil && last[p.ID] != i {
			continue
		}
		link[i] = true
		u := units[i*x.dim : (i+1)*x.dim]
		vectorstore.NormalizeInto(u, p.Vector)
		var exp int64
		if !p.ExpiresAt.IsZero() {
			exp = p.ExpiresAt.UnixNano()
		}
		payload := encodePayload(p.Payload)
		slot, db, added := x.putLocked(p.ID, payload, exp, now, u)
		slots[i] = slot
		s.bytes.Add(db)
		if added {
			s.points.Add(1)
		}
		if s.log != nil && logErr == nil {
			logErr = s.log.appendUpsert(ns, p.ID, payload, exp, u)
		}
	}
	x.mu.Unlock()

	x.mu.RLock()
	workers := 1
	if len(slots) >= 256 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := x.getScratch()
			defer x.putScratch(sc)
			for {
				j := int(next.Add(1) - 1)
				if j >= len(slots) {
					return
				}
				if link[j] {
					x.link(slots[j], units[j*x.dim:(j+1)*x.dim], sc)
				}
			}
		}()
	}
	wg.Wait()
	x.mu.RUnlock()
	x.linkMu.RUnlock()
	s.maybeReclaim(x)
	return logErr
}

// Search implements vectorstore.Store.
func (s *Store) Search(ctx context.Context, ns string, vector []float32, k int, filter vectorstore.Filter) ([]vectorstore.Match, error) {
	if err := s.begin(ctx); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer s.end()
	if k < 0 {
		return nil, fmt.Errorf("search: k = %d: %w", k, vectorstore.ErrInvalidArgument)
	}
	if err := vectorstore.Validate(vector); err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	x := s.lookup(ns)
	if x == nil || k == 0 {
		return nil, nil
	}
	if len(vector) != x.dim {
		return nil, fmt.Errorf("search: query dimension %d, namespace %q has %d: %w", len(vector), ns, x.dim, vectorstore.ErrDimensionMismatch)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.search(vector, searchParams{
		k:       k,
		ef:      s.cfg.EfSearch,
		efUpper: s.cfg.EfUpper,
		exactN:  s.cfg.ExactThreshold,
		filter:  filter,
		now:     s.now(),
		touch:   s.cfg.Eviction == EvictLRU,
		fallbak: 20 * s.cfg.ExactThreshold,
	}), nil
}

// Delete implements vectorstore.Store.
func (s *Store) Delete(ctx context.Context, ns string, ids []string) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	defer s.end()
	x := s.lookup(ns)
	if x == nil || len(ids) == 0 {
		return nil
	}
	var logErr error
	x.mu.Lock()
	for _, id := range ids {
		if b, ok := x.removeLocked(id); ok {
			s.points.Add(-1)
			s.bytes.Add(-b)
			if s.log != nil && logErr == nil {
				logErr = s.log.appendDelete(ns, id)
			}
		}
	}
	x.mu.Unlock()
	s.maybeReclaim(x)
	if logErr == nil && s.log != nil && s.cfg.Fsync == FsyncAlways {
		logErr = s.log.sync()
	}
	if logErr != nil {
		return fmt.Errorf("delete: %w", logErr)
	}
	return nil
}

// Close stops the background work, flushes and closes the log. Later calls fail with
// ErrClosed.
func (s *Store) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return vectorstore.ErrClosed
	}
	s.closed = true
	s.closeMu.Unlock()
	close(s.stop)
	s.bg.Wait()
	if s.log != nil {
		if err := s.log.close(); err != nil {
			return fmt.Errorf("close built-in vector store: %w", err)
		}
	}
	return nil
}

var (
	_ vectorstore.Store            = (*Store)(nil)
	_ vectorstore.Pinger           = (*Store)(nil)
	_ vectorstore.NamespaceEnsurer = (*Store)(nil)
	_ vectorstore.Sweeper          = (*Store)(nil)
	_ vectorstore.Statser          = (*Store)(nil)
	_ vectorstore.NamespaceDropper = (*Store)(nil)
	_ vectorstore.FilterDeleter    = (*Store)(nil)
	_ vectorstore.Getter           = (*Store)(nil)
)
