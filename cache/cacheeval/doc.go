// Package cacheeval measures the semantic cache on a labelled, hand-written set of
// prompts (data/): anchors, paraphrases that must hit them, near-misses tagged by kind
// that must not, unrelated prompts, and a Korean part.
//
// Imports: cache, cache/embed (the built-in embedder) and vectorstore (the built-in
// store), as the cache package's rule allows.
//
// The set has five parts, each written by people who had seen neither the checks nor any
// score and committed before it was first scored: version 2 (data/*.txt), v3, v4 and v5
// (data/v3 … data/v5) form the tuning set, and are its cross-validation folds (Folds;
// Half("tune-a") … Half("tune-d")), so a change developed on one can be checked on the
// others; v6 (data/v6), the held-out set, is used only for the published figures
// (Half("report")).
// Collect runs every prompt once through a real cache, recording the candidates and the
// cache's own verdicts (cache.Verdict); Score then evaluates any threshold without
// embedding again, serving only the best candidate as the cache does. Choose and
// ChooseFallback pick the threshold from the tuning set and its folds. Main is the
// `muninn eval-cache` command.
package cacheeval
