package logstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/logstore/internal/spool"
)

// Batcher moves records from the request path to a Sink.
//
// TryAdd hands a record over without waiting for the sink: it goes to a bounded in-memory
// queue, or, when the queue is full, straight to the disk spool. One background goroutine
// batches the queue by rows or interval and writes to the sink. When a write fails with a
// retryable error the batch goes to the spool and the sink is retried with a doubling,
// capped backoff (or the sink's own hint); while it is down every batch goes to the spool.
// When the sink is healthy the spool is replayed, oldest record first, interleaved with
// live batches. A batch the sink rejects for good is split in halves until the bad records
// are isolated; those are counted as rejected. Records are dropped (and counted) only when
// the spool is disabled or full.
//
// Replays may repeat a record whose write outcome was unknown; sinks deduplicate (see
// Sink). The Batcher does not close the sink.
type Batcher struct {
	sink  Sink
	cfg   BatcherConfig
	spool *spool.Spool // nil when disabled

	// The queue is a slice behind a mutex rather than a channel: TryAdd is an append under
	// an uncontended lock, and the flusher is woken once per batch, not once per record.
	qmu   sync.Mutex
	queue []*Record
	wake  chan struct{} // capacity 1: a batch is ready

	closed   atomic.Bool
	adders   atomic.Int64 // TryAdd calls in flight, so Close drains after the last one
	spooled  atomic.Bool  // the spool may hold records
	closing  chan struct{}
	done     chan struct{}
	closeCtx context.Context
	closeMu  sync.Mutex
	warnMu   sync.Mutex
	lastWarn time.Time

	c counters

	encPool sync.Pool // *[]byte for the overflow path

	// Owned by the flusher goroutine.
	buf       []Record
	replayBuf []Record
	pending   []Record // failed records kept in memory when there is no spool
	payloads  [][]byte
	enc       []byte
	down      bool
	nextTry   time.Time
	backoff   time.Duration
}

type counters struct {
	enqueued, written, spooled, replayed, dropped, rejected, writeErrors, down atomic.Int64
}

// BatcherStats are the Batcher's counters, for metrics. Counts are totals since start,
// except QueueDepth, SpoolBytes and SinkDown.
type BatcherStats struct {
	QueueDepth    int   `json:"queue_depth"`
	QueueCapacity int   `json:"queue_capacity"`
	Enqueued      int64 `json:"enqueued"`
	Written       int64 `json:"written"`  // records written to the sink (live and replayed)
	Spooled       int64 `json:"spooled"`  // records written to the spool
	Replayed      int64 `json:"replayed"` // spooled records written to the sink
	Dropped       int64 `json:"dropped"`  // lost: spool disabled or full, or added after Close
	Rejected      int64 `json:"rejected"` // refused for good by the sink
	WriteErrors   int64 `json:"write_errors"`
	SinkDown      bool  `json:"sink_down"`

	SpoolBytes          int64 `json:"spool_bytes"`
	SpoolSegments       int   `json:"spool_segments"`
	SpoolCorruptRegions int64 `json:"spool_corrupt_regions"`
	SpoolCorruptBytes   int64 `json:"spool_corrupt_bytes"`
}

// NewBatcher starts a Batcher writing to sink. With a spool directory it first finds the
// records a previous process left there; they are replayed as soon as the sink answers.
func NewBatcher(sink Sink, cfg BatcherConfig) (*Batcher, error) {
	if sink == nil {
		return nil, errors.New("logstore batcher: nil sink")
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	b := &Batcher{
		sink:    sink,
		cfg:     cfg,
		queue:   make([]*Record, 0, min(cfg.QueueSize, 4*cfg.BatchRows)),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
	}
	if cfg.SpoolDir != "" {
		policy := map[string]spool.SyncPolicy{SyncInterval: spool.SyncInterval, SyncAlways: spool.SyncAlways, SyncNever: spool.SyncNever}[cfg.SpoolSync]
		sp, err := spool.Open(cfg.SpoolDir, spool.Options{
			SegmentBytes: cfg.SpoolSegmentBytes,
			MaxBytes:     cfg.SpoolMaxBytes,
			Sync:         policy,
			OnCorrupt: func(c spool.Corruption) {
				cfg.Logger.Error("log spool: corrupt region skipped; records after it are kept",
					"segment", c.Segment, "offset", c.Offset, "bytes", c.Bytes)
			},
		})
		if err != nil {
			return nil, fmt.Errorf("logstore batcher: %w", err)
		}
		b.spool = sp
		b.spooled.Store(!sp.Empty())
	}
	go b.run()
	return b, nil
}

// TryAdd hands r to the Batcher, which owns it from then on. It never waits for the sink:
// when the queue is full the record is appended to the spool. It returns false when the
// record was dropped (no spool, spool full, or the Batcher is closed).
func (b *Batcher) TryAdd(r *Record) bool {
	b.adders.Add(1)
	defer b.adders.Add(-1)
	if b.closed.Load() {
		b.c.dropped.Add(1)
		return false
	}
	b.c.enqueued.Add(1)
	b.qmu.Lock()
	if n := len(b.queue); n < b.cfg.QueueSize {
		b.queue = append(b.queue, r)
		b.qmu.Unlock()
		if n+1 == b.cfg.BatchRows {
			select {
			case b.wake <- struct{}{}:
			default:
			}
		}
		return true
	}
	b.qmu.Unlock()
	if b.spool == nil {
		b.c.dropped.Add(1)
		return false
	}
	bp, _ := b.encPool.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = AppendRecord((*bp)[:0], r)
	n, err := b.spool.Append([][]byte{*bp})
	if cap(*bp) <= 64<<10 {
		b.encPool.Put(bp)
	}
	if n == 1 {
		b.c.spooled.Add(1)
		b.spooled.Store(true)
		return true
	}
	b.c.dropped.Add(1)
	b.warn("log record dropped: queue full and spool refused it", err)
	return false
}

// Stats returns the counters.
func (b *Batcher) Stats() BatcherStats {
	b.qmu.Lock()
	depth := len(b.queue)
	b.qmu.Unlock()
	s := BatcherStats{
		QueueDepth:    depth,
		QueueCapacity: b.cfg.QueueSize,
		Enqueued:      b.c.enqueued.Load(),
		Written:       b.c.written.Load(),
		Spooled:       b.c.spooled.Load(),
		Replayed:      b.c.replayed.Load(),
		Dropped:       b.c.dropped.Load(),
		Rejected:      b.c.rejected.Load(),
		WriteErrors:   b.c.writeErrors.Load(),
		SinkDown:      b.c.down.Load() == 1,
	}
	if b.spool != nil {
		ss := b.spool.Stats()
		s.SpoolBytes, s.SpoolSegments = ss.Bytes, ss.Segments
		s.SpoolCorruptRegions, s.SpoolCorruptBytes = ss.CorruptRegions, ss.CorruptBytes
	}
	return s
}

// Close stops accepting records and drains: everything queued is written to the sink, or
// to the spool when the sink is down, and the spool is replayed while the sink accepts
// and ctx allows. What is left in the spool is replayed by the next process. Close
// returns ctx's error if the drain did not finish in time.
func (b *Batcher) Close(ctx context.Context) error {
	b.closeMu.Lock()
	if b.closed.Swap(true) {
		b.closeMu.Unlock()
		<-b.done
		return nil
	}
	for b.adders.Load() != 0 {
		runtime.Gosched()
	}
	b.closeCtx = ctx
	close(b.closing)
	b.closeMu.Unlock()
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		<-b.done // the flusher stops at its next write, which ctx bounds
		return fmt.Errorf("close log batcher: %w", ctx.Err())
	}
}

func (b *Batcher) warn(msg string, err error) {
	// Rate-limited: an outage must not flood the log.
	now := time.Now()
	b.warnMu.Lock()
	if now.Sub(b.lastWarn) < 10*time.Second {
		b.warnMu.Unlock()
		return
	}
	b.lastWarn = now
	b.warnMu.Unlock()
	st := b.Stats()
	b.cfg.Logger.Warn(msg, "err", err, "dropped_total", st.Dropped, "spool_bytes", st.SpoolBytes)
}
