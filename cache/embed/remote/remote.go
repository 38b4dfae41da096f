package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/cache/embed"
)

// Config configures a remote embedder. Zero values take the defaults below.
type Config struct {
	// BaseURL is the API root, e.g. "https://api.openai.com/v1" or
	// "http://localhost:11434/v1" (Ollama); requests go to BaseURL + "/embeddings".
	BaseURL string
	// APIKey is sent as "Authorization: Bearer <key>" when set. It is a secret.
	APIKey string
	// Model is the upstream model name, e.g. "text-embedding-3-small".
	Model string
	// ID is the model id reported by Model(), which scopes cached vectors. Default:
	// Model, with ":<Dimensions>" appended when Dimensions is set.
	ID string
	// Dim is the expected vector length. Default: Dimensions when set; otherwise it must
	// be given, or learned with Discover.
	Dim int
	// Dimensions, when > 0, is sent as the request's "dimensions" (OpenAI
	// text-embedding-3-* shorten their vectors on request).
	Dimensions int
	// BatchSize is the most texts per request. Default 128.
	BatchSize int
	// Timeout bounds one request (one attempt). Default 30s.
	Timeout time.Duration
	// MaxRetries is how many times a failed request is retried. Default 3; -1 for none.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the wait between attempts (and cap Retry-After).
	// Defaults 250ms and 10s.
	MinBackoff, MaxBackoff time.Duration
	// Headers are extra request headers (e.g. an organisation or project id).
	Headers map[string]string
	// Client is the HTTP client. Default: a client with sensible connection pooling.
	Client *http.Client
}

// Defaults.
const (
	DefaultBatchSize  = 128
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 10 * time.Second
	maxResponseBytes  = 256 << 20
)

// Embedder calls an OpenAI-compatible embeddings endpoint. Safe for concurrent use.
type Embedder struct {
	cfg   Config
	url   string
	id    string
	dim   int
	sleep func(ctx context.Context, d time.Duration) error // replaced in tests
}

// New validates cfg and returns an embedder. Dim (or Dimensions) must be known.
func New(cfg Config) (*Embedder, error) {
	e, err := newEmbedder(cfg)
	if err != nil {
		return nil, err
	}
	if e.dim <= 0 {
		return nil, errors.New("remote embedder: Dim is not set (set Dim or Dimensions, or use Discover)")
	}
	return e, nil
}

// Discover is New, except that an unknown Dim is learned by embedding one probe text.
func Discover(ctx context.Context, cfg Config) (*Embedder, error) {
	e, err := newEmbedder(cfg)
	if err != nil {
		return nil, err
	}
	if e.dim > 0 {
		return e, nil
	}
	vecs, err := e.embedBatch(ctx, []string{"dimension probe"})
	if err != nil {
		return nil, fmt.Errorf("remote embedder: discover dimension: %w", err)
	}
	e.dim = len(vecs[0])
	return e, nil
}

func newEmbedder(cfg Config) (*Embedder, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("remote embedder: BaseURL is required")
	}
	if !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		return nil, fmt.Errorf("remote embedder: BaseURL %q must start with http:// or https://", cfg.BaseURL)
	}
	if cfg.Model == "" {
		return nil, errors.New("remote embedder: Model is required")
	}
	if cfg.Dim < 0 || cfg.Dimensions < 0 || cfg.BatchSize < 0 {
		return nil, errors.New("remote embedder: Dim, Dimensions and BatchSize must not be negative")
	}
	if cfg.Dimensions > 0 && cfg.Dim > 0 && cfg.Dim != cfg.Dimensions {
		return nil, fmt.Errorf("remote embedder: Dim %d contradicts Dimensions %d", cfg.Dim, cfg.Dimensions)
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	cfg.MaxBackoff = max(cfg.MaxBackoff, cfg.MinBackoff)
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		}}
	}
	e := &Embedder{
		cfg:   cfg,
		url:   strings.TrimRight(cfg.BaseURL, "/") + "/embeddings",
		id:    cfg.ID,
		dim:   cfg.Dim,
		sleep: sleepCtx,
	}
	if e.dim == 0 {
		e.dim = cfg.Dimensions
	}
	if e.id == "" {
		e.id = cfg.Model
		if cfg.Dimensions > 0 {
			e.id += ":" + strconv.Itoa(cfg.Dimensions)
		}
	}
	return e, nil
}

// Model returns the configured model id.
func (e *Embedder) Model() string { return e.id }

// Dim returns the vector length.
func (e *Embedder) Dim() int { return e.dim }

// Embed embeds texts in batches, in order. It returns no vectors if any batch fails.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.cfg.BatchSize {
		end := min(start+e.cfg.BatchSize, len(texts))
		vecs, err := e.embedBatch(ctx, texts[start:end])
		if err != nil {
			return nil, fmt.Errorf("embed with %s: %w", e.id, err)
		}
		out = append(out, vecs...)
	}
	return out, nil
}

type request struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
	Dimensions     int      `json:"dimensions,omitempty"`
}

type response struct {
	Data []struct {
		Index     *int      `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
}

// embedBatch sends one request, with retries.
func (e *Embedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(request{Model: e.cfg.Model, Input: texts, EncodingFormat: "float", Dimensions: e.cfg.Dimensions})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		vecs, retryAfter, err := e.try(ctx, body, len(texts))
		if err == nil {
			return vecs, nil
		}
		lastErr = err
		var re *Error
		retryable := !errors.As(err, &re) || re.Retryable
		if ctx.Err() != nil || !retryable || attempt >= e.cfg.MaxRetries {
			if attempt > 0 {
				return nil, fmt.Errorf("after %d attempts: %w", attempt+1, lastErr)
			}
			return nil, lastErr
		}
		if err := e.sleep(ctx, e.backoff(attempt, retryAfter)); err != nil {
			return nil, fmt.Errorf("%w (while waiting to retry: %v)", lastErr, err)
		}
	}
}

// backoff is the wait before retry number attempt+1: Retry-After when the upstream gave
// one, else exponential from MinBackoff with full jitter in its upper half; always capped
// at MaxBackoff.
func (e *Embedder) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(max(retryAfter, e.cfg.MinBackoff), e.cfg.MaxBackoff)
	}
	d := e.cfg.MinBackoff << min(attempt, 20)
	if d <= 0 || d > e.cfg.MaxBackoff {
		d = e.cfg.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// try makes one attempt. Errors that must not be retried are *Error with Retryable false.
func (e *Embedder) try(ctx context.Context, body []byte, n int) ([][]float32, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &Error{Message: "build request: " + e.redact(err.Error())}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, v := range e.cfg.Headers {
		req.Header.Set(k, v)
	}
	if e.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+e.cfg.APIKey)
	}
	resp, err := e.cfg.Client.Do(req)
	if err != nil {
		// Connection failures and timeouts are worth another try.
		return nil, 0, &Error{Message: e.redact(err.Error()), Retryable: true}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, 0, &Error{Status: resp.StatusCode, Message: "read response: " + e.redact(err.Error()), Retryable: true}
	}
	if resp.StatusCode/100 != 2 {
		retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 ||
			resp.StatusCode == http.StatusRequestTimeout
		return nil, parseRetryAfter(resp.Header.Get("Retry-After")), &Error{
			Status:    resp.StatusCode,
			Message:   e.redact(upstreamMessage(data)),
			Retryable: retryable,
		}
	}
	vecs, err := e.decode(data, n)
	if err != nil {
		return nil, 0, &Error{Status: resp.StatusCode, Message: e.redact(err.Error())}
	}
	return vecs, 0, nil
}

// decode checks and orders the response's vectors.
func (e *Embedder) decode(data []byte, n int) ([][]float32, error) {
	var r response
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decode response: %v", err)
	}
	if len(r.Data) != n {
		return nil, fmt.Errorf("response has %d embeddings for %d inputs", len(r.Data), n)
	}
	out := make([][]float32, n)
	for pos, d := range r.Data {
		i := pos
		if d.Index != nil {
			i = *d.Index
		}
		if i < 0 || i >= n || out[i] != nil {
			return nil, fmt.Errorf("response has an invalid or repeated index %d", i)
		}
		if e.dim > 0 && len(d.Embedding) != e.dim {
			return nil, fmt.Errorf("embedding %d has %d dimensions, want %d", i, len(d.Embedding), e.dim)
		}
		if len(d.Embedding) == 0 {
			return nil, fmt.Errorf("embedding %d is empty", i)
		}
		v := make([]float32, len(d.Embedding))
		for j, x := range d.Embedding {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("embedding %d has a non-finite value", i)
			}
			v[j] = float32(x)
		}
		if !embed.Normalize(v) {
			return nil, fmt.Errorf("embedding %d is a zero vector", i)
		}
		out[i] = v
	}
	return out, nil
}

// upstreamMessage extracts an OpenAI-style {"error":{"message"}} (or {"error":"..."},
// as TEI and Ollama answer), else a prefix of the body.
func upstreamMessage(body []byte) string {
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Error) > 0 {
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(env.Error, &obj) == nil && obj.Message != "" {
			return obj.Message
		}
		var s string
		if json.Unmarshal(env.Error, &s) == nil && s != "" {
			return s
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		s = "(empty body)"
	}
	return s
}

// parseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or invalid.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || math.IsNaN(s) || s > 86400 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// redact removes the API key from s.
func (e *Embedder) redact(s string) string {
	if e.cfg.APIKey == "" {
		return s
	}
	return strings.ReplaceAll(s, e.cfg.APIKey, "[redacted]")
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Error is a failed request to the upstream.
type Error struct {
	Status    int    // HTTP status, 0 when no response arrived
	Message   string // the upstream's message, never containing the API key
	Retryable bool
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return "embeddings request failed: " + e.Message
	}
	return fmt.Sprintf("embeddings endpoint answered %d: %s", e.Status, e.Message)
}

var _ embed.Embedder = (*Embedder)(nil)
