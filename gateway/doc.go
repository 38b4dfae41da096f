// Package gateway is Muninn's HTTP front: the OpenAI-compatible endpoints, the Anthropic
// Messages front, request decoding and validation, the plugin pipeline, model routing with
// weighted keys, retries and fallbacks, overload control, and OpenAI-shaped errors.
//
// Imports: gateway/api and gateway/provider (never gateway/plugins: cmd/muninn wires
// plugins in), plus gateway/api/anthropic for the Messages front.
//
// Files, in request order: server.go (Server, Options, Serve, Shutdown, Reload),
// routes.go (dispatch, /v1/models, health), auth.go, decode.go (body checks and
// validation), fastdecode*.go (reflection-free decoding of the common chat request,
// falling back to encoding/json for anything else), exchange.go (the pooled per-request state), chat.go, stream.go and
// assemble.go (SSE out, stream assembly, replay of short-circuit replies), chunkjson.go
// and respjson.go (reflection-free encoders of the common answers), embeddings.go,
// completions.go, anthropic.go, pipeline.go (hooks), router.go (model resolution),
// retry.go (attempts, backoff, fallbacks), keys.go (weighted keys, cool-downs),
// limits.go (per-provider queues, global cap), clientwatch*.go (disconnects), errors.go,
// config*.go.
//
// Contracts:
//   - Plugin (hook order, short-circuit, isolation, lifetime) and Call (the record of one
//     request that plugins read and annotate), in plugin.go and call.go.
//   - Every error a client sees is an api.Error encoded as {"error":{...}} with a stable
//     type; errors that are not api.Errors never carry their text to the client.
//   - Routing: "provider/model" (a repeated provider prefix is tolerated), then configured
//     models, the ModelCatalog, then default_provider; aliases apply first. Fallbacks come
//     from the request ("fallbacks" in the body or the x-muninn-fallbacks header), else from
//     the config for the model as requested or as provider/model.
//   - Retries happen only before the first byte reaches the client: connect errors,
//     timeouts, 429 and 5xx are retried on the same provider with capped exponential
//     backoff and jitter (Retry-After honoured up to max_backoff), then the next fallback;
//     401/403 cool the key down and move to another key; other 4xx answers end the call.
//   - Streams: the first chunk is read before the response starts, so failures up to it
//     are retried. Upstreams are always asked for usage; the usage chunk is forwarded only
//     when the client set stream_options.include_usage. After the stream, Call.Response is
//     assembled from the chunks and the post-hooks run.
//   - Stream chunks are encoded without reflection (chunkjson.go, byte-identical to
//     encoding/json); the first is written to the client at once (in the same write as
//     the response header), each next one too unless the provider's stream reports the
//     next chunk already received (an optional Buffered() bool method), so bursts leave
//     in one write. The body is written by fasthttp calling the exchange's WriteTo in the
//     connection's goroutine (stream.go streamBody), without a goroutine and pipe per
//     stream; fasthttp's Close of that body ends the exchange.
//   - Cancellation: a client that leaves cancels its upstream call. While the gateway
//     waits for the upstream (before any byte of the answer is written) a watcher, armed
//     only once a call has run for 200ms, peeks at the client's socket (MSG_PEEK, nothing
//     consumed) and cancels on EOF or reset; once a stream is flowing, the failed write
//     of the next chunk cancels it. Shutdown past its deadline cancels every upstream
//     call. (A client that half-closes its socket after a pipelined request is taken for
//     gone; HTTP clients do not do that.)
//   - Reload swaps an immutable routing table (providers, keys, aliases, fallbacks, auth
//     keys) atomically; requests in flight finish on the table they started with. Key
//     cool-downs and provider in-flight counts start afresh in the new table.
package gateway
