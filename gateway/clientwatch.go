package gateway

import (
	"net"
	"sync"
	"syscall"
	"time"
)

// watchAfter is how long a call runs before the gateway starts watching its client's
// connection. Fast calls never pay for a watcher.
const watchAfter = 200 * time.Millisecond

// clientWatch notices a client that closes its connection while the gateway waits for
// the upstream, before any byte of the answer was written (fasthttp itself only notices
// on the next write). It peeks at the socket without consuming anything, so the
// connection stays usable for the next request.
type clientWatch struct {
	conn    net.Conn
	raw     syscall.RawConn
	timer   *time.Timer
	mu      sync.Mutex
	stopped bool
	gen     uint64        // tells a late timer of an earlier request from the current one
	done    chan struct{} // non-nil while the watcher runs
}

var pastDeadline = time.Unix(1, 0)

// watchClient arms the watcher for x's connection; unwatchClient must follow before the
// answer is written.
func (x *exchange) watchClient() {
	if x.rctx == nil || !peekSupported {
		return
	}
	sc, ok := x.rctx.Conn().(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	w := &x.watch
	w.mu.Lock()
	w.gen++
	gen := w.gen
	w.conn, w.raw, w.stopped, w.done = x.rctx.Conn(), raw, false, nil
	w.mu.Unlock()
	w.timer = time.AfterFunc(watchAfter, func() { x.runWatch(gen) })
}

// runWatch runs in the timer's goroutine and blocks until the client's socket becomes
// readable (EOF, reset or a pipelined request) or the watch is stopped.
func (x *exchange) runWatch(gen uint64) {
	w := &x.watch
	w.mu.Lock()
	if w.stopped || w.gen != gen {
		w.mu.Unlock()
		return
	}
	done := make(chan struct{})
	w.done = done
	cancel, raw := x.cancel, w.raw
	w.mu.Unlock()
	defer close(done)
	if peekClosed(raw) {
		cancel()
	}
}

// unwatchClient stops the watcher and restores the connection's read deadline.
func (x *exchange) unwatchClient() {
	w := &x.watch
	if w.conn == nil {
		return
	}
	w.mu.Lock()
	w.stopped = true
	done, conn := w.done, w.conn
	w.conn, w.raw, w.done = nil, nil, nil
	w.mu.Unlock()
	w.timer.Stop()
	w.timer = nil
	if done != nil {
		_ = conn.SetReadDeadline(pastDeadline)
		<-done
		_ = conn.SetReadDeadline(time.Time{})
	}
}
