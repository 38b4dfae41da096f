package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/cache/embed"
	"github.com/muninn-gw/muninn/vectorstore"
)

// Lookup outcomes.
const (
	StatusHitExact    = "hit-exact"
	StatusHitSemantic = "hit-semantic"
	StatusMiss        = "miss"
)

// Cache is the exact and semantic response cache. It is safe for concurrent use.
//
// Contracts:
//   - Lookup never writes: stores go through Store, which only enqueues; a bounded pool of
//     workers writes the exact tier, embeds and upserts the vector afterwards.
//   - Every Result from Lookup must be finished with exactly one Store or Release, so the
//     stampede flight it may lead lands.
//   - The Cache does not own the vector store or the embedder: Close leaves them open.
type Cache struct {
	cfg      Config
	store    vectorstore.Store // nil: exact tier only
	emb      embed.Embedder    // nil: exact tier only
	cov      embed.CoverageChecker
	embModel string
	shared   bool            // the store may hold other processes' entries (replicas)
	nearOff  map[string]bool // kinds on (nil = all)
	log      *slog.Logger
	now      func() time.Time

	idx            *index
	jr             *journal
	journalDropped int64
	fl             flights
	ctr            *counters

	embedSlots chan struct{} // request-path embedding concurrency

	closeMu sync.RWMutex
	closed  bool
	jobs    chan storeJob
	pending pendingCounter
	workers sync.WaitGroup
	stop    chan struct{}
	sweeper sync.WaitGroup
}

// Options are the collaborators of a Cache beyond its Config.
type Options struct {
	// Store and Embedder enable the semantic tier; either nil keeps the exact tier only.
	Store    vectorstore.Store
	Embedder embed.Embedder
	Logger   *slog.Logger
	// Now overrides the clock (tests).
	Now func() time.Time
}

// New opens a cache. With cfg.DataDir set it reloads the persisted exact tier.
func New(cfg Config, o Options) (*Cache, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cache{
		cfg: cfg, store: o.Store, emb: o.Embedder, log: o.Logger, now: o.Now,
		idx: newIndex(cfg.MaxEntries, cfg.MaxBytes), ctr: newCounters(),
		jobs: make(chan storeJob, cfg.StoreQueue), stop: make(chan struct{}),
		embedSlots: make(chan struct{}, max(cfg.MaxConcurrentEmbeds, 1)),
	}
	c.fl.m = map[string]*flight{}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.store == nil || c.emb == nil || cfg.DisableSemantic {
		c.store, c.emb = nil, nil
	} else {
		c.embModel = c.emb.Model()
		c.cov, _ = c.emb.(embed.CoverageChecker)
		c.shared = sharedStore(cfg, c.store)
	}
	if len(cfg.Guards.NearMissOff) > 0 {
		c.nearOff = map[string]bool{}
		for _, k := range NearMissKinds {
			c.nearOff[k] = true
		}
		for _, k := range cfg.Guards.NearMissOff {
			c.nearOff[k] = false
		}
	}
	if cfg.DataDir != "" {
		now := c.now()
		jr, dropped, err := openJournal(cfg.DataDir, func(op byte, e *Entry, id string) {
			if op == 'D' {
				c.idx.remove(id)
				return
			}
			if e.expired(now) {
				c.idx.remove(e.ID)
				return
			}
			e.lastHit.Store(e.Created.UnixNano())
			c.idx.put(e)
		})
		if err != nil {
			return nil, err
		}
		if dropped > 0 {
			c.log.Warn("cache journal: dropped a corrupt or torn tail", "bytes", dropped, "dir", cfg.DataDir)
		}
		c.jr, c.journalDropped = jr, dropped
		if n, _ := c.idx.stats(); jr.needsCompaction(n) {
			if err := jr.compact(c.idx.snapshot(), now); err != nil {
				c.log.Warn("cache journal: compaction failed", "err", err)
			}
		}
	}
	for range cfg.StoreWorkers {
		c.workers.Add(1)
		go c.storeWorker()
	}
	c.sweeper.Add(1)
	go c.sweepLoop()
	return c, nil
}

// Config returns the effective configuration (defaults applied).
func (c *Cache) Config() Config { return c.cfg }

// EmbedderModel returns the embedding model in use, "" when the semantic tier is off.
func (c *Cache) EmbedderModel() string { return c.embModel }

// Namespace returns the vector store namespace of a scope.
func (c *Cache) Namespace(scope string) string { return c.cfg.Namespace + "_" + scope }

// Get returns a live entry by id.
func (c *Cache) Get(id string) (*Entry, bool) {
	e := c.idx.get(id)
	if e == nil || e.expired(c.now()) {
		return nil, false
	}
	return e, true
}

// Selector chooses entries to delete. Set fields must all match; All selects everything.
type Selector struct {
	ID, Scope, Model, Tenant string
	All                      bool
}

func (s Selector) empty() bool {
	return s.ID == "" && s.Scope == "" && s.Model == "" && s.Tenant == "" && !s.All
}

// Delete removes matching entries from both tiers and returns how many it removed.
func (c *Cache) Delete(ctx context.Context, sel Selector) (int, error) {
	if sel.empty() {
		return 0, errors.New("cache delete: give an id, scope, model or tenant (or all)")
	}
	var removed []*Entry
	if sel.ID != "" && sel.Scope == "" && sel.Model == "" && sel.Tenant == "" {
		if e := c.idx.remove(sel.ID); e != nil {
			removed = append(removed, e)
		}
	} else {
		removed = c.idx.removeIf(func(e *Entry) bool {
			return (sel.ID == "" || e.ID == sel.ID) && (sel.Scope == "" || e.Scope == sel.Scope) &&
				(sel.Model == "" || e.Model == sel.Model) && (sel.Tenant == "" || e.Tenant == sel.Tenant)
		})
	}
	c.ctr.deleted.Add(int64(len(removed)))
	err := c.forget(ctx, removed, false)
	n := len(removed)
	if c.shared && sel.Scope != "" && sel.ID == "" {
		// Other replicas' entries in the scope, which this process never loaded.
		if fd, ok := c.store.(vectorstore.FilterDeleter); ok {
			f := vectorstore.Filter{}
			if sel.Model != "" {
				f[pfModel] = sel.Model
			}
			if sel.Tenant != "" {
				f[pfTenant] = sel.Tenant
			}
			more, derr := fd.DeleteWhere(ctx, c.Namespace(sel.Scope), f)
			if derr != nil {
				err = errors.Join(err, fmt.Errorf("cache: delete shared entries: %w", derr))
			}
			n += more
			c.ctr.deleted.Add(int64(more))
		}
	}
	return n, err
}

// forget removes entries already taken out of the index from the journal and the vector
// store. Entries evicted for room stay in a shared store: other replicas may still serve
// them, and the store bounds itself (expiry).
func (c *Cache) forget(ctx context.Context, es []*Entry, evicted bool) error {
	if len(es) == 0 {
		return nil
	}
	var errs []error
	byNS := map[string][]string{}
	for _, e := range es {
		if c.jr != nil {
			if err := c.jr.appendDelete(e.ID); err != nil {
				errs = append(errs, err)
			}
		}
		if e.Semantic && !(evicted && c.shared) {
			ns := c.Namespace(e.Scope)
			byNS[ns] = append(byNS[ns], e.ID)
		}
	}
	if c.store != nil {
		for ns, ids := range byNS {
			if err := c.store.Delete(ctx, ns, ids); err != nil {
				errs = append(errs, fmt.Errorf("cache: delete vectors: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

func (c *Cache) sweepLoop() {
	defer c.sweeper.Done()
	t := time.NewTicker(c.cfg.SweepPeriod)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.Sweep(context.Background())
		}
	}
}

// Sweep removes expired entries (so the store does not grow with entries nobody hits),
// syncs the journal and compacts it when needed. It runs every SweepPeriod.
func (c *Cache) Sweep(ctx context.Context) int {
	now := c.now()
	exp := c.idx.expired(now)
	c.ctr.expired.Add(int64(len(exp)))
	if err := c.forget(ctx, exp, false); err != nil {
		c.log.Warn("cache sweep", "err", err)
	}
	if c.jr != nil {
		if err := c.jr.sync(); err != nil {
			c.log.Warn("cache journal sync", "err", err)
		}
		if n, _ := c.idx.stats(); c.jr.needsCompaction(n) {
			if err := c.jr.compact(c.idx.snapshot(), now); err != nil {
				c.log.Warn("cache journal compaction", "err", err)
			}
		}
	}
	return len(exp)
}

// Flush waits until every store enqueued so far is written (or ctx ends).
func (c *Cache) Flush(ctx context.Context) error { return c.pending.wait(ctx) }

// Close stops accepting stores, drains the queue (bounded by ctx), stops the sweeper and
// closes the journal. Safe to call more than once.
func (c *Cache) Close(ctx context.Context) error {
	c.closeMu.Lock()
	if c.closed {
		c.closeMu.Unlock()
		return nil
	}
	c.closed = true
	close(c.jobs)
	close(c.stop)
	c.closeMu.Unlock()
	done := make(chan struct{})
	go func() { c.workers.Wait(); c.sweeper.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("cache close: %w (stores still pending)", ctx.Err())
	}
	if c.jr != nil {
		if jerr := c.jr.close(); jerr != nil && err == nil {
			err = jerr
		}
	}
	return err
}

// pendingCounter lets Flush wait for in-flight stores without a WaitGroup's reuse rules.
type pendingCounter struct {
	mu   sync.Mutex
	n    int
	zero chan struct{}
}

func (p *pendingCounter) add() {
	p.mu.Lock()
	if p.n == 0 {
		p.zero = make(chan struct{})
	}
	p.n++
	p.mu.Unlock()
}

func (p *pendingCounter) done() {
	p.mu.Lock()
	p.n--
	if p.n == 0 {
		close(p.zero)
	}
	p.mu.Unlock()
}

func (p *pendingCounter) wait(ctx context.Context) error {
	p.mu.Lock()
	if p.n == 0 {
		p.mu.Unlock()
		return nil
	}
	ch := p.zero
	p.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
