// Package openai is the provider type "openai": one implementation for every
// OpenAI-compatible upstream (OpenAI, Azure OpenAI, Groq, Mistral, DeepSeek, Together,
// Fireworks, OpenRouter, xAI, Gemini's OpenAI endpoint, Ollama, vLLM, LM Studio,
// llama.cpp, Perplexity, Cerebras, SambaNova, NVIDIA NIM).
//
// Presets give each upstream its default base URL, auth style and a few well-known models
// (Presets lists them). The preset is chosen by provider.Config.Preset, else by the
// config's Type when it names a preset, else by its Name ("groq" needs no type nor
// preset), else "generic" when a base URL is given, else "openai". Every preset name is
// also registered as a provider type, so the gateway can default a provider's type to its
// name with provider.Types().
//
// Base URLs include the API root ("https://api.openai.com/v1"); a base URL with no path
// ("http://127.0.0.1:8000") gets "/v1" appended (except presets marked KeepPath).
// Azure OpenAI: base_url is the resource URL; requests go to
// {base}/openai/deployments/{deployment}/chat/completions?api-version=V with an api-key
// header, the deployment being Config.Deployments[model] or the model name itself; a base
// URL ending in /openai/v1 uses Azure's OpenAI-style v1 paths instead.
//
// Behaviour:
//   - Requests are re-encoded from the api types, so unknown fields (Extra) pass through
//     unchanged; the model is the Attempt's; Muninn's "fallbacks" is never sent.
//     Attempt.Headers (traceparent, ...) and Config.Headers are sent upstream.
//   - Streams always ask for the usage chunk when the preset supports it (costs and logs
//     need the usage); the gateway drops that chunk for clients that did not ask.
//     A stream that ends without [DONE] but after a finish_reason ends cleanly; one that
//     ends before is a stream_truncated upstream_error.
//   - Embeddings are always requested as floats and returned ordered by index.
//   - Legacy completions are passed through raw.
//   - Errors are *api.Error, normalised as documented on upstream.Normalize; the attempt's
//     key never appears in them.
//   - Timeouts (provider.Timeouts): connect, first byte (response headers and, for
//     streams, the first event), stream idle (gap between events), total (non-streamed).
//
// HTTP client: see gateway/provider/internal/upstream. Plain-http upstreams use its
// own HTTP/1.1 transport (no goroutine hand-off; deadlines for timeouts and
// cancellation), https ones a tuned net/http Transport.
//
// Hot path, each step with an encoding/json fallback and held to encoding/json by table
// and fuzz tests:
//   - stream chunks and chat responses of the common shape are decoded by hand scanners
//     (chunkscan.go, respscan.go); any other shape goes through mirror structs when every
//     member is a known one (fastdecode.go), else the api types (FuzzFastDecode);
//   - the usual request (text messages, no tools, no raw members) is encoded by hand
//     (reqjson.go), byte for byte what json.Marshal writes (FuzzAppendRequest);
//   - streams report Buffered (the next event already received) so that the gateway can
//     write a burst of chunks at once.
//
// Imports: gateway/api, gateway/provider and its sse and internal/upstream packages.
package openai
