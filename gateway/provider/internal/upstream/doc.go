// Package upstream holds what the HTTP providers (openai, anthropic) share: the tuned
// HTTP client and its timeouts, upstream error normalisation into *api.Error (with secret
// scrubbing and Retry-After parsing), and the SSE event stream with first-event and idle
// timeouts.
//
// Contracts:
//   - No error built here ever contains the attempt's key: messages pass through Scrub
//     with the key value, and anything shaped like a credential is redacted too.
//   - Error types follow the table in Normalize; callers branch on api.Error.Type.
//
// Imports: gateway/api, gateway/provider/sse and the standard library.
package upstream
