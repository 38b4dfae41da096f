// Package cacheeval measures the semantic cache on a labelled, hand-written set of
// prompts (data/): anchors, paraphrases that must hit them, near-misses tagged by kind
// that must not, unrelated prompts, and a Korean part.
//
// Imports: cache, cache/embed (the built-in embedder) and vectorstore (the built-in
// store), as the cache package's rule allows.
//
// The set has two parts: the tuning set (data/*.txt), split in two folds by a hash of
// each group's id (Half("tune-a"), Half("tune-b")) so a change developed on one can be
// checked on the other, and the held-out set (data/heldout), written later, committed
// before it was first scored and used only for the published figures (Half("report")).
// Collect runs every prompt once through a real cache, recording the candidates and the
// cache's own verdicts (cache.Verdict); Score then evaluates any threshold without
// embedding again, serving only the best candidate as the cache does. Choose and
// ChooseFallback pick the threshold from the tuning set and its folds. Main is the
// `muninn eval-cache` command.
package cacheeval
