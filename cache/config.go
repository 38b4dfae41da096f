package cache

import (
	"fmt"
	"runtime"
	"time"
)

// Defaults. DefaultThreshold was chosen on the tuning set of the evaluation
// (cache/cacheeval) with the built-in embedder, by its safety-first fallback rule since no
// threshold meets every target there; see cache/README.md.
const (
	DefaultThreshold   = 0.86
	DefaultTTL         = 24 * time.Hour
	DefaultMaxEntries  = 100_000
	DefaultMaxBytes    = 512 << 20
	DefaultTopK        = 4
	DefaultStoreQueue  = 1024
	DefaultFlightWait  = 30 * time.Second
	DefaultSweepPeriod = time.Minute
)

// Config configures a Cache. The zero value is usable: every zero field takes its default.
type Config struct {
	// DataDir persists the exact tier (entries and responses) so a restart keeps a warm
	// cache. Empty keeps entries in memory only. Vectors are persisted by the vector store.
	DataDir string `json:"data_dir" yaml:"data_dir"`
	// TTL is how long an entry lives unless the request asks for less or more.
	TTL time.Duration `json:"ttl" yaml:"ttl"`
	// MaxTTL caps a per-request TTL (0: no cap).
	MaxTTL time.Duration `json:"max_ttl" yaml:"max_ttl"`
	// MaxEntries and MaxBytes bound the exact tier; the least recently hit entries are
	// evicted (and their vectors deleted).
	MaxEntries int   `json:"max_entries" yaml:"max_entries"`
	MaxBytes   int64 `json:"max_bytes" yaml:"max_bytes"`

	// DisableSemantic keeps only the exact tier.
	DisableSemantic bool `json:"disable_semantic" yaml:"disable_semantic"`
	// Threshold is the minimum cosine similarity of a semantic hit, in (0, 1].
	Threshold float64 `json:"threshold" yaml:"threshold"`
	// ModelThresholds override Threshold per requested model.
	ModelThresholds map[string]float64 `json:"model_thresholds" yaml:"model_thresholds"`
	// TopK is how many candidates a semantic search considers.
	TopK int `json:"top_k" yaml:"top_k"`
	// ShareAcrossTenants lets different gateway keys share entries. Off by default: one
	// tenant's answers are never served to another.
	ShareAcrossTenants bool `json:"share_across_tenants" yaml:"share_across_tenants"`
	// Namespace prefixes every vector store namespace the cache creates.
	Namespace string `json:"namespace" yaml:"namespace"`
	// SharedStore says whether other gateway processes (replicas) use the same vector
	// store. Nil means auto: true for every store but the built-in one. When true, a lookup
	// also finds entries other replicas stored (their payload carries the response), and
	// entries evicted from this process's memory stay in the store.
	SharedStore *bool `json:"shared_store" yaml:"shared_store"`

	Guards Guards `json:"guards" yaml:"guards"`

	// StoreQueue bounds pending asynchronous stores; when full, stores are dropped and
	// counted. StoreWorkers is how many goroutines embed and write them (default:
	// GOMAXPROCS, so background embedding uses every core); each takes up to 16 queued
	// stores at once and embeds their prompts in one batch.
	StoreQueue   int `json:"store_queue" yaml:"store_queue"`
	StoreWorkers int `json:"store_workers" yaml:"store_workers"`
	// FlightWait bounds how long a request waits for an identical request already on its
	// way upstream (stampede protection) before going upstream itself. Negative disables.
	FlightWait time.Duration `json:"flight_wait" yaml:"flight_wait"`
	// SweepPeriod is how often expired entries are removed and the journal synced.
	SweepPeriod time.Duration `json:"sweep_period" yaml:"sweep_period"`
	// MaxConcurrentEmbeds bounds the prompts embedded at once on the request path
	// (default: GOMAXPROCS). A request finding them all busy skips the semantic tier
	// (guard "embed-busy") instead of queueing behind the CPU: under overload the cache
	// degrades to exact matching rather than slowing every request.
	MaxConcurrentEmbeds int `json:"max_concurrent_embeds" yaml:"max_concurrent_embeds"`
}

// Guards switch off semantic matching for requests where a paraphrase's answer is not
// safe to reuse. Every guard is on by default; the fields opt out. Each guard that fires
// is counted under its name (the Guard* constants). Guards never affect the exact tier.
type Guards struct {
	// AllowTemperature permits semantic hits for temperature > 0.
	AllowTemperature bool `json:"allow_temperature" yaml:"allow_temperature"`
	// AllowMultipleChoices permits semantic hits for n > 1.
	AllowMultipleChoices bool `json:"allow_multiple_choices" yaml:"allow_multiple_choices"`
	// AllowTools permits semantic hits when the conversation has tool calls or results.
	AllowTools bool `json:"allow_tools" yaml:"allow_tools"`
	// AllowTruncated permits semantic hits for prompts longer than the embedder's window.
	AllowTruncated bool `json:"allow_truncated" yaml:"allow_truncated"`
	// AllowUncovered permits semantic hits for text the embedder says it cannot read.
	AllowUncovered bool `json:"allow_uncovered" yaml:"allow_uncovered"`
	// DisableNearMiss turns off the near-miss check entirely; NearMissOff turns off
	// single kinds (e.g. ["format"]).
	DisableNearMiss bool     `json:"disable_near_miss" yaml:"disable_near_miss"`
	NearMissOff     []string `json:"near_miss_off" yaml:"near_miss_off"`
	// DisableLexical turns off the lexical-support rule: below a cosine of LexicalBand a
	// candidate must share at least half of the shorter prompt's content words.
	DisableLexical bool `json:"disable_lexical" yaml:"disable_lexical"`
	// MaxPromptChars skips semantic matching for longer prompts (0: 4000).
	MaxPromptChars int `json:"max_prompt_chars" yaml:"max_prompt_chars"`
}

// Guard names, as counted in Stats and reported in bypass reasons.
const (
	GuardTemperature = "temperature"
	GuardN           = "n"
	GuardTools       = "tools"
	GuardTruncated   = "prompt-too-long"
	GuardUncovered   = "uncovered-text"
	GuardNonText     = "non-text"
	GuardNotUser     = "last-not-user"
	GuardEmpty       = "empty-prompt"
	GuardNearMiss    = "near-miss"
	GuardEmbedBusy   = "embed-busy"
	// GuardLowOverlap (declared with the rule, in verdict.go) counts candidates rejected
	// for lack of lexical support.
)

func (c Config) withDefaults() (Config, error) {
	if c.TTL == 0 {
		c.TTL = DefaultTTL
	}
	if c.MaxEntries == 0 {
		c.MaxEntries = DefaultMaxEntries
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.TopK == 0 {
		c.TopK = DefaultTopK
	}
	if c.StoreQueue == 0 {
		c.StoreQueue = DefaultStoreQueue
	}
	if c.StoreWorkers == 0 {
		c.StoreWorkers = runtime.GOMAXPROCS(0)
	}
	if c.FlightWait == 0 {
		c.FlightWait = DefaultFlightWait
	}
	if c.SweepPeriod == 0 {
		c.SweepPeriod = DefaultSweepPeriod
	}
	if c.Namespace == "" {
		c.Namespace = "muninn_cache"
	}
	if c.MaxConcurrentEmbeds == 0 {
		c.MaxConcurrentEmbeds = runtime.GOMAXPROCS(0)
	}
	if c.Guards.MaxPromptChars == 0 {
		c.Guards.MaxPromptChars = 4000
	}
	switch {
	case c.TTL < 0:
		return c, fmt.Errorf("cache config: ttl must be positive, got %s", c.TTL)
	case c.MaxEntries < 0 || c.MaxBytes < 0:
		return c, fmt.Errorf("cache config: max_entries and max_bytes must not be negative")
	case c.Threshold <= 0 || c.Threshold > 1:
		return c, fmt.Errorf("cache config: threshold must be in (0, 1], got %v", c.Threshold)
	case c.TopK < 0 || c.StoreQueue < 0 || c.StoreWorkers < 0:
		return c, fmt.Errorf("cache config: top_k, store_queue and store_workers must be positive")
	}
	for m, t := range c.ModelThresholds {
		if t <= 0 || t > 1 {
			return c, fmt.Errorf("cache config: model_thresholds[%q] must be in (0, 1], got %v", m, t)
		}
	}
	for _, k := range c.Guards.NearMissOff {
		if !validKind(k) {
			return c, fmt.Errorf("cache config: guards.near_miss_off: unknown kind %q (known: %v)", k, NearMissKinds)
		}
	}
	return c, nil
}

func validKind(k string) bool {
	for _, n := range NearMissKinds {
		if n == k {
			return true
		}
	}
	return false
}
