package cache

import (
	"context"
	"sync"
	"time"
)

// flights implements stampede protection: the first miss on an exact key leads, and
// identical requests that arrive meanwhile wait (bounded) for its entry instead of
// calling upstream too.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done  chan struct{}
	once  sync.Once
	start time.Time
}

// join returns (f, true) when the caller leads a new flight for key, or the existing
// flight and false. A flight older than maxAge is considered abandoned and replaced.
func (fs *flights) join(key string, now time.Time, maxAge time.Duration) (*flight, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.m[key]; ok && now.Sub(f.start) < maxAge {
		return f, false
	}
	f := &flight{done: make(chan struct{}), start: now}
	fs.m[key] = f
	return f, true
}

// land ends the flight for key if f still owns it, waking its waiters.
func (fs *flights) land(key string, f *flight) {
	if f == nil {
		return
	}
	fs.mu.Lock()
	if fs.m[key] == f {
		delete(fs.m, key)
	}
	fs.mu.Unlock()
	f.once.Do(func() { close(f.done) })
}

// wait blocks until f lands, ctx ends or d passes; it reports whether f landed.
func (f *flight) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-f.done:
		return true
	case <-ctx.Done():
		return false
	case <-t.C:
		return false
	}
}
