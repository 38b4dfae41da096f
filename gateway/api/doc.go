// Package api holds the OpenAI-compatible wire types that every part of Muninn speaks:
// chat completions (JSON and stream chunks), legacy completions, embeddings, models and
// errors.
//
// It is a leaf: it imports nothing from this module. Providers translate their native
// shapes to and from these types; the gateway decodes client requests into them; plugins
// read them.
//
// Contracts:
//   - Fields this package does not name are kept in Extra and written back unchanged, so
//     vendor extensions (logprobs options, reasoning_effort, modalities, ...) pass through
//     a round trip intact. Extra keys are written in sorted order.
//   - Optional scalars are pointers so that "absent" and "zero" stay distinct (a request
//     with temperature 0 is not a request without temperature).
//   - Error is the one error type a client ever sees; its Type is one of the stable
//     constants in errors.go.
package api
