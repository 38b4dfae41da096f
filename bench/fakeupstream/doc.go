// Package main, the fakeupstream command, is the load benchmark's fake OpenAI-compatible upstream, run as its
// own process so that the gateway's CPU and memory can be measured alone.
//
//	fakeupstream [-listen 127.0.0.1:0] [-mode providertest|minimal]
//
// It prints "listening on http://ADDR" on stdout once it accepts connections and runs
// until SIGTERM or SIGINT.
//
// Modes:
//   - providertest (default): the shared fake upstream of Muninn's tests
//     (gateway/provider/providertest) with request recording off. Chat completions answer
//     "echo: <last user message>"; a stream is a role chunk, one chunk per word of the
//     answer, a finish chunk, a usage chunk when asked, then [DONE].
//   - minimal: canned answers without parsing the request, for when the upstream must
//     cost next to nothing. POST .../chat/completions answers a fixed completion, or,
//     when the body holds "stream":true, 20 SSE chunks (role, 18 words, finish) and
//     [DONE]. Everything else is a 404.
//
// Imports: gateway/provider/providertest, fasthttp and the standard library.
package main
