package gateway

import (
	"context"
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
	cancel  context.CancelFunc
	timer   *time.Timer // made once per pooled exchange and re-armed for each request
	mu      sync.Mutex
	stopped bool
	done    chan struct{} // non-nil while the watcher runs
}

var pastDeadline = time.Unix(1, 0)

// watchClient arms the watcher for x's connection; unwatchClient must follow before the
// answer is written. It allocates nothing: the timer is the exchange's own, and the
// socket is only reached (SyscallConn) if the watcher starts.
func (x *exchange) watchClient() {
	if x.rctx == nil || !peekSupported {
		return
	}
	conn := x.rctx.Conn()
	if _, ok := conn.(syscall.Conn); !ok {
		return
	}
	w := &x.watch
	w.mu.Lock()
	w.conn, w.cancel, w.stopped = conn, x.cancel, false
	w.mu.Unlock()
	if w.timer == nil {
		w.timer = time.AfterFunc(watchAfter, x.runWatch)
	} else {
		w.timer.Reset(watchAfter)
	}
}

// runWatch runs in the timer's goroutine and blocks until the client's socket becomes
// readable (EOF, reset or a pipelined request) or the watch is stopped. A late run of the
// timer of an earlier request finds the watch stopped, or watches the current request's
// connection early, which is harmless.
func (x *exchange) runWatch() {
	w := &x.watch
	w.mu.Lock()
	if w.stopped || w.conn == nil || w.done != nil {
		w.mu.Unlock()
		return
	}
	raw, err := w.conn.(syscall.Conn).SyscallConn()
	if err != nil {
		w.mu.Unlock()
		return
	}
	done := make(chan struct{})
	w.done = done
	cancel := w.cancel
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
	w.conn, w.cancel, w.done = nil, nil, nil
	w.mu.Unlock()
	w.timer.Stop()
	if done != nil {
		_ = conn.SetReadDeadline(pastDeadline)
		<-done
		_ = conn.SetReadDeadline(time.Time{})
	}
}
