package uselite

import (
	"fmt"
	"math"

	"github.com/muninn-gw/muninn/cache/embed/internal/asset"
	"github.com/muninn-gw/muninn/cache/embed/internal/gemm"
)

// Model dimensions (checked against the weights file at load).
const (
	vocabRows = 8002
	embedDim  = 256 // token embedding width and layer 0's input width
	modelDim  = 512 // width after layer 0 and of the output
	ffnDim    = 1536
	numHeads  = 4
	// Dim is the length of every output vector.
	Dim = modelDim
)

// layer holds one transformer layer's weights.
type layer struct {
	in, heads, headDim int
	ln1Scale, ln1Bias  []float32
	residual           *gemm.Matrix // layer 0 only: in -> modelDim projection of the input
	residualBias       []float32
	qkv                *gemm.Matrix
	qkvBias            []float32
	out                *gemm.Matrix
	outBias            []float32
	ln2Scale, ln2Bias  []float32
	ffn1, ffn2         *gemm.Matrix
	ffn1Bias, ffn2Bias []float32
	queryScale         float32
}

// model is the loaded network; read-only after load.
type model struct {
	embeddings []float32 // vocabRows × embedDim
	timing     []float32 // maxTokens × embedDim sinusoidal signal
	layers     [2]layer
	pool       *gemm.Matrix
	poolBias   []float32
	eps        float32 // layer norm
	l2eps      float32
	maxTokens  int
	tok        *Tokenizer
}

func loadModel(data []byte) (*model, error) {
	f, err := asset.Read(data)
	if err != nil {
		return nil, err
	}
	var firstErr error
	get := func(name string, shape ...int) []float32 {
		t, err := f.Tensor(name, shape...)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return t
	}
	pack := func(name string, k, n int) *gemm.Matrix {
		w := get(name, k, n)
		if w == nil {
			return nil
		}
		m, err := gemm.Pack(w, k, n)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", name, err)
		}
		return m
	}
	konst := func(name string) float64 {
		v, err := f.Const(name)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	}

	m := &model{
		embeddings: get("embeddings", vocabRows, embedDim),
		eps:        float32(konst("layer_norm.epsilon")),
		l2eps:      float32(konst("l2.epsilon")),
		maxTokens:  int(konst("max_tokens")),
		pool:       pack("pool.kernel", modelDim, modelDim),
		poolBias:   get("pool.bias", modelDim),
	}
	heads := int(konst("heads"))
	for i := range m.layers {
		in := embedDim
		if i == 1 {
			in = modelDim
		}
		p := fmt.Sprintf("l%d.", i)
		l := &m.layers[i]
		l.in, l.heads, l.headDim = in, heads, in/max(heads, 1)
		l.ln1Scale, l.ln1Bias = get(p+"ln1.scale", in), get(p+"ln1.bias", in)
		if in != modelDim {
			l.residual = pack(p+"residual.kernel", in, modelDim)
			l.residualBias = get(p+"residual.bias", modelDim)
		}
		l.qkv, l.qkvBias = pack(p+"qkv.kernel", in, 3*in), get(p+"qkv.bias", 3*in)
		l.out, l.outBias = pack(p+"out.kernel", in, modelDim), get(p+"out.bias", modelDim)
		l.ln2Scale, l.ln2Bias = get(p+"ln2.scale", modelDim), get(p+"ln2.bias", modelDim)
		l.ffn1, l.ffn1Bias = pack(p+"ffn1.kernel", modelDim, ffnDim), get(p+"ffn1.bias", ffnDim)
		l.ffn2, l.ffn2Bias = pack(p+"ffn2.kernel", ffnDim, modelDim), get(p+"ffn2.bias", modelDim)
		l.queryScale = float32(konst(p + "query_scale"))
	}
	inv := get("timing.inv_timescales", embedDim/2)
	if firstErr != nil {
		return nil, fmt.Errorf("load model weights: %w", firstErr)
	}
	if heads != numHeads || m.maxTokens <= 0 || m.maxTokens > 4096 {
		return nil, fmt.Errorf("load model weights: unexpected heads %d or window %d", heads, m.maxTokens)
	}
	// Timing signal: sin(pos·inv) for the first half, cos for the second, computed like the
	// graph (float32 product, then sin/cos).
	half := embedDim / 2
	m.timing = make([]float32, m.maxTokens*embedDim)
	for pos := 0; pos < m.maxTokens; pos++ {
		row := m.timing[pos*embedDim : (pos+1)*embedDim]
		for i := 0; i < half; i++ {
			x := float64(float32(pos) * inv[i])
			row[i] = float32(math.Sin(x))
			row[half+i] = float32(math.Cos(x))
		}
	}
	voc, err := f.Vocab()
	if err != nil {
		return nil, fmt.Errorf("load vocabulary: %w", err)
	}
	pieces := make([]string, len(voc))
	scores := make([]float64, len(voc))
	for i, p := range voc {
		pieces[i], scores[i] = p.Text, p.Score
	}
	if len(pieces) <= reservedSymbols || len(pieces) > vocabRows {
		return nil, fmt.Errorf("load vocabulary: %d pieces for %d embedding rows", len(pieces), vocabRows)
	}
	m.tok = NewTokenizer(pieces, scores)
	return m, nil
}
