// Package anthropic is the provider type "anthropic": Anthropic's native Messages API
// (POST {base}/v1/messages with x-api-key and anthropic-version headers), JSON and
// streamed, translated to and from the OpenAI shapes by gateway/api/anthropic.
//
// Config: BaseURL defaults to https://api.anthropic.com (a base ending in /v1 is
// accepted); APIVersion is the anthropic-version header (default 2023-06-01); Headers
// carry extras such as anthropic-beta. Models lists the configured models, else a few
// well-known ones.
//
// Behaviour: usage is normalised (prompt_tokens = input + cache read + cache creation);
// streams end with a usage-only chunk (no choices), as OpenAI streams with include_usage
// do — the gateway drops it for clients that did not ask for usage. A stream that ends
// before message_stop is a stream_truncated upstream_error; an error event is an
// *api.Error (overloaded_error is a retryable upstream_error). HTTP errors are
// normalised like the openai provider's (529 overloaded -> upstream_error, 502), and the
// key never appears in them.
//
// Imports: gateway/api, gateway/api/anthropic, gateway/provider and its sse and
// internal/upstream packages.
package anthropic
