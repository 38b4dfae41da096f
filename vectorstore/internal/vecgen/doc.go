// Package vecgen generates reproducible, clustered embedding-like vectors for the
// vector store benchmarks: uniform noise is the easy case for an ANN index, real
// sentence embeddings are not.
//
// The model: all vectors share a common direction (sentence embeddings are anisotropic:
// unrelated texts still score about 0.15), belong to one of many topics (about 0.55
// within a topic), and a share of them are close variants of an earlier vector
// (paraphrases, about 0.9), as prompts reaching a cache are. What makes one vector
// differ from another in its topic lies mostly on a limited set of shared axes with
// decaying weights, plus a little isotropic noise: real embeddings have a low intrinsic
// dimension, far below their 512 coordinates. Queries are paraphrases of stored vectors
// (similarity 0.8 to 0.97 with their source) or fresh vectors from a topic.
//
// Hard(n) keeps the same similarity levels with isotropic noise instead (intrinsic
// dimension about 512): the worst case for any graph index, reported next to the
// default one.
//
// Point(i) depends only on the seed and i, so points can be generated in parallel and
// regenerated instead of stored. Imports only the standard library.
package vecgen
