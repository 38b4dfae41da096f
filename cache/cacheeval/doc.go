// Package cacheeval measures the semantic cache on a labelled, hand-written set of
// prompts (data/): anchors, paraphrases that must hit them, near-misses tagged by kind
// that must not, unrelated prompts, and a Korean part.
//
// Imports: cache, cache/embed (the built-in embedder) and vectorstore (the built-in
// store), as the cache package's rule allows.
//
// The set is split deterministically into a tuning half and a report half (by a hash of
// each group's id), and the tuning half again into two cross-validation quarters
// (Half("tune-a"), Half("tune-b")) so a change developed on one can be checked on the
// other without reading the report half. Collect runs every prompt once through a real
// cache, recording the candidates and the cache's own verdicts (cache.Verdict); Score
// then evaluates any threshold without embedding again, serving only the best candidate
// as the cache does. Choose picks the threshold from the tuning half and its quarters;
// the report half gives the published figures. Main is the `muninn eval-cache` command.
package cacheeval
