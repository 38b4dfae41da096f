// Package providertest is a scriptable fake LLM upstream on a loopback port, for the
// providers' tests, the gateway's end-to-end tests, the semantic cache tests and the load
// benchmark.
//
// It speaks the OpenAI-compatible API (POST .../chat/completions, .../completions,
// .../embeddings, GET .../models; any path prefix, so Azure's
// /openai/deployments/{dep}/chat/completions works too) and Anthropic's POST .../messages.
//
//	s := providertest.New(t)                 // closed by t.Cleanup
//	s.Script(providertest.Step{Status: 429, Header: map[string]string{"Retry-After": "2"},
//		Body: `{"error":{"message":"slow down","type":"rate_limit_error"}}`})
//	// ... point a provider at s.URL() ...
//	reqs := s.Requests()                     // what the upstream received
//
// Behaviour:
//   - Scripted steps are consumed one per request, in order; a step with Path or Model set
//     is only consumed by a request whose path ends with Path / whose model is Model.
//   - With no matching step, the SetDefault step is used (not consumed); without one, the
//     built-in reply: OpenAI chat answers "echo: <last user message>" with usage counted in
//     words (prompt: words of every message; completion: words of the answer), streamed as
//     a role chunk, one chunk per word, a finish chunk, a usage chunk when
//     stream_options.include_usage is set, then [DONE]. Embeddings are deterministic unit
//     vectors (16 dimensions, or the request's "dimensions") derived from the text.
//     Anthropic /messages answers the same text in Anthropic's JSON or SSE event shape.
//   - A step with no Status, Body or Chunks keeps the built-in reply but applies its
//     Delay, ChunkDelay and Header: Step{Delay: 50 * time.Millisecond} is a slow echo.
//   - Chunks are SSE payloads written as "data: <chunk>\n\n"; a chunk that already starts
//     with "data:", "event:", "id:", "retry:" or ":" is written verbatim (adding "\n\n" if it
//     does not end in a newline). Nothing is appended: add "[DONE]" yourself.
//   - CloseAfterChunks > 0 cuts the connection after that many chunks (no terminator);
//     Hang holds the request without answering until the client goes away or Close.
//
// The built-in path is allocation-light: the load benchmark uses it as the upstream, so
// it must cost much less than the gateway in front of it. Recording can be switched off
// with SetRecording(false) for long runs.
//
// Conformance(t, newProvider) is the suite every HTTP provider runs against the fake
// (chat, stream, error normalisation, key scrubbing, truncation, cancellation).
//
// Imports: gateway/api and gateway/provider (for Conformance), the standard library and
// fasthttp.
package providertest
