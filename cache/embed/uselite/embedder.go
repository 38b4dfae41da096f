package uselite

import (
	"context"
	"fmt"
	"sync"

	"github.com/muninn-gw/muninn/cache/embed"
)

// ModelID is the model name of the built-in encoder, as routed on /v1/embeddings and as
// the cache scopes vectors by.
const ModelID = "muninn/use-lite"

// maxBatchRows bounds the tokens of one forward pass (scratch is about 20 KB per row), so a
// large request is split into several passes with bounded memory and a context check
// between them. 256 rows already amortise the weight traffic fully.
const maxBatchRows = 256

// Embedder is the built-in offline sentence encoder. It is safe for concurrent use; each
// call borrows pooled scratch buffers, so steady-state embedding does not allocate beyond
// the returned vectors.
type Embedder struct {
	m       *model
	pool    sync.Pool // *scratch
	maxRows int       // tokens per forward pass, maxBatchRows except in tests
}

var (
	defaultOnce sync.Once
	defaultEmb  *Embedder
	defaultErr  error
)

// Default returns the process-wide encoder, loading the embedded weights on first use
// (about 60 ms and 40 MB resident).
func Default() (*Embedder, error) {
	defaultOnce.Do(func() { defaultEmb, defaultErr = New() })
	return defaultEmb, defaultErr
}

// New loads a new encoder from the weights embedded in the binary.
func New() (*Embedder, error) { return Load(weights) }

// Load loads an encoder from a weights file in the format written by
// cache/embed/internal/convert.
func Load(data []byte) (*Embedder, error) {
	m, err := loadModel(data)
	if err != nil {
		return nil, fmt.Errorf("use-lite: %w", err)
	}
	e := &Embedder{m: m, maxRows: maxBatchRows}
	e.pool.New = func() any { return new(scratch) }
	return e, nil
}

// Model returns ModelID.
func (e *Embedder) Model() string { return ModelID }

// Dim returns 512.
func (e *Embedder) Dim() int { return Dim }

// MaxTokens is the model's window; tokens past it are ignored.
func (e *Embedder) MaxTokens() int { return e.m.maxTokens }

// Tokenize returns the token ids of text, including those past the window.
func (e *Embedder) Tokenize(text string) []int32 { return e.m.tok.Encode(text) }

// CountTokens returns the number of tokens the model processes for text (at most
// MaxTokens), for usage accounting.
func (e *Embedder) CountTokens(text string) int {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	return min(len(e.m.tok.encode(&s.tok, text)), e.m.maxTokens)
}

// Embed returns one unit vector per text. An empty text gets the vector of an empty
// sentence (the model's bias direction), as the reference does for an empty row of a batch.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	backing := make([]float32, len(texts)*Dim)
	for i := range out {
		out[i] = backing[i*Dim : (i+1)*Dim : (i+1)*Dim]
	}
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	for start := 0; start < len(texts); {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("use-lite: %w", err)
		}
		s.ids = s.ids[:0]
		s.segs = s.segs[:0]
		end := start
		for end < len(texts) {
			ids := e.m.tok.encode(&s.tok, texts[end])
			if len(ids) > e.m.maxTokens {
				ids = ids[:e.m.maxTokens]
			}
			if end > start && len(s.ids)+len(ids) > e.maxRows {
				break
			}
			s.segs = append(s.segs, segment{start: len(s.ids), n: len(ids)})
			s.ids = append(s.ids, ids...)
			end++
		}
		e.m.forward(s, out[start:end])
		start = end
	}
	return out, nil
}

var (
	_ embed.Embedder        = (*Embedder)(nil)
	_ embed.CoverageChecker = (*Embedder)(nil)
)
