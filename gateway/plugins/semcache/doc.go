// Package semcache adapts the cache package to the gateway's plugin pipeline.
//
// Imports: gateway, gateway/api and cache (cmd/muninn wires it; the gateway never
// imports plugins).
//
// PreHook converts the chat request into a cache.Request, honours the request controls
// (x-muninn-cache: off | no-store | refresh, x-muninn-cache-ttl, x-muninn-cache-threshold
// which may only tighten, Cache-Control: no-cache / no-store), and on a hit answers with
// the stored response under a fresh id and created time and the original usage; the
// gateway replays it as SSE chunks for streamed requests. It fills Call.Cache and sets the
// response headers x-muninn-cache (hit-exact | hit-semantic | miss | bypass),
// x-muninn-cache-reason, x-muninn-cache-similarity, x-muninn-cache-id and age.
//
// PostHook stores only complete successful responses (finish reason stop or tool_calls;
// for streams, only when the stream ended normally): it encodes the response before the
// call is released and enqueues it; the cache writes it asynchronously.
//
// Routes are the admin endpoints GET /api/cache/stats and DELETE /api/cache.
package semcache
