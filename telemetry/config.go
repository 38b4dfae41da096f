package telemetry

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TracesConfig configures OTLP trace export. The zero value (no Endpoint) disables it.
type TracesConfig struct {
	// Endpoint is the full OTLP/HTTP traces URL, e.g.
	// http://langfuse-web:3000/api/public/otel/v1/traces or
	// http://collector:4318/v1/traces.
	Endpoint string `json:"endpoint"`
	// Headers are sent with every export (e.g. Authorization).
	Headers map[string]string `json:"headers"`
	// Langfuse, when set, adds Langfuse's Basic auth and ingestion-version headers.
	Langfuse *LangfuseConfig `json:"langfuse"`
	// SampleRatio is the fraction of new traces kept (a sampled parent from the client
	// is always honoured). Default 1.
	SampleRatio *float64 `json:"sample_ratio"`
	// BatchSize is the maximum spans per export; QueueSize bounds spans waiting.
	BatchSize int `json:"batch_size"`
	QueueSize int `json:"queue_size"`
	// BatchInterval is the longest a span waits before export.
	BatchInterval Duration `json:"batch_interval"`
	// Timeout bounds one export request; RetryMaxElapsed bounds its retries.
	Timeout         Duration `json:"timeout"`
	RetryMaxElapsed Duration `json:"retry_max_elapsed"`
	// Gzip compresses export requests. Default true.
	Gzip *bool `json:"gzip"`
	// CaptureContent records prompts and completions on spans (default true), each cut
	// to MaxContentBytes.
	CaptureContent  *bool `json:"capture_content"`
	MaxContentBytes int   `json:"max_content_bytes"`
	// ServiceName and Environment are resource attributes.
	ServiceName string `json:"service_name"`
	Environment string `json:"environment"`
}

// LangfuseConfig holds a Langfuse project's API keys. They are secrets: they only go into
// the Authorization header.
type LangfuseConfig struct {
	PublicKey string `json:"public_key"`
	SecretKey string `json:"secret_key"`
	// IngestionVersion is sent as x-langfuse-ingestion-version. Default "4".
	IngestionVersion string `json:"ingestion_version"`
}

// MetricsConfig configures the Prometheus registry.
type MetricsConfig struct {
	// Disabled turns /metrics off.
	Disabled bool `json:"disabled"`
	// Path is where the exposition is served. Default /metrics.
	Path string `json:"path"`
	// TenantLabel adds the tenant (gateway key name) to request and cost series. Tenants
	// are bounded by the configured keys.
	TenantLabel bool `json:"tenant_label"`
}

// Defaults.
const (
	DefaultBatchSize       = 512
	DefaultQueueSize       = 8192
	DefaultBatchInterval   = time.Second
	DefaultTimeout         = 10 * time.Second
	DefaultRetryMaxElapsed = 30 * time.Second
	DefaultMaxContentBytes = 16 << 10
	DefaultServiceName     = "muninn"
	DefaultMetricsPath     = "/metrics"
)

// Duration is a time.Duration written as a Go duration string ("1s", "250ms").
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"1s\": %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// DecodeTraces decodes a traces section strictly (unknown fields fail, naming the field)
// and applies defaults. Empty input gives the disabled config.
func DecodeTraces(raw []byte) (TracesConfig, error) {
	var c TracesConfig
	if err := strictDecode(raw, &c); err != nil {
		return c, fmt.Errorf("telemetry.traces: %w", err)
	}
	return c, c.normalise()
}

// DecodeMetrics decodes a metrics section strictly and applies defaults.
func DecodeMetrics(raw []byte) (MetricsConfig, error) {
	var c MetricsConfig
	if err := strictDecode(raw, &c); err != nil {
		return c, fmt.Errorf("metrics: %w", err)
	}
	if c.Path == "" {
		c.Path = DefaultMetricsPath
	}
	if !strings.HasPrefix(c.Path, "/") {
		return c, fmt.Errorf("metrics.path: %q must start with /", c.Path)
	}
	return c, nil
}

func strictDecode(raw []byte, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (c *TracesConfig) normalise() error {
	if c.Endpoint == "" {
		if c.Langfuse != nil {
			return fmt.Errorf("telemetry.traces.endpoint: required with langfuse (e.g. http://langfuse:3000/api/public/otel/v1/traces)")
		}
		return nil
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("telemetry.traces.endpoint: %q is not an http(s) URL", c.Endpoint)
	}
	if c.SampleRatio == nil {
		one := 1.0
		c.SampleRatio = &one
	} else if *c.SampleRatio < 0 || *c.SampleRatio > 1 {
		return fmt.Errorf("telemetry.traces.sample_ratio: %v is not in [0, 1]", *c.SampleRatio)
	}
	if c.BatchSize < 0 || c.QueueSize < 0 || c.MaxContentBytes < 0 {
		return fmt.Errorf("telemetry.traces: batch_size, queue_size and max_content_bytes must not be negative")
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.QueueSize < c.BatchSize {
		return fmt.Errorf("telemetry.traces.queue_size: %d is smaller than batch_size %d", c.QueueSize, c.BatchSize)
	}
	if c.BatchInterval == 0 {
		c.BatchInterval = Duration(DefaultBatchInterval)
	}
	if c.Timeout == 0 {
		c.Timeout = Duration(DefaultTimeout)
	}
	if c.RetryMaxElapsed == 0 {
		c.RetryMaxElapsed = Duration(DefaultRetryMaxElapsed)
	}
	if c.Gzip == nil {
		t := true
		c.Gzip = &t
	}
	if c.CaptureContent == nil {
		t := true
		c.CaptureContent = &t
	}
	if c.MaxContentBytes == 0 {
		c.MaxContentBytes = DefaultMaxContentBytes
	}
	if c.ServiceName == "" {
		c.ServiceName = DefaultServiceName
	}
	if c.Langfuse != nil {
		if c.Langfuse.PublicKey == "" || c.Langfuse.SecretKey == "" {
			return fmt.Errorf("telemetry.traces.langfuse: public_key and secret_key are both required")
		}
		if c.Langfuse.IngestionVersion == "" {
			c.Langfuse.IngestionVersion = "4"
		}
	}
	return nil
}

// ExportHeaders returns the headers of every export request, Langfuse's included.
func (c *TracesConfig) ExportHeaders() map[string]string {
	h := make(map[string]string, len(c.Headers)+2)
	for k, v := range c.Headers {
		h[k] = v
	}
	if c.Langfuse != nil {
		cred := base64.StdEncoding.EncodeToString([]byte(c.Langfuse.PublicKey + ":" + c.Langfuse.SecretKey))
		h["Authorization"] = "Basic " + cred
		h["x-langfuse-ingestion-version"] = c.Langfuse.IngestionVersion
	}
	return h
}
