// Package gateway is Muninn's HTTP front: the OpenAI-compatible endpoints, the Anthropic
// Messages front, request decoding and validation, the plugin pipeline, model routing with
// weighted keys, retries and fallbacks, overload control, and OpenAI-shaped errors.
//
// Imports: gateway/api and gateway/provider (never gateway/plugins: cmd/muninn wires
// plugins in).
//
// Contracts: see Plugin (hook order, short-circuit, isolation, lifetime) and Call (the
// record of one request that plugins read and annotate).
package gateway
