// Package tracing is the pipeline adapter that turns each request into OTLP spans with the
// OpenTelemetry GenAI conventions and Langfuse's attributes.
//
// Shape of a trace: one SERVER span per request (named "{operation} {model}", Langfuse
// observation type generation, carrying the whole request's input, output, usage and
// cost), with children: a "cache lookup" span (and its "embedding" child) when the cache
// looked at the request, and one CLIENT span per upstream attempt (observation type span,
// so Langfuse does not count usage twice).
//
// Spans are built after the fact in PostHook from the Call's timestamps, so the request
// path only pays for choosing ids in PreHook. The server span's id is chosen up front and
// sent upstream in traceparent, so the provider's own spans (if any) join the trace under
// the gateway's server span. A client traceparent makes the server span its child, keeping
// the caller's trace id.
//
// Imports: gateway (the plugin contract) and telemetry.
package tracing
