package telemetry

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Bucket layouts of the OpenTelemetry GenAI metric conventions.
var (
	// DurationBuckets: gen_ai.client.operation.duration, 0.01 s doubling to 81.92 s.
	DurationBuckets = prometheus.ExponentialBuckets(0.01, 2, 14)
	// TokenBuckets: gen_ai.client.token.usage, 1 to 67108864, ×4.
	TokenBuckets = prometheus.ExponentialBuckets(1, 4, 14)
	// FastBuckets are for in-process work (cache lookups, embeddings, vector search):
	// 50 µs doubling to about 1.6 s.
	FastBuckets = prometheus.ExponentialBuckets(0.00005, 2, 16)
	// SimilarityBuckets cover the cosine similarities at which hits happen.
	SimilarityBuckets = []float64{0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 1}
)

// Metrics is Muninn's Prometheus registry and the collectors the plugins feed. Methods
// are safe for concurrent use. A nil *Metrics records nothing.
type Metrics struct {
	reg         *prometheus.Registry
	tenantLabel bool

	requests       *prometheus.CounterVec
	errors         *prometheus.CounterVec
	reqDuration    *prometheus.HistogramVec
	opDuration     *prometheus.HistogramVec
	ttfc           *prometheus.HistogramVec
	tokenUsage     *prometheus.HistogramVec
	tokens         *prometheus.CounterVec
	attempts       *prometheus.CounterVec
	upstreamDur    *prometheus.HistogramVec
	cost           *prometheus.CounterVec
	costUnknown    *prometheus.CounterVec
	cacheLookups   *prometheus.CounterVec
	cacheBypass    *prometheus.CounterVec
	cacheSavedUSD  *prometheus.CounterVec
	cacheSavedSecs *prometheus.CounterVec
	similarity     prometheus.Histogram
	cacheLookupDur *prometheus.HistogramVec
	embedDur       prometheus.Histogram
	searchDur      prometheus.Histogram
}

// NewMetrics builds the registry with the Go runtime and process collectors.
func NewMetrics(cfg MetricsConfig) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg, tenantLabel: cfg.TenantLabel}
	reqLabels := []string{"endpoint", "provider", "model", "status_class", "cache"}
	costLabels := []string{"provider", "model"}
	if cfg.TenantLabel {
		reqLabels = append(reqLabels, "tenant")
		costLabels = append(costLabels, "tenant")
	}
	genAI := []string{"gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"}
	f := promFactory{reg}
	m.requests = f.counter("muninn_requests_total", "Requests answered, by endpoint, provider, model, HTTP status class and cache result.", reqLabels)
	m.errors = f.counter("muninn_errors_total", "Requests answered with an error, by endpoint and stable error type.", []string{"endpoint", "error_type"})
	m.reqDuration = f.histogram("muninn_request_duration_seconds", "Time from accepting a request to the end of its answer.", DurationBuckets, []string{"endpoint", "cache"})
	m.opDuration = f.histogram("gen_ai_client_operation_duration_seconds", "GenAI operation duration (upstream answers; cache hits excluded).", DurationBuckets, append(append([]string{}, genAI...), "error_type"))
	m.ttfc = f.histogram("gen_ai_client_operation_time_to_first_chunk_seconds", "Time to the first chunk of a streamed answer.", DurationBuckets, genAI)
	m.tokenUsage = f.histogram("gen_ai_client_token_usage", "Tokens per operation, by direction (gen_ai_token_type input or output).", TokenBuckets, append(append([]string{}, genAI...), "gen_ai_token_type"))
	m.tokens = f.counter("muninn_tokens_total", "Tokens, by provider, model and kind (input, output, cached_input, cache_write, reasoning).", []string{"provider", "model", "kind"})
	m.attempts = f.counter("muninn_upstream_attempts_total", "Upstream attempts, by provider, model and outcome (success, or the stable error type), and whether it was a fallback.", []string{"provider", "model", "outcome", "fallback"})
	m.upstreamDur = f.histogram("muninn_upstream_duration_seconds", "Duration of each upstream attempt.", DurationBuckets, []string{"provider", "model"})
	m.cost = f.counter("muninn_cost_usd_total", "Provider spend in USD (from integer nano-USD), by provider and model.", costLabels)
	m.costUnknown = f.counter("muninn_cost_unknown_total", "Answered requests whose model has no known price.", []string{"provider", "model"})
	m.cacheLookups = f.counter("muninn_cache_lookups_total", "Cache decisions, by result (hit, miss, bypass) and tier (exact, semantic, none).", []string{"result", "tier"})
	m.cacheBypass = f.counter("muninn_cache_bypass_total", "Cache bypasses and skipped semantic matches, by reason (a guard or a request control).", []string{"reason"})
	m.cacheSavedUSD = f.counter("muninn_cache_saved_usd_total", "Provider spend avoided by cache hits, in USD.", []string{"tier"})
	m.cacheSavedSecs = f.counter("muninn_cache_saved_seconds_total", "Upstream latency avoided by cache hits, in seconds.", []string{"tier"})
	m.similarity = f.plainHistogram("muninn_cache_similarity", "Cosine similarity of semantic cache hits.", SimilarityBuckets)
	m.cacheLookupDur = f.histogram("muninn_cache_lookup_duration_seconds", "Time spent in cache lookups (all tiers), by result.", FastBuckets, []string{"result"})
	m.embedDur = f.plainHistogram("muninn_embedding_duration_seconds", "Time spent embedding prompts for the semantic cache.", FastBuckets)
	m.searchDur = f.plainHistogram("muninn_vector_search_duration_seconds", "Time spent searching the vector store (lookup minus embedding).", FastBuckets)
	return m
}

// Registry returns the registry, for collectors registered elsewhere.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the exposition.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// TenantLabel reports whether series carry the tenant.
func (m *Metrics) TenantLabel() bool { return m != nil && m.tenantLabel }

// Request is one answered request, as the metrics see it. Strings must come from bounded
// sets (see the package doc); empty strings are recorded as "none".
type Request struct {
	Endpoint, Provider, Model, Tenant string
	Status                            int
	ErrorType                         string
	Cache, CacheTier, CacheReason     string // result: hit|miss|bypass|""; tier: exact|semantic
	Duration, FirstChunk              time.Duration
	Stream                            bool
	Operation                         string // gen_ai.operation.name: chat, embeddings, text_completion
	ProviderName                      string // gen_ai.provider.name (well-known value)

	InputTokens, OutputTokens, CachedTokens, CacheWriteTokens, ReasoningTokens int
	HasUsage                                                                   bool

	CostNanoUSD, SavedNanoUSD int64
	CostKnown                 bool
	SavedLatency              time.Duration
	Similarity                float32
	LookupDuration            time.Duration
	EmbedDuration             time.Duration

	Attempts []Attempt
}

// Attempt is one upstream try.
type Attempt struct {
	Provider, Model, ErrorType string
	Duration                   time.Duration
	Fallback                   bool
}

func none(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func statusClass(code int) string {
	switch {
	case code >= 500:
		return "5xx"
	case code >= 400:
		return "4xx"
	case code >= 300:
		return "3xx"
	case code >= 200:
		return "2xx"
	default:
		return "none"
	}
}

// Observe records one request.
func (m *Metrics) Observe(r *Request) {
	if m == nil {
		return
	}
	provider, model := none(r.Provider), none(r.Model)
	cache := none(r.Cache)
	reqL := []string{r.Endpoint, provider, model, statusClass(r.Status), cache}
	if m.tenantLabel {
		reqL = append(reqL, none(r.Tenant))
	}
	m.requests.WithLabelValues(reqL...).Inc()
	if r.ErrorType != "" {
		m.errors.WithLabelValues(r.Endpoint, r.ErrorType).Inc()
	}
	m.reqDuration.WithLabelValues(r.Endpoint, cache).Observe(r.Duration.Seconds())

	hit := r.Cache == "hit"
	op, pname := none(r.Operation), none(r.ProviderName)
	if !hit && r.Provider != "" {
		m.opDuration.WithLabelValues(op, pname, model, r.ErrorType).Observe(r.Duration.Seconds())
		if r.Stream && r.FirstChunk > 0 {
			m.ttfc.WithLabelValues(op, pname, model).Observe(r.FirstChunk.Seconds())
		}
		if r.HasUsage {
			m.tokenUsage.WithLabelValues(op, pname, model, "input").Observe(float64(r.InputTokens))
			m.tokenUsage.WithLabelValues(op, pname, model, "output").Observe(float64(r.OutputTokens))
			m.tokens.WithLabelValues(provider, model, "input").Add(float64(r.InputTokens))
			m.tokens.WithLabelValues(provider, model, "output").Add(float64(r.OutputTokens))
			if r.CachedTokens > 0 {
				m.tokens.WithLabelValues(provider, model, "cached_input").Add(float64(r.CachedTokens))
			}
			if r.CacheWriteTokens > 0 {
				m.tokens.WithLabelValues(provider, model, "cache_write").Add(float64(r.CacheWriteTokens))
			}
			if r.ReasoningTokens > 0 {
				m.tokens.WithLabelValues(provider, model, "reasoning").Add(float64(r.ReasoningTokens))
			}
			costL := []string{provider, model}
			if m.tenantLabel {
				costL = append(costL, none(r.Tenant))
			}
			if r.CostKnown {
				m.cost.WithLabelValues(costL...).Add(float64(r.CostNanoUSD) / 1e9)
			} else {
				m.costUnknown.WithLabelValues(provider, model).Inc()
			}
		}
	}
	for _, a := range r.Attempts {
		outcome := "success"
		if a.ErrorType != "" {
			outcome = a.ErrorType
		}
		m.attempts.WithLabelValues(none(a.Provider), none(a.Model), outcome, strconv.FormatBool(a.Fallback)).Inc()
		m.upstreamDur.WithLabelValues(none(a.Provider), none(a.Model)).Observe(a.Duration.Seconds())
	}
	if r.Cache != "" {
		tier := none(r.CacheTier)
		m.cacheLookups.WithLabelValues(r.Cache, tier).Inc()
		if r.CacheReason != "" {
			m.cacheBypass.WithLabelValues(r.CacheReason).Inc()
		}
		if r.LookupDuration > 0 {
			m.cacheLookupDur.WithLabelValues(r.Cache).Observe(r.LookupDuration.Seconds())
		}
		if r.EmbedDuration > 0 {
			m.embedDur.Observe(r.EmbedDuration.Seconds())
			if s := r.LookupDuration - r.EmbedDuration; s > 0 {
				m.searchDur.Observe(s.Seconds())
			}
		}
		if hit {
			m.cacheSavedUSD.WithLabelValues(tier).Add(float64(r.SavedNanoUSD) / 1e9)
			m.cacheSavedSecs.WithLabelValues(tier).Add(r.SavedLatency.Seconds())
			if r.CacheTier == "semantic" {
				m.similarity.Observe(float64(r.Similarity))
			}
		}
	}
}
