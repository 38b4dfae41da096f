// Package telemetry sets up Muninn's exported observability: OTLP/HTTP traces (for
// Langfuse or any OpenTelemetry collector) and the Prometheus registry served on /metrics.
//
// It knows nothing of the gateway's types: gateway/plugins/tracing and
// gateway/plugins/metrics map a request onto spans and samples; this package owns the
// exporter, the sampler, span-id control, the metric definitions and their label sets.
//
// Imports: no package of this module (it stays a leaf; the archtest also allows
// gateway/api, pricing and logstore should it ever need their types).
//
// Contracts:
//   - Exporting never blocks a request: spans go to a bounded batch queue that drops when
//     full; export failures are counted (ExportFailures) and logged at most once per
//     interval; retries are bounded in time (RetryMaxElapsed), never forever.
//   - Metric labels are bounded by construction: provider, model (only routable models
//     reach a label), endpoint, status class, cache result and tier, guard reasons, and the
//     tenant only when enabled (tenants are the configured gateway keys). Never a request
//     id, user, session or free text.
package telemetry
