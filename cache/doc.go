// Package cache is Muninn's response cache: an exact tier and a semantic tier in front of
// the providers.
//
// Imports: vectorstore and cache/embed only (internal/archtest enforces it). The cache
// knows nothing of HTTP or of the gateway's wire types: gateway/plugins/semcache converts
// a chat request into a Request and a response into StoreInput bytes.
//
// # Tiers
//
// The exact tier maps the hash of the canonical request (tenant, model, every sampling
// parameter, tools, response format, all messages) to the stored response. Canonical
// means byte-identical requests always hash the same: parameters are sorted by name, JSON
// values are re-encoded with sorted keys and normalised numbers, floats hashed in their
// shortest form. It is an in-memory map bounded by entries and bytes (least recently hit
// entries are evicted, by sampling) and, with Config.DataDir, mirrored to a checksummed
// append-only journal so a restart keeps a warm cache.
//
// The semantic tier embeds only the last user message and searches only within a scope
// that must match exactly: tenant, model, sampling parameters and tools, system prompt,
// earlier turns, and the embedding model. Each scope is its own vector store namespace,
// so a search can never return another tenant's or another conversation's entry, and a
// shared system prompt never dominates the vector. A candidate is served when its cosine
// similarity reaches the threshold (Config.Threshold, per-model overrides, a per-request
// value may only raise it) and it passes the checks of Verdict: the near-miss check
// (Features, Mismatch: numbers, quoted strings, negation, named entities, units, direction
// and antonyms, time words, output formats and the opening question word must agree,
// because embeddings of short prompts barely move when one of them changes; two words or
// two spans swapping places is a direction change; one or two words replaced in place by
// words that are not synonyms, or a how-to question about another task, is a different
// thing asked; words added with nothing else changed narrow the question; synonyms and
// antonyms come from a word list and from an embedded WordNet extract,
// cache/internal/wordnet) and, below a cosine of
// LexicalBand, lexical support (the prompts share more than half of the shorter one's
// content words).
// Only the most similar live candidate may be served: when it is rejected the lookup
// misses rather than falling through to a less similar entry.
//
// # Guards
//
// Semantic matching is skipped (the exact tier still applies) for n > 1, temperature >
// 0, conversations with tool calls or results, a last message that is not from the user
// or carries images, empty prompts, prompts past the embedder's window or
// Guards.MaxPromptChars, and text the embedder reports it cannot read
// (embed.CoverageChecker), and when every request-path embedding slot is busy
// (MaxConcurrentEmbeds: under overload the cache degrades to exact matching). Each guard
// can be opted out of in Guards and is counted in Stats. A scope with no semantic entry
// yet is not searched at all, so new conversations cost no embedding at lookup.
//
// # Writes
//
// Lookup never writes. Store enqueues a complete response on a bounded queue and returns;
// workers (GOMAXPROCS by default) take up to 16 queued stores at a time, write their exact
// tier first (waking identical requests that waited: the first miss on a key leads, others
// wait up to FlightWait instead of calling upstream), then embed in one batch the prompts
// the lookup did not embed and upsert the vectors with the entries' expiry. A lookup
// embeds at most once, and only when its scope holds entries to search; the store reuses
// that vector, so every stored miss costs exactly one embedding, on the request path only
// when a search needs it.
// Expired entries are swept every SweepPeriod from both tiers.
//
// # Replicas
//
// With a vector store other processes share (Config.SharedStore; unset means every store
// but one reporting ProcessLocal), a point's payload carries the whole entry, and a
// lookup serves entries other processes stored: the exact key through vectorstore.Getter
// on a local exact miss, a paraphrase through search (an empty local scope is searched
// too), rebuilt from the payload, checked like a local entry and kept locally. Entries
// evicted for room stay in the shared store; deleted and expired ones are removed from it.
package cache
