package memory

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Quantization modes.
const (
	QuantNone = "none" // float32 vectors: 4 bytes per dimension, exact scores
	QuantInt8 = "int8" // int8 codes with a per-vector scale: 1 byte per dimension, scores within about 2e-3
)

// Eviction policies applied when a capacity limit is reached.
const (
	EvictLRU    = "lru"    // least recently returned by Search (sampled, like Redis' allkeys-lru)
	EvictOldest = "oldest" // least recently inserted (sampled)
)

// Fsync policies.
const (
	// FsyncInterval flushes and fsyncs the log every FlushInterval: a crash of the process
	// or of the machine loses at most the last interval.
	FsyncInterval = "interval"
	// FsyncAlways flushes and fsyncs before Upsert and Delete return: nothing acknowledged
	// is lost, at the price of one fsync per call.
	FsyncAlways = "always"
	// FsyncNever hands the log to the OS every FlushInterval without fsync: a killed
	// process loses at most the last interval, a power cut may lose more.
	FsyncNever = "never"
)

// Defaults.
const (
	DefaultM              = 16
	DefaultEfConstruction = 100
	DefaultEfSearch       = 64
	DefaultEfUpper        = 32
	DefaultExactThreshold = 2048
	DefaultFlushInterval  = time.Second
	DefaultSweepInterval  = time.Minute
	DefaultCompactBytes   = 256 << 20
)

// Config configures the built-in store. Zero fields take the defaults above.
type Config struct {
	// Dir is the data directory. Empty means no persistence: a pure in-memory store.
	Dir string `json:"dir"`
	// Quantization is QuantNone (default) or QuantInt8.
	Quantization string `json:"quantization"`
	// MaxPoints and MaxBytes limit the whole store (all namespaces); 0 means no limit.
	// Bytes are the estimated memory of the points: vectors, graph links, IDs, payloads.
	MaxPoints int   `json:"max_points"`
	MaxBytes  int64 `json:"max_bytes"`
	// Eviction is EvictLRU (default) or EvictOldest.
	Eviction string `json:"eviction"`
	// FlushInterval is how often the log is written out (and fsynced, see Fsync).
	// Unset or zero means DefaultFlushInterval.
	FlushInterval vectorstore.Duration `json:"flush_interval"`
	// Fsync is FsyncInterval (default), FsyncAlways or FsyncNever.
	Fsync string `json:"fsync"`
	// CompactBytes: when the log grows past this size (and past the last snapshot), a
	// snapshot is written and older files are removed.
	CompactBytes int64 `json:"compact_bytes"`
	// SweepInterval is how often expired points are removed in the background. Unset
	// means DefaultSweepInterval; "off" (zero) disables the background sweep (expired
	// points are still never returned).
	SweepInterval vectorstore.Duration `json:"sweep_interval"`
	// HNSW parameters: links per node (M; 2M on the base layer), candidate list sizes
	// while building and searching.
	M              int `json:"m"`
	EfConstruction int `json:"ef_construction"`
	EfSearch       int `json:"ef_search"`
	// EfUpper is the search's beam width on the layers above the base one (classic HNSW
	// uses 1). On clustered data it decides whether a query reaches the right cluster;
	// at 1M points it matters more than EfSearch (see README.md).
	EfUpper int `json:"ef_upper"`
	// ExactThreshold: namespaces with at most this many points are searched exactly
	// (a scan is faster than the graph there, and always exact). Negative: always use
	// the graph.
	ExactThreshold int `json:"exact_threshold"`

	// Logger receives recovery warnings (truncated logs); nil means slog.Default().
	Logger *slog.Logger `json:"-"`
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time `json:"-"`
}

// DefaultConfig returns the configuration used for zero fields.
func DefaultConfig() Config {
	return Config{
		Quantization:   QuantNone,
		Eviction:       EvictLRU,
		FlushInterval:  vectorstore.D(DefaultFlushInterval),
		Fsync:          FsyncInterval,
		CompactBytes:   DefaultCompactBytes,
		SweepInterval:  vectorstore.D(DefaultSweepInterval),
		M:              DefaultM,
		EfConstruction: DefaultEfConstruction,
		EfSearch:       DefaultEfSearch,
		EfUpper:        DefaultEfUpper,
		ExactThreshold: DefaultExactThreshold,
	}
}

// withDefaults fills zero fields and validates the rest.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Quantization == "" {
		c.Quantization = d.Quantization
	}
	if c.Eviction == "" {
		c.Eviction = d.Eviction
	}
	if c.FlushInterval.Duration <= 0 {
		c.FlushInterval = d.FlushInterval
	}
	if c.Fsync == "" {
		c.Fsync = d.Fsync
	}
	if c.CompactBytes == 0 {
		c.CompactBytes = d.CompactBytes
	}
	if !c.SweepInterval.IsSet() {
		c.SweepInterval = d.SweepInterval
	}
	if c.M == 0 {
		c.M = d.M
	}
	if c.EfConstruction == 0 {
		c.EfConstruction = d.EfConstruction
	}
	if c.EfSearch == 0 {
		c.EfSearch = d.EfSearch
	}
	if c.EfUpper == 0 {
		c.EfUpper = d.EfUpper
	}
	if c.ExactThreshold == 0 {
		c.ExactThreshold = d.ExactThreshold
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Quantization = strings.ToLower(c.Quantization)
	var errs []string
	if c.Quantization != QuantNone && c.Quantization != QuantInt8 {
		errs = append(errs, fmt.Sprintf("quantization %q: want %q or %q", c.Quantization, QuantNone, QuantInt8))
	}
	if c.Eviction != EvictLRU && c.Eviction != EvictOldest {
		errs = append(errs, fmt.Sprintf("eviction %q: want %q or %q", c.Eviction, EvictLRU, EvictOldest))
	}
	if c.Fsync != FsyncInterval && c.Fsync != FsyncAlways && c.Fsync != FsyncNever {
		errs = append(errs, fmt.Sprintf("fsync %q: want %q, %q or %q", c.Fsync, FsyncInterval, FsyncAlways, FsyncNever))
	}
	if c.MaxPoints < 0 || c.MaxBytes < 0 {
		errs = append(errs, "max_points and max_bytes must not be negative")
	}
	if c.CompactBytes < 0 {
		errs = append(errs, "compact_bytes must not be negative")
	}
	if c.M < 2 || c.M > 128 {
		errs = append(errs, fmt.Sprintf("m %d: want 2..128", c.M))
	}
	if c.EfConstruction < c.M || c.EfSearch < 1 || c.EfConstruction > 4096 || c.EfSearch > 4096 || c.EfUpper < 1 || c.EfUpper > 4096 {
		errs = append(errs, "ef_construction must be in m..4096, ef_search and ef_upper in 1..4096")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("invalid built-in vector store config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
