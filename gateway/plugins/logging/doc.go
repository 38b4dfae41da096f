// Package logging is the pipeline adapter of the request log: its post-hook turns a
// gateway.Call into a logstore.Record and hands it to the logstore.Batcher, which never
// blocks the request.
//
// Everything the record needs is copied out of the pooled Call before the hook returns:
// strings from headers are cloned, and the bodies are rendered into new strings by a
// small JSON writer (the log view of the chat request and response: model, parameters,
// messages), capped in size and redactable by field name; metadata headers are redactable
// by key, and a Redact hook sees the finished record.
//
// Order: register this plugin first, before the semantic cache, so that its post-hook
// runs last (post-hooks run in reverse) and also for requests a cache hit short-circuits,
// after costing and the cache filled their sections of the Call.
//
// Imports: gateway, gateway/api, logstore.
package logging
