// Package metrics is the pipeline adapter that records each request in the Prometheus
// registry of package telemetry: requests, errors by type, durations, time to first chunk,
// tokens, cost, upstream attempts, and the cache's decisions, savings and timings.
//
// Its labels come only from bounded values: endpoint, provider, the resolved model (only
// routable models get that far), status class, cache result/tier/reason, and the tenant
// when enabled. Cache reasons outside a short identifier shape are folded into "other", so
// a misbehaving reason string cannot grow the series count.
//
// Imports: gateway (the plugin contract) and telemetry.
package metrics
