package embed

import "context"

// Embedder turns texts into unit-length vectors. Implementations are safe for concurrent
// use.
type Embedder interface {
	// Embed returns one L2-normalised vector of length Dim() per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model identifies the model (e.g. "muninn/use-lite", "openai/text-embedding-3-small").
	// Vectors from different models must never be compared: the cache scopes by it.
	Model() string
	// Dim is the length of every vector.
	Dim() int
}

// Coverage says how well an embedder can represent one text.
type Coverage struct {
	// Supported is false when the model is blind to the text (a script its vocabulary
	// does not cover, mostly unknown pieces) and semantic matching must not be used.
	Supported bool
	// Reason says why not, in a few words ("unknown script", "truncated", ...).
	Reason string
	// Tokens is the number of model tokens; Truncated is true when it exceeds the window.
	Tokens    int
	Truncated bool
	// UnknownRatio is the fraction of the text the vocabulary does not know (for the
	// built-in model: non-space characters that became unknown tokens).
	UnknownRatio float64
}

// CoverageChecker is implemented by embedders that can say, per text, whether their
// vectors are meaningful for it.
type CoverageChecker interface {
	Coverage(text string) Coverage
}
