// Package pricing is Muninn's offline price catalog and cost arithmetic.
//
// The catalog is embedded (pricing/data, generated from a pinned release of
// @pydantic/genai-prices) and can be overridden from configuration: per model, per
// provider, custom self-hosted models (free, or at a rate derived from GPU-hours) and a
// price sheet in LiteLLM's model_prices_and_context_window.json format. Nothing is
// downloaded at start or at run time.
//
// Imports: nothing from this module except its own sub-packages (it is a leaf).
//
// Contracts:
//   - Money is NanoUSD (int64 nano-USD), never a float. Rates are NanoUSD per million
//     tokens. Cost rounds once per request, half away from zero, to the nano-USD.
//   - Usage.InputTokens includes cached-read and cache-write tokens (the OpenAI
//     convention); Cost bills only the remainder at the input rate and the cached parts at
//     their own rates. OutputTokens includes ReasoningTokens likewise.
//   - Context tiers apply to the whole request: when the request's input tokens exceed a
//     tier's threshold, every component is billed at that tier's rates (the rule Anthropic,
//     Google, OpenAI and xAI use).
//   - An unknown model is never priced at 0: lookups report "unknown" (Quote.Known is
//     false) and Live counts them.
//   - A *Catalog is immutable and safe for concurrent use; Live swaps whole catalogs
//     atomically on reload.
package pricing
