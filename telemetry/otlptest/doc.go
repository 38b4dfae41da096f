// Package otlptest is an OTLP/HTTP trace receiver for tests: it decodes what an exporter
// sends (protobuf, optionally gzip) with the OpenTelemetry collector's pdata, and keeps the
// spans with their attributes, plus each request's path and headers, for assertions.
//
// It is also used as a fake Langfuse: Receiver.Requests records the auth and
// ingestion-version headers of every export.
package otlptest
