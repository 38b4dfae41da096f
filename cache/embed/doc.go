// Package embed defines what the semantic cache needs from a sentence embedder, and the
// small vector helpers every embedder shares.
//
// Implementations live in sub-packages:
//
//   - uselite: the built-in offline encoder (Universal Sentence Encoder Lite, 512-d,
//     English), pure Go, weights inside the binary; also a CoverageChecker.
//   - remote: any OpenAI-compatible POST /v1/embeddings endpoint (OpenAI
//     text-embedding-3-*, Ollama, vLLM, text-embeddings-inference).
//   - embedtest: the conformance suite both pass, which is what makes them
//     interchangeable.
//
// Contracts (on the types): Embed returns one L2-normalised vector of Dim() floats per
// input text, in input order, or an error and no vectors; Model() names the vector space,
// and vectors of different models are never compared; implementations are safe for
// concurrent use. Errors never contain credentials.
//
// Imports: nothing internal (a leaf); sub-packages import this package and their own
// internal packages only.
package embed
