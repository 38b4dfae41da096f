// Package costing is the pipeline adapter of the pricing package: it prices every
// response from its usage into Call.Cost, tells the client what the request cost in the
// x-muninn-cost-usd response header, and on cache hits records what the hit saved.
//
// Imports: gateway, gateway/api and pricing.
//
// Contracts:
//   - Register it after the plugins whose post-hooks read Call.Cost (logging, metrics,
//     tracing) and before the semantic cache: post-hooks run in reverse order, and its
//     no-op pre-hook must run before a cache hit short-circuits, so that its post-hook
//     runs for hits too.
//   - Call.Cost.Known false means "unknown" (no price for the model, or no usage for a
//     request that may have been billed), never "free". Unknown models are counted by
//     pricing.Live.Unknown.
//   - A cache hit cost nothing upstream: Cost.NanoUSD is 0 and Known, and
//     Cost.SavedNanoUSD is the price of the usage of the response that filled the entry.
//   - Headers are set on non-streamed responses only (a stream's headers are sent before
//     its usage is known).
package costing
