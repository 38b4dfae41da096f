package gateway

import (
	"context"
	"net/http"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Plugin is a unit of the request pipeline. It implements one or more of PreHooker,
// PostHooker and ChunkHooker.
//
// Order: pre-hooks run in registration order; post-hooks run in reverse order, and only for
// plugins whose pre-hook ran (a plugin without a pre-hook counts as having run when the
// pipeline reached it). A pre-hook that returns a non-nil Reply short-circuits: later
// pre-hooks and the provider call are skipped, and the post-hooks of the plugins that ran
// still run.
//
// Isolation: an error or a panic in a hook is logged and counted, and the request goes on
// as if that hook had returned nothing.
//
// Lifetime: a *Call is pooled. A plugin must not keep it, or anything reachable from it,
// after its PostHook returns; work that outlives the request (cache stores, log records)
// copies what it needs first.
type Plugin interface {
	Name() string
}

// PreHooker runs before routing. Returning a Reply answers the request without calling a
// provider.
type PreHooker interface {
	PreHook(ctx context.Context, c *Call) (*Reply, error)
}

// PostHooker runs after the response (or the stream's end, or the error) is known, before
// the handler releases the Call. For non-streamed responses it runs before the body is
// written, so it may still add response headers; for streams it runs after the last chunk.
type PostHooker interface {
	PostHook(ctx context.Context, c *Call) error
}

// ChunkHooker sees every chunk of a stream as it is sent to the client. It must be O(size
// of the chunk) and never block; the chunk is only valid during the call.
type ChunkHooker interface {
	OnChunk(c *Call, chunk *api.ChatChunk)
}

// Reply is a pre-hook's answer that short-circuits the provider call.
type Reply struct {
	// Response answers a chat request. For a streamed request the gateway replays it as
	// chunks of the usual shape (role, content, finish reason, then usage if asked).
	Response *api.ChatResponse
	// Error answers with an error instead.
	Error *api.Error
}

// Route is an extra HTTP endpoint mounted by cmd/muninn (admin APIs, /metrics). Routes are
// off the hot path, so they are plain net/http handlers.
type Route struct {
	Method  string // "GET", "DELETE", ...; "" for any
	Path    string // exact path, or a prefix when it ends in "/"
	Handler http.Handler
	// Admin routes need a gateway key marked admin when auth keys are configured.
	Admin bool
	// Public routes need no key at all (health, metrics scraping).
	Public bool
}
