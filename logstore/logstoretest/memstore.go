package logstoretest

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/logstore"
)

// MemStore is an in-memory Store with the reference answers, deduplicating by identity
// like a real backend. Its writes can be made to fail (Fail) or stall (Stall), and tests
// can wait for records to arrive (WaitCount) without sleeping.
type MemStore struct {
	mu      sync.Mutex
	recs    []logstore.Record
	ids     map[identity]struct{}
	err     error
	stall   chan struct{}
	changed chan struct{}
	batches int
	dupes   int
	replays int
}

type identity struct {
	id string
	ts int64
}

var _ logstore.Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{ids: map[identity]struct{}{}, changed: make(chan struct{})}
}

// Fail makes every WriteBatch return err until Fail(nil). Wrap it with
// logstore.Retryable for an outage.
func (m *MemStore) Fail(err error) {
	m.mu.Lock()
	m.err = err
	m.mu.Unlock()
}

// Stall makes WriteBatch block until the returned release func is called (or the write's
// context ends).
func (m *MemStore) Stall() (release func()) {
	ch := make(chan struct{})
	m.mu.Lock()
	m.stall = ch
	m.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			if m.stall == ch {
				m.stall = nil
			}
			m.mu.Unlock()
			close(ch)
		})
	}
}

// WriteBatch stores copies of recs, ignoring records already stored.
func (m *MemStore) WriteBatch(ctx context.Context, recs []logstore.Record) error {
	m.mu.Lock()
	stall := m.stall
	m.mu.Unlock()
	if stall != nil {
		select {
		case <-stall:
		case <-ctx.Done():
			return logstore.Retryable(ctx.Err(), 0)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.batches++
	if logstore.IsReplay(ctx) {
		m.replays++
	}
	for i := range recs {
		k := identity{recs[i].RequestID, recs[i].TimeMs}
		if _, dup := m.ids[k]; dup {
			m.dupes++
			continue
		}
		m.ids[k] = struct{}{}
		m.recs = append(m.recs, clone(recs[i]))
	}
	close(m.changed)
	m.changed = make(chan struct{})
	return nil
}

func clone(r logstore.Record) logstore.Record {
	r.Tags = slices.Clone(r.Tags)
	r.Metadata = maps.Clone(r.Metadata)
	r.Attempts = slices.Clone(r.Attempts)
	return r
}

// Records returns a copy of the stored records, in arrival order.
func (m *MemStore) Records() []logstore.Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.recs)
}

// Count returns the number of distinct records stored.
func (m *MemStore) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recs)
}

// Duplicates returns how many records arrived again after being stored (replays).
func (m *MemStore) Duplicates() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dupes
}

// Batches returns the number of successful WriteBatch calls, and how many were replays.
func (m *MemStore) Batches() (all, replays int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.batches, m.replays
}

// WaitCount waits until at least n records are stored, or timeout passes; it returns the
// count.
func (m *MemStore) WaitCount(n int, timeout time.Duration) int {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		m.mu.Lock()
		c, ch := len(m.recs), m.changed
		m.mu.Unlock()
		if c >= n {
			return c
		}
		select {
		case <-ch:
		case <-deadline.C:
			return c
		}
	}
}

// List implements logstore.Reader with the reference answers.
func (m *MemStore) List(_ context.Context, q logstore.ListQuery) (logstore.Page, error) {
	return List(m.Records(), q)
}

// Get implements logstore.Reader.
func (m *MemStore) Get(_ context.Context, id string) (logstore.Record, error) {
	return Get(m.Records(), id)
}

// Stats implements logstore.Reader.
func (m *MemStore) Stats(_ context.Context, q logstore.StatsQuery) ([]logstore.StatsRow, error) {
	return Stats(m.Records(), q)
}

// Close does nothing.
func (m *MemStore) Close() error { return nil }
