package logstore

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Filter selects records. Zero fields match everything.
type Filter struct {
	From, To    time.Time // start time in [From, To)
	Tenant      string
	Provider    string
	Model       string // resolved model
	Status      int    // exact HTTP status
	ErrorType   string
	CacheStatus string
	MinCostNano int64 // cost >= MinCostNano
	// Text matches records whose request or response body contains it (case-sensitive
	// substring).
	Text string
}

// FromMs and ToMs return the time range in Unix milliseconds; 0 means open.
func (f *Filter) FromMs() int64 { return msOrZero(f.From) }
func (f *Filter) ToMs() int64   { return msOrZero(f.To) }

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Validate checks the filter.
func (f *Filter) Validate() error {
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return invalidf("from (%s) must be before to (%s)", f.From.Format(time.RFC3339), f.To.Format(time.RFC3339))
	}
	if f.MinCostNano < 0 {
		return invalidf("min cost must not be negative")
	}
	return nil
}

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// ListQuery asks for one page of records, newest first.
type ListQuery struct {
	Filter
	Limit  int    // 0 means DefaultLimit; at most MaxLimit
	Cursor string // Page.Next of the previous page, "" for the first
}

// Page is one page of records. Next is the cursor of the next page, "" on the last.
type Page struct {
	Records []Record `json:"records"`
	Next    string   `json:"next,omitempty"`
}

// Cursor is a decoded page cursor: the position of the last record returned.
type Cursor struct {
	TimeMs    int64
	RequestID string
}

// Normalize validates q and fills defaults. It returns the decoded cursor, nil for the
// first page.
func (q *ListQuery) Normalize() (*Cursor, error) {
	if err := q.Filter.Validate(); err != nil {
		return nil, err
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 0 || q.Limit > MaxLimit:
		return nil, invalidf("limit must be between 1 and %d", MaxLimit)
	}
	if q.Cursor == "" {
		return nil, nil
	}
	c, err := DecodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// EncodeCursor returns the cursor that continues after r.
func EncodeCursor(r *Record) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(r.TimeMs, 10) + ":" + r.RequestID))
}

// DecodeCursor parses a cursor made by EncodeCursor.
func DecodeCursor(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, invalidf("bad cursor")
	}
	ts, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return Cursor{}, invalidf("bad cursor")
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return Cursor{}, invalidf("bad cursor")
	}
	return Cursor{TimeMs: ms, RequestID: id}, nil
}

// FinishPage trims recs fetched with limit+1 rows to a page and sets its cursor.
func FinishPage(recs []Record, limit int) Page {
	if len(recs) > limit {
		recs = recs[:limit]
		return Page{Records: recs, Next: EncodeCursor(&recs[len(recs)-1])}
	}
	if recs == nil {
		recs = []Record{}
	}
	return Page{Records: recs}
}

// Group-by dimensions of StatsQuery.
const (
	GroupNone     = ""
	GroupModel    = "model"
	GroupProvider = "provider"
	GroupTenant   = "tenant"
)

// StatsQuery asks for aggregates of matching records per time bucket.
type StatsQuery struct {
	Filter
	Bucket  time.Duration // bucket width; 0 means one hour; whole seconds, at least 1 s
	GroupBy string        // one of the Group* constants
}

// MaxBuckets bounds the number of buckets a StatsQuery with a time range may ask for.
const MaxBuckets = 10000

// Normalize validates q and fills defaults.
func (q *StatsQuery) Normalize() error {
	if err := q.Filter.Validate(); err != nil {
		return err
	}
	if q.Bucket == 0 {
		q.Bucket = time.Hour
	}
	if q.Bucket < time.Second || q.Bucket%time.Second != 0 {
		return invalidf("bucket must be a whole number of seconds, at least 1s")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Sub(q.From)/q.Bucket > MaxBuckets {
		return invalidf("too many buckets (more than %d): widen the bucket", MaxBuckets)
	}
	switch q.GroupBy {
	case GroupNone, GroupModel, GroupProvider, GroupTenant:
	default:
		return invalidf("unknown group %q (want model, provider or tenant)", q.GroupBy)
	}
	return nil
}

// BucketMs returns the bucket width in milliseconds.
func (q *StatsQuery) BucketMs() int64 { return q.Bucket.Milliseconds() }

// StatsRow is one bucket (and group) of aggregates. Rows are ordered by bucket, then group.
type StatsRow struct {
	BucketStart time.Time `json:"bucket_start"`
	Group       string    `json:"group,omitempty"`

	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"` // status >= 400

	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	CachedTokens     int64 `json:"cached_tokens"`
	CacheWriteTokens int64 `json:"cache_write_tokens"`
	ReasoningTokens  int64 `json:"reasoning_tokens"`

	CostNanoUSD int64 `json:"cost_nano_usd"`
	CostUnknown int64 `json:"cost_unknown"` // requests without a known price

	CacheExactHits    int64   `json:"cache_exact_hits"`
	CacheSemanticHits int64   `json:"cache_semantic_hits"`
	CacheMisses       int64   `json:"cache_misses"`
	ExactHitRate      float64 `json:"exact_hit_rate"`    // exact hits / lookups
	SemanticHitRate   float64 `json:"semantic_hit_rate"` // semantic hits / lookups
	HitRate           float64 `json:"hit_rate"`          // all hits / lookups

	SavedCostNanoUSD int64         `json:"saved_cost_nano_usd"`
	SavedLatency     time.Duration `json:"saved_latency"`

	LatencyP50 time.Duration `json:"latency_p50"`
	LatencyP90 time.Duration `json:"latency_p90"`
	LatencyP99 time.Duration `json:"latency_p99"`
}

// Quantiles reported by Stats. Backends compute them exactly, with ClickHouse's
// quantileExact definition: the element at index floor(level*n) of the sorted values.
var Quantiles = [3]float64{0.5, 0.9, 0.99}

// QuantileExact returns the quantile of sorted values with ClickHouse's quantileExact
// definition, so that every backend gives the same answer.
func QuantileExact(sorted []int64, level float64) int64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	i := int(level * float64(n))
	if i >= n {
		i = n - 1
	}
	return sorted[i]
}

// FinishRates fills the hit rates from the counts.
func (s *StatsRow) FinishRates() {
	lookups := s.CacheExactHits + s.CacheSemanticHits + s.CacheMisses
	if lookups == 0 {
		return
	}
	l := float64(lookups)
	s.ExactHitRate = float64(s.CacheExactHits) / l
	s.SemanticHitRate = float64(s.CacheSemanticHits) / l
	s.HitRate = float64(s.CacheExactHits+s.CacheSemanticHits) / l
}
