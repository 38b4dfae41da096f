// Package remote is an Embedder that calls an OpenAI-compatible POST /v1/embeddings
// endpoint: OpenAI (text-embedding-3-small/large, ada-002), Azure-style gateways, Ollama,
// vLLM, Hugging Face text-embeddings-inference, or another Muninn.
//
//	e, err := remote.New(remote.Config{
//		BaseURL: "https://api.openai.com/v1", APIKey: key,
//		Model: "text-embedding-3-small", Dimensions: 512,
//	})
//
// Behaviour: texts are sent in batches of Config.BatchSize; each request has its own
// timeout; 429, 5xx and connection failures are retried with capped exponential backoff
// (with jitter) that honours Retry-After; vectors are put back in input order by their
// "index", checked for dimension and finiteness, and L2-normalised (so the cache can use
// cosine similarity whatever the upstream returns). `dimensions` is sent only when
// Config.Dimensions is set.
//
// Errors are *Error values (with the upstream status) wrapped with context. The API key
// is sent only in the Authorization header and is redacted from every error, including
// upstream messages that echo it.
//
// Imports: cache/embed and the standard library.
package remote
