package gateway

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

func TestLimiterQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter("p", 1, 1, time.Second)
		ctx := context.Background()
		if e := l.acquire(ctx); e != nil {
			t.Fatal(e)
		}
		// One waiter fits in the queue; a second is refused at once.
		waited := make(chan *api.Error, 1)
		go func() { waited <- l.acquire(ctx) }()
		synctest.Wait()
		e := l.acquire(ctx)
		if e == nil || e.Status != 429 || e.Code != "provider_overloaded" {
			t.Fatalf("queue full: %+v", e)
		}
		l.release()
		if e := <-waited; e != nil {
			t.Fatalf("queued caller: %v", e)
		}
		// The queued caller gives up after the queue timeout.
		go func() { waited <- l.acquire(ctx) }()
		time.Sleep(2 * time.Second)
		if e := <-waited; e == nil || e.Type != api.ErrRateLimit {
			t.Fatalf("queue timeout: %+v", e)
		}
		// A cancelled caller leaves the queue.
		cctx, cancel := context.WithCancel(ctx)
		go func() { waited <- l.acquire(cctx) }()
		synctest.Wait()
		cancel()
		if e := <-waited; e == nil || e.Type != api.ErrContextCanceled {
			t.Fatalf("cancelled: %+v", e)
		}
		l.release()
		if l.waiting.Load() != 0 {
			t.Errorf("waiting = %d", l.waiting.Load())
		}
	})
}

func TestGate(t *testing.T) {
	g := gate{max: 2}
	if g.enter() != nil || g.enter() != nil {
		t.Fatal("under the cap")
	}
	if e := g.enter(); e == nil || e.Status != 503 || e.Type != api.ErrOverloaded {
		t.Fatalf("over the cap: %+v", e)
	}
	g.leave()
	if g.enter() != nil {
		t.Fatal("after leave")
	}
}
