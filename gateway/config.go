package gateway

import (
	"encoding/json"
	"time"
)

// Defaults of the gateway config.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultMaxBodyBytes    = 16 << 20
	DefaultMaxTokens       = 1 << 20
	DefaultMaxN            = 128
	DefaultDrainTimeout    = 30 * time.Second
	DefaultConnectTimeout  = 10 * time.Second
	DefaultFirstByte       = 60 * time.Second
	DefaultStreamIdle      = 60 * time.Second
	DefaultTotalTimeout    = 10 * time.Minute
	DefaultMaxRetries      = 2
	DefaultInitialBackoff  = 100 * time.Millisecond
	DefaultMaxBackoff      = 2 * time.Second
	DefaultAuthCooldown    = 60 * time.Second
	DefaultRateLimitCool   = 5 * time.Second
	DefaultQueueTimeout    = 5 * time.Second
	DefaultGlobalInFlight  = 4096
	DefaultProviderInFlght = 0 // unlimited
)

// Config is the gateway's configuration file. It is decoded strictly: an unknown member is
// an error naming it. Sections owned by other parts of Muninn (cache, logs, ...) are kept
// raw; cmd/muninn hands each to its owner, which decodes it strictly in turn.
type Config struct {
	// Listen is the address to serve on (default 127.0.0.1:8080).
	Listen string `json:"listen,omitempty"`
	// Providers maps a provider name to its configuration.
	Providers map[string]*ProviderConfig `json:"providers,omitempty"`
	// Aliases maps a model name clients may send to a routable model ("fast" ->
	// "groq/llama-3.3-70b").
	Aliases map[string]string `json:"aliases,omitempty"`
	// Fallbacks maps a model (as requested, or as provider/model) to the models to try,
	// in order, when it fails with a retryable error.
	Fallbacks map[string][]string `json:"fallbacks,omitempty"`
	// DefaultProvider receives bare model names that no configured model, alias or
	// catalog entry claims. Empty: such models are unknown (404).
	DefaultProvider string `json:"default_provider,omitempty"`
	// Timeouts and Retries are the defaults of every provider.
	Timeouts TimeoutsConfig `json:"timeouts,omitzero"`
	Retries  RetryConfig    `json:"retries,omitzero"`
	Auth     AuthConfig     `json:"auth,omitzero"`
	Limits   LimitsConfig   `json:"limits,omitzero"`
	// DrainTimeout bounds the graceful stop (default 30s).
	DrainTimeout Duration `json:"drain_timeout,omitempty"`
	// DrainDelay is how long /readyz reports unready before the listener closes, so that
	// load balancers stop sending first (default 0). It counts against DrainTimeout.
	DrainDelay Duration `json:"drain_delay,omitempty"`
	// Watch reloads the file when it changes, in addition to SIGHUP.
	Watch bool `json:"watch,omitempty"`
	// DataDir is where the embedded stores keep their files (the cache, the built-in
	// vector store, the SQLite logs, the log spool). cmd/muninn defaults it from
	// MUNINN_DATA_DIR, else "muninn-data" in the working directory.
	DataDir string `json:"data_dir,omitempty"`

	// Sections decoded by their owners.
	Cache       json.RawMessage `json:"cache,omitempty"`
	VectorStore json.RawMessage `json:"vector_store,omitempty"`
	Embedder    json.RawMessage `json:"embedder,omitempty"`
	Pricing     json.RawMessage `json:"pricing,omitempty"`
	Logs        json.RawMessage `json:"logs,omitempty"`
	Telemetry   json.RawMessage `json:"telemetry,omitempty"`
	Metrics     json.RawMessage `json:"metrics,omitempty"`
}

// ProviderConfig configures one provider.
type ProviderConfig struct {
	// Type is the registered provider type; it defaults to the provider's name when that
	// is a known type or preset ("openai", "anthropic", "groq", ...).
	Type string `json:"type,omitempty"`
	// Preset selects defaults of an OpenAI-compatible upstream ("azure", "groq",
	// "ollama", ...); for type "openai" it defaults to the provider's name.
	Preset  string `json:"preset,omitempty"`
	BaseURL string `json:"base_url,omitempty"`
	// NetworkConfig is accepted for Bifrost compatibility.
	NetworkConfig *NetworkConfig    `json:"network_config,omitempty"`
	Keys          []KeyConfig       `json:"keys,omitempty"`
	Timeouts      TimeoutsConfig    `json:"timeouts,omitzero"`
	Retries       RetryConfig       `json:"retries,omitzero"`
	Headers       map[string]string `json:"headers,omitempty"`
	APIVersion    string            `json:"api_version,omitempty"`
	Deployments   map[string]string `json:"deployments,omitempty"`
	// Models this provider serves; bare model names in this list route here.
	Models   []string `json:"models,omitempty"`
	MaxConns int      `json:"max_conns,omitempty"`
	// MaxInFlight bounds concurrent upstream calls (0: unbounded). Past it, up to
	// MaxQueue requests wait at most QueueTimeout; the rest fail fast with 429.
	MaxInFlight  int      `json:"max_in_flight,omitempty"`
	MaxQueue     int      `json:"max_queue,omitempty"`
	QueueTimeout Duration `json:"queue_timeout,omitempty"`
}

// NetworkConfig is Bifrost's network_config block.
type NetworkConfig struct {
	BaseURL                        string            `json:"base_url,omitempty"`
	ExtraHeaders                   map[string]string `json:"extra_headers,omitempty"`
	DefaultRequestTimeoutInSeconds int               `json:"default_request_timeout_in_seconds,omitempty"`
	MaxRetries                     *int              `json:"max_retries,omitempty"`
	RetryBackoffInitialMs          int               `json:"retry_backoff_initial,omitempty"`
	RetryBackoffMaxMs              int               `json:"retry_backoff_max,omitempty"`
}

// KeyConfig is one provider key.
type KeyConfig struct {
	Name string `json:"name,omitempty"`
	// Value is the secret; "env.NAME" reads it from the environment.
	Value string `json:"value"`
	// Weight is the key's share of the traffic (default 1).
	Weight *float64 `json:"weight,omitempty"`
	// Models restricts the key to these upstream models (empty: all).
	Models []string `json:"models,omitempty"`
}

// TimeoutsConfig bounds upstream calls.
type TimeoutsConfig struct {
	Connect    Duration `json:"connect,omitempty"`
	FirstByte  Duration `json:"first_byte,omitempty"`
	StreamIdle Duration `json:"stream_idle,omitempty"`
	Total      Duration `json:"total,omitempty"`
}

// RetryConfig says how often and how patiently an upstream is retried.
type RetryConfig struct {
	// Max is the number of retries after the first try, per provider (default 2; 0
	// disables retries when set explicitly).
	Max            *int     `json:"max,omitempty"`
	InitialBackoff Duration `json:"initial_backoff,omitempty"`
	MaxBackoff     Duration `json:"max_backoff,omitempty"`
	// AuthCooldown is how long a key refused with 401/403 is left out (default 60s).
	AuthCooldown Duration `json:"auth_cooldown,omitempty"`
	// RateLimitCooldown is how long a key answering 429 without Retry-After is left out
	// (default 5s).
	RateLimitCooldown Duration `json:"rate_limit_cooldown,omitempty"`
}

// AuthConfig holds the gateway keys.
type AuthConfig struct {
	Keys []GatewayKey `json:"keys,omitempty"`
	// AllowUnauthenticated permits listening on a non-loopback address without keys.
	AllowUnauthenticated bool `json:"allow_unauthenticated,omitempty"`
}

// GatewayKey is a key clients present to the gateway. Its Name is the tenant.
type GatewayKey struct {
	Name  string `json:"name"`
	Value string `json:"value"` // secret; "env.NAME" reads it from the environment
	Admin bool   `json:"admin,omitempty"`
}

// LimitsConfig bounds what one request and the whole gateway may use.
type LimitsConfig struct {
	MaxBodyBytes int `json:"max_body_bytes,omitempty"` // default 16 MiB
	// MaxInFlight caps requests being served at once; past it requests fail with 503.
	MaxInFlight int `json:"max_in_flight,omitempty"`
	MaxTokens   int `json:"max_tokens,omitempty"` // largest max_tokens accepted (default 1Mi)
	MaxN        int `json:"max_n,omitempty"`      // largest n accepted (default 128)
}

// Duration is a time.Duration written as a Go duration string ("1.5s", "250ms") or a
// number of seconds.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return errDuration
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return errDuration
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}
