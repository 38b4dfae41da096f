// Package upstream holds what the HTTP providers (openai, anthropic) share: the HTTP
// client and its timeouts, upstream error normalisation into *api.Error (with secret
// scrubbing and Retry-After parsing), and the SSE event stream with first-event and idle
// timeouts.
//
// Transports: plain-http upstreams (local vLLM, Ollama, LM Studio, the benchmark's fake
// upstream) go through a small HTTP/1.1 transport of its own (fast.go, body.go): the
// calling goroutine writes the request and reads the answer on a pooled connection, and
// timeouts and cancellation are connection deadlines (context.AfterFunc), so there is no
// goroutine per request or per connection. It costs about a third less CPU per request
// than net/http (BenchmarkClient in the openai package). https upstreams, and every
// upstream when HTTP_PROXY is set, go through a tuned net/http Transport (TLS, HTTP/2,
// proxies). fasthttp's HostClient was measured too: about as cheap, but it cannot abort
// a request on context cancellation nor bound the gap between stream events.
//
// Contracts:
//   - No error built here ever contains the attempt's key: messages pass through Scrub
//     with the key value, and anything shaped like a credential is redacted too.
//   - Error types follow the table in Normalize; callers branch on api.Error.Type.
//
// Imports: gateway/api, gateway/provider, gateway/provider/sse, the standard library and
// fasthttp (response header parsing only).
package upstream
