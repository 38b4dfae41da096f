package logstore

import "time"

// Cache statuses, as set by the semantic cache (Record.CacheStatus).
const (
	CacheHitExact    = "hit-exact"
	CacheHitSemantic = "hit-semantic"
	CacheMiss        = "miss"
	CacheBypass      = "bypass"
)

// Record is one request through the gateway. It is a plain value: no driver types, no
// references into pooled request objects (the logging plugin copies everything).
//
// Identity is (RequestID, TimeMs): a client may reuse an x-request-id, but a replayed
// record repeats both, so sinks deduplicate on the pair.
type Record struct {
	RequestID string `json:"request_id"`
	TimeMs    int64  `json:"ts_ms"` // request start, Unix milliseconds (UTC)

	Duration time.Duration `json:"duration"` // start to end of answer
	TTFB     time.Duration `json:"ttfb"`     // start to first byte sent

	Endpoint string `json:"endpoint"`
	Tenant   string `json:"tenant"` // gateway key name, "" when auth is off

	// From request headers: x-muninn-user, x-muninn-session, x-muninn-tags (comma
	// separated) and x-muninn-metadata-<key>.
	User     string            `json:"user,omitempty"`
	Session  string            `json:"session,omitempty"`
	Tags     []string          `json:"tags,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`

	Provider       string    `json:"provider"`
	RequestedModel string    `json:"requested_model"`
	Model          string    `json:"model"`    // resolved upstream model
	KeyName        string    `json:"key_name"` // provider key's name, never its value
	Status         int       `json:"status"`   // HTTP status sent to the client
	ErrorType      string    `json:"error_type,omitempty"`
	ErrorMessage   string    `json:"error_message,omitempty"`
	Attempts       []Attempt `json:"attempts,omitempty"`
	Stream         bool      `json:"stream"`

	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	CachedTokens     int64 `json:"cached_tokens"`      // read from the provider's prompt cache
	CacheWriteTokens int64 `json:"cache_write_tokens"` // written to the provider's prompt cache
	ReasoningTokens  int64 `json:"reasoning_tokens"`

	CostNanoUSD int64 `json:"cost_nano_usd"`
	CostUnknown bool  `json:"cost_unknown"` // no price known: CostNanoUSD is 0 and means "unknown"

	CacheStatus       string        `json:"cache_status,omitempty"` // Cache* constants, "" when not looked at
	Similarity        float32       `json:"similarity,omitempty"`
	CacheEntryID      string        `json:"cache_entry_id,omitempty"`
	SavedCostNanoUSD  int64         `json:"saved_cost_nano_usd"`
	SavedLatency      time.Duration `json:"saved_latency"`
	TraceID           string        `json:"trace_id,omitempty"`
	SpanID            string        `json:"span_id,omitempty"`
	RequestBody       string        `json:"request_body,omitempty"`
	ResponseBody      string        `json:"response_body,omitempty"`
	RequestTruncated  bool          `json:"request_truncated,omitempty"`
	ResponseTruncated bool          `json:"response_truncated,omitempty"`
}

// Attempt is one upstream try in a record's trail.
type Attempt struct {
	Provider  string        `json:"provider"`
	Model     string        `json:"model"`
	KeyName   string        `json:"key_name"`
	StartMs   int64         `json:"start_ms"` // Unix milliseconds
	Duration  time.Duration `json:"duration"`
	Status    int           `json:"status"`
	ErrorType string        `json:"error_type,omitempty"`
	Fallback  bool          `json:"fallback,omitempty"`
}

// Time returns the record's start time.
func (r *Record) Time() time.Time { return time.UnixMilli(r.TimeMs).UTC() }

// IsError reports whether the request failed (a 4xx or 5xx status was sent).
func (r *Record) IsError() bool { return r.Status >= 400 }
