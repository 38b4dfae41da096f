package logstore

import (
	"context"
	"time"
)

// replayKey marks a WriteBatch context whose records may already be stored.
type replayKey struct{}

// IsReplay reports whether a WriteBatch call carries records that may already be stored
// (a spool replay or a retry after an unknown outcome). Sinks whose storage does not
// deduplicate by itself check for existing records then.
func IsReplay(ctx context.Context) bool { return ctx.Value(replayKey{}) != nil }

// WithReplay marks ctx as a replay (see IsReplay).
func WithReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, replayKey{}, true)
}

// run is the flusher goroutine.
func (b *Batcher) run() {
	defer close(b.done)
	ticker := time.NewTicker(b.cfg.FlushInterval)
	defer ticker.Stop()
	ctx := context.Background()
	for {
		tick := false
		select {
		case <-b.wake:
		case <-ticker.C:
			tick = true
		case <-b.closing:
			b.drain()
			return
		}
		b.takeQueue(ctx, tick)
		if tick {
			b.tick(ctx)
		}
		// Idle time goes to the spool, until the next batch is ready or the interval
		// elapses (then the partial batch and the fsync are due).
		until := time.Now().Add(b.cfg.FlushInterval)
		for b.canReplay() && len(b.wake) == 0 && !b.closed.Load() && time.Now().Before(until) {
			if !b.replayOne(ctx) {
				break
			}
		}
	}
}

// takeQueue moves the queued records to batches and flushes them: every full batch, and
// the partial rest when all is set (the interval elapsed, or Close).
func (b *Batcher) takeQueue(ctx context.Context, all bool) {
	for {
		b.qmu.Lock()
		q := b.queue
		if len(q) == 0 || (len(q) < b.cfg.BatchRows && !all) {
			b.qmu.Unlock()
			return
		}
		n := min(len(q), b.cfg.BatchRows)
		for _, r := range q[:n] {
			b.buf = append(b.buf, *r)
		}
		rest := copy(q, q[n:])
		clear(q[rest:])
		b.queue = q[:rest]
		b.qmu.Unlock()
		b.flush(ctx)
	}
}

func (b *Batcher) tick(ctx context.Context) {
	b.flush(ctx)
	if b.spool == nil && len(b.pending) > 0 && b.mayTry() {
		n, err := b.write(WithReplay(ctx), b.pending)
		b.pending = append(b.pending[:0], b.pending[n:]...)
		if err == nil {
			clear(b.pending[len(b.pending):cap(b.pending)])
		}
	}
	if b.spool != nil {
		if !b.spooled.Load() && !b.spool.Empty() {
			b.spooled.Store(true) // an append raced with the replayer seeing it empty
		}
		if err := b.spool.Sync(); err != nil {
			b.cfg.Logger.Error("log spool fsync failed", "err", err)
		}
	}
}

// mayTry reports whether the sink may be written to now.
func (b *Batcher) mayTry() bool { return !b.down || !time.Now().Before(b.nextTry) }

func (b *Batcher) canReplay() bool {
	return b.spool != nil && b.spooled.Load() && b.mayTry()
}

// flush writes the buffered batch to the sink, or to the spool when the sink is down or
// fails.
func (b *Batcher) flush(ctx context.Context) {
	if len(b.buf) == 0 {
		return
	}
	rest := b.buf
	if b.mayTry() {
		n, err := b.write(ctx, b.buf)
		rest = b.buf[n:]
		if err == nil {
			rest = nil
		}
	}
	if len(rest) > 0 {
		b.park(rest)
	}
	clear(b.buf)
	b.buf = b.buf[:0]
	// Interleave one spooled batch after every live one, so that a steady load that
	// keeps the queue busy cannot starve the replay.
	if len(rest) == 0 && b.canReplay() {
		b.replayOne(ctx)
	}
}

// parkChunk is how many records park appends to the spool per call.
const parkChunk = 256

// park keeps records the sink did not take: in the spool, or in memory without one.
func (b *Batcher) park(recs []Record) {
	if b.spool == nil {
		room := b.cfg.QueueSize - len(b.pending)
		if room < 0 {
			room = 0
		}
		if room < len(recs) {
			b.c.dropped.Add(int64(len(recs) - room))
			b.warn("log records dropped: sink down and no spool configured", nil)
			recs = recs[:room]
		}
		b.pending = append(b.pending, recs...)
		return
	}
	b.payloads = b.payloads[:0]
	b.enc = b.enc[:0]
	offs := make([]int, 0, len(recs)+1)
	for i := range recs {
		offs = append(offs, len(b.enc))
		b.enc = AppendRecord(b.enc, &recs[i])
	}
	offs = append(offs, len(b.enc))
	for i := range recs {
		b.payloads = append(b.payloads, b.enc[offs[i]:offs[i+1]])
	}
	// Append in slices, so that a TryAdd spilling to the spool never waits long for the
	// spool's lock behind one huge write.
	n := 0
	var err error
	for start := 0; start < len(b.payloads) && err == nil; start += parkChunk {
		var k int
		k, err = b.spool.Append(b.payloads[start:min(start+parkChunk, len(b.payloads))])
		n += k
	}
	if n > 0 {
		b.c.spooled.Add(int64(n))
		b.spooled.Store(true)
	}
	if n < len(recs) {
		b.c.dropped.Add(int64(len(recs) - n))
		b.warn("log records dropped: spool refused them", err)
	}
	if cap(b.enc) > 8<<20 {
		b.enc = nil
	}
	clear(b.payloads)
}

// replayOne writes one spooled batch to the sink.
func (b *Batcher) replayOne(ctx context.Context) bool {
	payloads, err := b.spool.Next(b.cfg.BatchRows)
	if err != nil {
		b.cfg.Logger.Error("log spool read failed", "err", err)
		b.markDown(0)
		return false
	}
	if len(payloads) == 0 {
		b.spooled.Store(false)
		return false
	}
	b.replayBuf = b.replayBuf[:0]
	for _, p := range payloads {
		var r Record
		if err := DecodeRecord(p, &r); err != nil {
			// The frame checksum matched, so this is a record from an incompatible
			// version: count it rather than block the spool.
			b.c.rejected.Add(1)
			continue
		}
		b.replayBuf = append(b.replayBuf, r)
	}
	if _, err := b.write(WithReplay(ctx), b.replayBuf); err != nil {
		return false // not acknowledged: the same batch is replayed next time
	}
	b.spool.Ack()
	b.c.replayed.Add(int64(len(b.replayBuf)))
	clear(b.replayBuf)
	return true
}

// write writes recs. On a retryable failure it marks the sink down and returns the
// error with the number of leading records that were handled (written or rejected). A
// final failure splits the batch until the refused records are isolated and counted.
func (b *Batcher) write(ctx context.Context, recs []Record) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	wctx, cancel := context.WithTimeout(ctx, b.cfg.WriteTimeout)
	err := b.sink.WriteBatch(wctx, recs)
	cancel()
	if err == nil {
		b.c.written.Add(int64(len(recs)))
		b.markUp()
		return len(recs), nil
	}
	b.c.writeErrors.Add(1)
	retry, after := IsRetryable(err)
	if retry || ctx.Err() != nil {
		b.markDown(after)
		b.warn("log sink write failed; records go to the spool and are retried", err)
		return 0, err
	}
	if len(recs) == 1 {
		b.c.rejected.Add(1)
		b.cfg.Logger.Error("log sink refused a record; it is dropped", "request_id", recs[0].RequestID, "err", err)
		return 1, nil
	}
	mid := len(recs) / 2
	n, err := b.write(ctx, recs[:mid])
	if err != nil {
		return n, err
	}
	n2, err := b.write(ctx, recs[mid:])
	return mid + n2, err
}

func (b *Batcher) markUp() {
	b.down, b.backoff = false, 0
	b.c.down.Store(0)
}

func (b *Batcher) markDown(after time.Duration) {
	b.backoff = min(max(2*b.backoff, b.cfg.BackoffMin), b.cfg.BackoffMax)
	wait := b.backoff
	if after > wait {
		wait = min(after, b.cfg.BackoffMax)
	}
	b.down, b.nextTry = true, time.Now().Add(wait)
	b.c.down.Store(1)
}

// drain runs once Close was called: queue to sink or spool, then replay while possible.
func (b *Batcher) drain() {
	ctx := b.closeCtx
	if ctx.Err() != nil {
		b.down = true // no time left: everything goes to the spool
		b.nextTry = time.Now().Add(time.Hour)
	}
	b.takeQueue(ctx, true)
	if b.spool == nil {
		if len(b.pending) > 0 {
			n, _ := b.write(WithReplay(ctx), b.pending)
			b.c.dropped.Add(int64(len(b.pending) - n))
		}
		return
	}
	for ctx.Err() == nil && !b.down && b.spooled.Load() {
		if !b.replayOne(ctx) && !b.spooled.Load() {
			break
		}
	}
	if err := b.spool.Close(); err != nil {
		b.cfg.Logger.Error("close log spool", "err", err)
	}
}
