// Package loadgen is the load benchmark's HTTP load generator: fasthttp clients that
// send a fixed request body to one target (the fake upstream directly, or the gateway in
// front of it) in three shapes.
//
//   - FixedRate is open loop: request k of the run is due at start + k/rate whatever
//     happened to the earlier ones, and its latency is measured from that scheduled time,
//     so a stalled server shows up as latency instead of silently lowering the rate
//     (no coordinated omission). The schedule is spread over Conns workers, each with at
//     most one request in flight; a worker that falls behind sends late requests at once.
//   - ClosedLoop keeps Conns requests in flight for the duration: maximum throughput.
//   - Stream (FixedRate with Target.Stream) reads SSE responses and also records the time
//     to the first body byte (TTFB), measured from the scheduled time like the latency.
//
// A Client keeps its connections across runs (warm-up, then measured slices); the
// package-level FixedRate and ClosedLoop use a fresh one.
//
// Every run returns a Result with latency histograms (package hist), counts, errors by
// kind and the achieved rate. A response is an error unless it is a 200 whose body has
// the expected marker (Target.Expect); a stream also needs "data: [DONE]".
//
// Imports: bench/internal/hist, fasthttp and the standard library.
package loadgen
