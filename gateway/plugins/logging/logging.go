package logging

import (
	"context"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/logstore"
)

// Request headers the record reads.
const (
	HeaderUser           = "x-muninn-user"
	HeaderSession        = "x-muninn-session"
	HeaderTags           = "x-muninn-tags" // comma separated
	HeaderMetadataPrefix = "x-muninn-metadata-"
)

// Config configures the plugin. Start from DefaultConfig.
type Config struct {
	// Bodies logs the request and response bodies (on by default).
	Bodies bool `yaml:"bodies"`
	// MaxBodyBytes caps each body; longer ones are cut and flagged as truncated.
	MaxBodyBytes int `yaml:"max_body_bytes"`
	// RedactFields are body field names whose values are replaced by "[REDACTED]"
	// (for example "content", "arguments", "user", "input").
	RedactFields []string `yaml:"redact_fields"`
	// RedactMetadata are x-muninn-metadata-* keys (without the prefix, lower case) whose
	// values are replaced by "[REDACTED]".
	RedactMetadata []string `yaml:"redact_metadata"`
	// Redact, when set, is called with every finished record before it is queued (on the
	// request path: keep it fast).
	Redact func(*logstore.Record) `yaml:"-"`
}

// Defaults.
const DefaultMaxBodyBytes = 32 << 10

// DefaultConfig returns the defaults: bodies on, capped at 32 KiB.
func DefaultConfig() Config { return Config{Bodies: true, MaxBodyBytes: DefaultMaxBodyBytes} }

// Adder takes records without blocking; *logstore.Batcher is one.
type Adder interface {
	TryAdd(*logstore.Record) bool
}

// Plugin is the logging plugin.
type Plugin struct {
	out            Adder
	cfg            Config
	redactFields   map[string]bool
	redactMetadata map[string]bool
	writers        sync.Pool // *bodyWriter
}

// New returns the plugin writing to out.
func New(out Adder, cfg Config) *Plugin {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	p := &Plugin{out: out, cfg: cfg}
	if len(cfg.RedactFields) > 0 {
		p.redactFields = map[string]bool{}
		for _, f := range cfg.RedactFields {
			p.redactFields[f] = true
		}
	}
	if len(cfg.RedactMetadata) > 0 {
		p.redactMetadata = map[string]bool{}
		for _, k := range cfg.RedactMetadata {
			p.redactMetadata[strings.ToLower(k)] = true
		}
	}
	return p
}

// Name implements gateway.Plugin.
func (p *Plugin) Name() string { return "logging" }

// PostHook builds the record and queues it. It never fails the request: a full queue is
// counted by the Batcher.
func (p *Plugin) PostHook(_ context.Context, c *gateway.Call) error {
	r := new(logstore.Record)
	p.fill(r, c, c)
	if p.cfg.Redact != nil {
		p.cfg.Redact(r)
	}
	p.out.TryAdd(r)
	return nil
}

// headerSource reads request headers; *gateway.Call is one.
type headerSource interface {
	Header(name string) string
	VisitHeaders(fn func(name, value string))
}

// fill copies everything the record needs out of c (and its headers, from h). Strings
// are copied into one arena allocation per record rather than one allocation each.
func (p *Plugin) fill(r *logstore.Record, c *gateway.Call, h headerSource) {
	user, session, tags := h.Header(HeaderUser), h.Header(HeaderSession), h.Header(HeaderTags)
	var a arena
	size := len(c.ID) + len(c.Endpoint) + len(c.Tenant) + len(user) + len(session) + len(tags) +
		len(c.Provider) + len(c.RequestedModel) + len(c.Model) + len(c.KeyName) +
		len(c.Cache.Status) + len(c.Cache.EntryID) + 48 // trace and span ids
	if c.Err != nil {
		size += len(c.Err.Type) + len(c.Err.Message)
	}
	for i := range c.Attempts {
		at := &c.Attempts[i]
		size += len(at.Provider) + len(at.Model) + len(at.KeyName) + len(at.ErrorType)
	}
	a.b = make([]byte, 0, size+64) // room for a few metadata headers

	r.RequestID = a.clone(c.ID)
	r.TimeMs = c.Start.UnixMilli()
	if c.Start.IsZero() {
		r.TimeMs = time.Now().UnixMilli() // a call the gateway never stamped still gets a sane time
	}
	r.Duration, r.TTFB = c.Duration, c.FirstByte
	r.Endpoint = a.clone(c.Endpoint)
	r.Tenant = a.clone(c.Tenant)
	r.User, r.Session = a.clone(user), a.clone(session)
	if tags != "" {
		r.Tags = splitTags(&a, tags)
	}
	h.VisitHeaders(func(name, value string) {
		if len(name) <= len(HeaderMetadataPrefix) || !strings.EqualFold(name[:len(HeaderMetadataPrefix)], HeaderMetadataPrefix) {
			return
		}
		key := strings.ToLower(name[len(HeaderMetadataPrefix):]) // a new string
		if r.Metadata == nil {
			r.Metadata = make(map[string]string, 4)
		}
		if p.redactMetadata[key] {
			value = "[REDACTED]"
		}
		r.Metadata[key] = a.clone(value)
	})
	r.Provider = a.clone(c.Provider)
	r.RequestedModel = a.clone(c.RequestedModel)
	r.Model = a.clone(c.Model)
	r.KeyName = a.clone(c.KeyName)
	r.Status = c.Status
	if c.Err != nil {
		r.ErrorType = a.clone(c.Err.Type)
		r.ErrorMessage = a.clone(c.Err.Message)
	}
	if len(c.Attempts) > 0 {
		r.Attempts = make([]logstore.Attempt, len(c.Attempts))
		for i := range c.Attempts {
			at := &c.Attempts[i]
			r.Attempts[i] = logstore.Attempt{
				Provider: a.clone(at.Provider), Model: a.clone(at.Model), KeyName: a.clone(at.KeyName),
				StartMs: at.Start.UnixMilli(), Duration: at.Duration, Status: at.Status,
				ErrorType: a.clone(at.ErrorType), Fallback: at.Fallback,
			}
		}
	}
	r.Stream = c.Stream
	if u := c.Usage; u != nil {
		r.PromptTokens, r.CompletionTokens = int64(u.PromptTokens), int64(u.CompletionTokens)
		r.CachedTokens = int64(u.CachedTokens())
		r.CacheWriteTokens = int64(u.CacheCreationTokens())
		r.ReasoningTokens = int64(u.ReasoningTokens())
	}
	r.CostNanoUSD, r.CostUnknown = c.Cost.NanoUSD, !c.Cost.Known
	r.CacheStatus = a.clone(c.Cache.Status)
	r.Similarity = c.Cache.Similarity
	r.CacheEntryID = a.clone(c.Cache.EntryID)
	r.SavedCostNanoUSD, r.SavedLatency = c.Cost.SavedNanoUSD, c.Cache.SavedLatency
	trace, span := traceIDs(c)
	r.TraceID, r.SpanID = a.clone(trace), a.clone(span)
	if p.cfg.Bodies {
		p.bodies(r, c)
	}
}

// arena copies strings into shared chunks. A chunk is never written again where a string
// points into it, so the strings are immutable as Go requires.
type arena struct{ b []byte }

func (a *arena) clone(s string) string {
	if s == "" {
		return ""
	}
	if cap(a.b)-len(a.b) < len(s) {
		a.b = make([]byte, 0, max(len(s), 256)) // earlier strings keep the old chunk alive
	}
	start := len(a.b)
	a.b = append(a.b, s...)
	return unsafe.String(&a.b[start], len(s))
}

func (p *Plugin) bodies(r *logstore.Record, c *gateway.Call) {
	w, _ := p.writers.Get().(*bodyWriter)
	if w == nil {
		w = &bodyWriter{}
	}
	w.redact = p.redactFields
	switch {
	case c.Request != nil:
		w.reset(p.cfg.MaxBodyBytes)
		w.request(c.Request)
		r.RequestBody, r.RequestTruncated = w.result()
	case c.Embedding != nil:
		w.reset(p.cfg.MaxBodyBytes)
		w.embedding(c.Embedding)
		r.RequestBody, r.RequestTruncated = w.result()
	}
	if c.Response != nil {
		w.reset(p.cfg.MaxBodyBytes)
		w.response(c.Response)
		r.ResponseBody, r.ResponseTruncated = w.result()
	}
	if cap(w.b) <= 4*p.cfg.MaxBodyBytes {
		p.writers.Put(w)
	}
}

func splitTags(a *arena, s string) []string {
	n := strings.Count(s, ",") + 1
	out := make([]string, 0, n)
	for part := range strings.SplitSeq(s, ",") {
		if t := strings.TrimSpace(part); t != "" {
			out = append(out, a.clone(t))
		}
	}
	return out
}

// traceIDs returns the trace id and the gateway's span id: from the traceparent the
// tracing plugin set for upstream calls, else from the client's.
func traceIDs(c *gateway.Call) (trace, span string) {
	tp := c.Trace.TraceParent
	for _, h := range c.UpstreamHeaders {
		if h[0] == "traceparent" {
			tp = h[1]
		}
	}
	// version-traceid(32)-spanid(16)-flags
	if len(tp) < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-' {
		return "", ""
	}
	return tp[3:35], tp[36:52] // the caller copies
}

var _ gateway.PostHooker = (*Plugin)(nil)
