package logstore

import (
	"fmt"
	"log/slog"
	"time"
)

// Spool fsync policies (BatcherConfig.SpoolSync).
const (
	SyncInterval = "interval" // fsync every flush interval (default)
	SyncAlways   = "always"   // fsync after every spool append
	SyncNever    = "never"    // leave it to the operating system
)

// BatcherConfig configures a Batcher. Zero fields take the defaults below.
type BatcherConfig struct {
	QueueSize     int           `yaml:"queue_size"`     // records buffered in memory
	BatchRows     int           `yaml:"batch_rows"`     // flush when this many are buffered
	FlushInterval time.Duration `yaml:"flush_interval"` // ... or this often
	WriteTimeout  time.Duration `yaml:"write_timeout"`  // one WriteBatch call
	BackoffMin    time.Duration `yaml:"backoff_min"`    // first wait after a retryable failure
	BackoffMax    time.Duration `yaml:"backoff_max"`    // cap of the doubling wait

	// SpoolDir is where records wait while the sink is down; "" disables the spool (the
	// Batcher then keeps at most QueueSize failed records in memory and counts the rest
	// as dropped).
	SpoolDir          string `yaml:"spool_dir"`
	SpoolMaxBytes     int64  `yaml:"spool_max_bytes"`     // beyond this, records are dropped and counted
	SpoolSegmentBytes int64  `yaml:"spool_segment_bytes"` // size of one spool file
	SpoolSync         string `yaml:"spool_sync"`          // SyncInterval, SyncAlways or SyncNever

	Logger *slog.Logger `yaml:"-"`
}

// Defaults for BatcherConfig.
const (
	DefaultQueueSize         = 65536
	DefaultBatchRows         = 5000
	DefaultFlushInterval     = time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultBackoffMin        = 250 * time.Millisecond
	DefaultBackoffMax        = 30 * time.Second
	DefaultSpoolMaxBytes     = 1 << 30
	DefaultSpoolSegmentBytes = 16 << 20
)

func (c *BatcherConfig) normalize() error {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.QueueSize, DefaultQueueSize)
	def(&c.BatchRows, DefaultBatchRows)
	defD(&c.FlushInterval, DefaultFlushInterval)
	defD(&c.WriteTimeout, DefaultWriteTimeout)
	defD(&c.BackoffMin, DefaultBackoffMin)
	defD(&c.BackoffMax, DefaultBackoffMax)
	if c.BatchRows > c.QueueSize && c.QueueSize > 0 {
		c.BatchRows = c.QueueSize // a batch must fit the queue, or only the interval flushes
	}
	if c.SpoolMaxBytes == 0 {
		c.SpoolMaxBytes = DefaultSpoolMaxBytes
	}
	if c.SpoolSegmentBytes == 0 {
		c.SpoolSegmentBytes = DefaultSpoolSegmentBytes
	}
	if c.SpoolSync == "" {
		c.SpoolSync = SyncInterval
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.QueueSize < 0, c.BatchRows < 0, c.FlushInterval < 0, c.WriteTimeout < 0,
		c.BackoffMin < 0, c.BackoffMax < c.BackoffMin, c.SpoolMaxBytes < 0, c.SpoolSegmentBytes < 0:
		return fmt.Errorf("logstore batcher: negative or inverted setting in %+v", *c)
	}
	switch c.SpoolSync {
	case SyncInterval, SyncAlways, SyncNever:
	default:
		return fmt.Errorf("logstore batcher: unknown spool_sync %q (want interval, always or never)", c.SpoolSync)
	}
	return nil
}
