package logging

import (
	"context"
	"strings"
	"sync"

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

// fill copies everything the record needs out of c (and its headers, from h).
func (p *Plugin) fill(r *logstore.Record, c *gateway.Call, h headerSource) {
	r.RequestID = strings.Clone(c.ID)
	r.TimeMs = c.Start.UnixMilli()
	r.Duration, r.TTFB = c.Duration, c.FirstByte
	r.Endpoint = c.Endpoint // one of the gateway's constants
	r.Tenant = strings.Clone(c.Tenant)
	r.User = strings.Clone(h.Header(HeaderUser))
	r.Session = strings.Clone(h.Header(HeaderSession))
	if tags := h.Header(HeaderTags); tags != "" {
		r.Tags = splitTags(tags)
	}
	h.VisitHeaders(func(name, value string) {
		if len(name) <= len(HeaderMetadataPrefix) || !strings.EqualFold(name[:len(HeaderMetadataPrefix)], HeaderMetadataPrefix) {
			return
		}
		key := strings.ToLower(name[len(HeaderMetadataPrefix):])
		if r.Metadata == nil {
			r.Metadata = make(map[string]string, 4)
		}
		if p.redactMetadata[key] {
			value = "[REDACTED]"
		}
		r.Metadata[key] = strings.Clone(value)
	})
	r.Provider = strings.Clone(c.Provider)
	r.RequestedModel = strings.Clone(c.RequestedModel)
	r.Model = strings.Clone(c.Model)
	r.KeyName = strings.Clone(c.KeyName)
	r.Status = c.Status
	if c.Err != nil {
		r.ErrorType = c.Err.Type
		r.ErrorMessage = strings.Clone(c.Err.Message)
	}
	if len(c.Attempts) > 0 {
		r.Attempts = make([]logstore.Attempt, len(c.Attempts))
		for i := range c.Attempts {
			a := &c.Attempts[i]
			r.Attempts[i] = logstore.Attempt{
				Provider: strings.Clone(a.Provider), Model: strings.Clone(a.Model), KeyName: strings.Clone(a.KeyName),
				StartMs: a.Start.UnixMilli(), Duration: a.Duration, Status: a.Status, ErrorType: a.ErrorType, Fallback: a.Fallback,
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
	r.CacheStatus = c.Cache.Status
	r.Similarity = c.Cache.Similarity
	r.CacheEntryID = strings.Clone(c.Cache.EntryID)
	r.SavedCostNanoUSD, r.SavedLatency = c.Cost.SavedNanoUSD, c.Cache.SavedLatency
	r.TraceID, r.SpanID = traceIDs(c)
	if p.cfg.Bodies {
		p.bodies(r, c)
	}
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

func splitTags(s string) []string {
	n := strings.Count(s, ",") + 1
	out := make([]string, 0, n)
	for part := range strings.SplitSeq(s, ",") {
		if t := strings.TrimSpace(part); t != "" {
			out = append(out, strings.Clone(t))
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
	return strings.Clone(tp[3:35]), strings.Clone(tp[36:52])
}

var _ gateway.PostHooker = (*Plugin)(nil)
