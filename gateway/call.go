package gateway

import (
	"strings"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Endpoint names, as they appear in Call.Endpoint, logs and metrics.
const (
	EndpointChat        = "chat"
	EndpointCompletions = "completions"
	EndpointEmbeddings  = "embeddings"
	EndpointMessages    = "anthropic.messages" // Anthropic Messages API front, translated to chat
)

// Call is everything the gateway knows about one request. The gateway fills it as the
// request flows; plugins read it and fill their own sections (Cache, Cost). See Plugin for
// its lifetime.
type Call struct {
	ID       string    // x-request-id: the client's, or generated
	Endpoint string    // one of the Endpoint* constants
	Start    time.Time // when the request was accepted
	Tenant   string    // name of the gateway key used; "" when auth is off
	Stream   bool

	// Request is the chat request (also for the Anthropic front, after translation). Nil
	// for other endpoints. Pre-hooks may read it; they must not modify it.
	Request *api.ChatRequest
	// Embedding is the embeddings request, nil for other endpoints.
	Embedding *api.EmbeddingRequest
	// RequestedModel is the model exactly as the client sent it.
	RequestedModel string

	// Routing outcome: the provider, upstream model and key name that produced the answer
	// (or the last one tried). On a cache hit, the provider and model of the response the
	// entry holds; KeyName and Attempts stay empty.
	Provider string
	Model    string
	KeyName  string
	// Attempts is the trail of every upstream try, in order.
	Attempts []Attempt

	// Response is the final chat response; for streams it is assembled from the chunks
	// when the stream ends. Nil on error.
	Response *api.ChatResponse
	// Usage is the response's usage (also for embeddings), nil when unknown.
	Usage *api.Usage
	// Status is the HTTP status sent (or about to be sent) to the client.
	Status int
	// Err is the error sent to the client, nil on success.
	Err *api.Error
	// StreamComplete is true when a stream ended normally (finish reason and end of
	// stream); false when it was cut by the client, the upstream or a timeout.
	StreamComplete bool
	// FirstByte is the time from Start to the first byte of the answer sent to the client.
	FirstByte time.Duration
	// Duration is the time from Start to the end of the answer (set before post-hooks).
	Duration time.Duration

	// Trace is the W3C trace context received from the client.
	Trace TraceContext
	// TraceID and SpanID (lower-case hex) identify this request's server span when the
	// tracing plugin is on; the logs record them so a log row links to its trace.
	TraceID, SpanID string
	// UpstreamHeaders are added to every upstream attempt (the tracing plugin sets
	// traceparent here). Lower-case names.
	UpstreamHeaders [][2]string

	// Cache is filled by the semantic cache plugin.
	Cache CacheInfo
	// Cost is filled by the costing plugin.
	Cost CostInfo

	headers     func(name string) string
	eachHeader  func(fn func(name, value string))
	respHeaders [][2]string
}

// Attempt is one upstream try.
type Attempt struct {
	Provider  string
	Model     string
	KeyName   string // the key's name, never its value
	Start     time.Time
	Duration  time.Duration
	Status    int    // upstream HTTP status, 0 when none was received
	ErrorType string // api.Err* type, "" on success
	Fallback  bool   // true when this attempt was for a fallback model
}

// TraceContext is a W3C trace context.
type TraceContext struct {
	TraceParent string
	TraceState  string
}

// CacheInfo is what the semantic cache decided for a call.
type CacheInfo struct {
	// Status is "hit-exact", "hit-semantic", "miss", "bypass", or "" when the cache did
	// not look at the call.
	Status string
	// Reason says why a bypass happened or why semantic matching was skipped (a guard
	// name), "" otherwise.
	Reason     string
	Similarity float32 // cosine similarity of a semantic hit
	EntryID    string  // id of the entry served (hit) or stored (miss)
	// SavedLatency is the upstream latency of the response that filled the entry.
	SavedLatency time.Duration
	// SavedUsage is the usage of the response that filled the entry, for pricing what
	// the hit saved; nil on a miss.
	SavedUsage *api.Usage
	// SavedProvider and SavedModel are those of the response that filled the entry.
	SavedProvider, SavedModel string
	// LookupDuration and EmbedDuration are the time spent looking up (all tiers) and the
	// part of it spent embedding, for traces and metrics.
	LookupDuration, EmbedDuration time.Duration
}

// CostInfo is what the costing plugin computed for a call, in integer nano-USD.
type CostInfo struct {
	NanoUSD int64
	// Known is false when no price is known for the model; NanoUSD is then 0 and means
	// "unknown", not "free".
	Known bool
	// SavedNanoUSD is the cost a cache hit avoided (the price of SavedUsage).
	SavedNanoUSD int64
}

// Header returns the value of a request header (case-insensitive), "" when absent.
func (c *Call) Header(name string) string {
	if c.headers == nil {
		return ""
	}
	return c.headers(name)
}

// VisitHeaders calls fn for every request header. Plugins use it for header families
// (x-muninn-metadata-*); values must be copied if kept.
func (c *Call) VisitHeaders(fn func(name, value string)) {
	if c.eachHeader != nil {
		c.eachHeader(fn)
	}
}

// SetResponseHeader adds a header to the response. It has effect in pre-hooks, and in
// post-hooks of non-streamed responses (stream headers are already sent by then).
func (c *Call) SetResponseHeader(name, value string) {
	c.respHeaders = append(c.respHeaders, [2]string{name, value})
}

// ResponseHeaders returns the headers plugins asked to add.
func (c *Call) ResponseHeaders() [][2]string { return c.respHeaders }

// SetHeaderFuncs installs the request-header accessors behind Header and VisitHeaders.
// The server installs its own for every request; tests of plugins use SetRequestHeaders.
func (c *Call) SetHeaderFuncs(get func(name string) string, each func(fn func(name, value string))) {
	c.headers, c.eachHeader = get, each
}

// SetRequestHeaders gives the call a fixed set of request headers (names matched without
// regard to case). Meant for tests of plugins, which run without a server.
func (c *Call) SetRequestHeaders(h map[string]string) {
	lower := make(map[string]string, len(h))
	for k, v := range h {
		lower[strings.ToLower(k)] = v
	}
	c.SetHeaderFuncs(
		func(name string) string { return lower[strings.ToLower(name)] },
		func(fn func(name, value string)) {
			for k, v := range lower {
				fn(k, v)
			}
		})
}
