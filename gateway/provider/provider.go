package provider

import (
	"context"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Provider is one configured upstream.
type Provider interface {
	// Name is the configured provider name ("openai", "groq", "my-vllm").
	Name() string
	// Chat sends a non-streamed chat completion. req.Model is already the upstream model
	// name (at.Model); req.Fallbacks is empty.
	Chat(ctx context.Context, at *Attempt, req *api.ChatRequest) (*api.ChatResponse, error)
}

// Streamer is implemented by providers that can stream chat completions.
type Streamer interface {
	// ChatStream starts a streamed chat completion. It returns only once the upstream has
	// accepted the request (status 2xx received), so an error here is still retryable:
	// nothing has reached the client yet.
	ChatStream(ctx context.Context, at *Attempt, req *api.ChatRequest) (ChatStream, error)
}

// ChatStream yields the chunks of a streamed completion, already in OpenAI shape.
type ChatStream interface {
	// Next returns the next chunk, or io.EOF after the last one. The returned chunk is
	// owned by the caller until the next call to Next.
	Next() (*api.ChatChunk, error)
	// Close releases the upstream connection; safe to call more than once.
	Close() error
}

// Embedder is implemented by providers that serve embeddings.
type Embedder interface {
	Embed(ctx context.Context, at *Attempt, req *api.EmbeddingRequest) (*api.EmbeddingResponse, error)
}

// Completer is implemented by providers that serve the legacy completions endpoint. The
// response is passed through as raw JSON (or raw SSE data payloads when streaming).
type Completer interface {
	Complete(ctx context.Context, at *Attempt, req *api.CompletionRequest) ([]byte, error)
	CompleteStream(ctx context.Context, at *Attempt, req *api.CompletionRequest) (RawStream, error)
}

// RawStream yields the data payloads of an upstream SSE stream unchanged (without the
// "data: " prefix and without the final [DONE]).
type RawStream interface {
	Next() ([]byte, error) // io.EOF at the end
	Close() error
}

// Lister is implemented by providers that can say which models they serve (configured or
// preset). The gateway merges these into GET /v1/models.
type Lister interface {
	Models() []string
}

// Key is one credential of a provider. Value is a secret: it is only ever put on the
// upstream request, never in a log, trace, metric or error.
type Key struct {
	Name  string
	Value string
}

// Attempt is what the router decided for one try against one provider.
type Attempt struct {
	Model string // upstream model name, e.g. "gpt-4o-mini" or an Azure deployment's model
	Key   Key
	// Headers are per-request headers to pass upstream (traceparent, tracestate, ...),
	// as lower-case name/value pairs.
	Headers [][2]string
}

// Timeouts bound an upstream call. Zero means the default of the gateway config.
type Timeouts struct {
	Connect    time.Duration // TCP+TLS connect
	FirstByte  time.Duration // request written -> response headers (and first SSE event)
	StreamIdle time.Duration // longest gap between two SSE events
	Total      time.Duration // whole call, non-streamed; streams are bounded by StreamIdle
}

// Config configures one provider. It is decoded by the gateway config and handed to the
// provider type's Factory.
type Config struct {
	Name    string // the configured name
	Type    string // the registered type ("openai", "anthropic", ...)
	Preset  string // for type "openai": the preset ("openai", "azure", "groq", "ollama", ...)
	BaseURL string
	// Headers are extra headers sent on every upstream request.
	Headers map[string]string
	// APIVersion is Azure OpenAI's api-version, or Anthropic's anthropic-version.
	APIVersion string
	// Deployments maps model names to Azure deployment names.
	Deployments map[string]string
	// Models are the models this provider is configured to serve (may be empty).
	Models   []string
	Timeouts Timeouts
	// MaxConns bounds open connections to the upstream (0: the provider's default).
	MaxConns int
}
