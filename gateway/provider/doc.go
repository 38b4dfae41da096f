// Package provider defines what an LLM provider is to the gateway, and a registry of
// provider types by name, in the manner of database/sql drivers:
//
//	import _ "github.com/muninn-gw/muninn/gateway/provider/openai" // registers "openai"
//	p, err := provider.New(provider.Config{Name: "groq", Type: "openai", BaseURL: ...})
//
// A Provider is one configured upstream (base URL, headers, timeouts). The router picks the
// key and the upstream model name for each attempt and passes them in an Attempt, so one
// Provider serves every key and model of its upstream.
//
// Optional capabilities are optional interfaces found by type assertion: Streamer,
// Embedder, Completer.
//
// Errors: every method returns either nil or an *api.Error whose Type is one of the stable
// api.Err* types and whose Status/UpstreamStatus/RetryAfter let the router decide about
// retries, cooldowns and fallbacks. An Error's Message never contains a key.
//
// Imports: gateway/api only (plus the standard library and the HTTP client).
package provider
