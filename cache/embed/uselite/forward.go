package uselite

import (
	"math"

	"github.com/muninn-gw/muninn/cache/embed/internal/gemm"
)

// segment is one text's rows in a batch.
type segment struct{ start, n int }

// scratch holds every buffer one forward pass needs; pooled, grown on demand, never shrunk
// below what the largest recent batch needed.
type scratch struct {
	tok    tokState
	ids    []int32
	segs   []segment
	x0, h0 []float32 // rows × embedDim
	x, h   []float32 // rows × modelDim
	qkv    []float32 // rows × 3·modelDim
	ctx    []float32 // rows × modelDim
	f1     []float32 // rows × ffnDim
	probs  []float32 // one row of attention weights
	pooled []float32 // segments × modelDim
	outv   []float32 // segments × modelDim
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// forward computes one unit vector per segment of s.ids into out (len(s.segs) slices of Dim).
func (m *model) forward(s *scratch, out [][]float32) {
	rows := len(s.ids)
	pr := gemm.PaddedRows(max(rows, 1))
	s.x0 = grow(s.x0, pr*embedDim)
	s.h0 = grow(s.h0, pr*embedDim)
	s.x = grow(s.x, pr*modelDim)
	s.h = grow(s.h, pr*modelDim)
	s.qkv = grow(s.qkv, pr*3*modelDim)
	s.ctx = grow(s.ctx, pr*modelDim)
	s.f1 = grow(s.f1, pr*ffnDim)
	clear(s.x0[rows*embedDim:])
	clear(s.h0[rows*embedDim:])

	// Input: the graph adds the token embedding twice (scattered, then gathered again with
	// the timing signal), so the input is 2·E[id] + timing[position].
	for _, sg := range s.segs {
		for p := 0; p < sg.n; p++ {
			r := sg.start + p
			e := m.embeddings[int(s.ids[r])*embedDim : (int(s.ids[r])+1)*embedDim]
			t := m.timing[p*embedDim : (p+1)*embedDim]
			dst := s.x0[r*embedDim : (r+1)*embedDim]
			for i := range dst {
				dst[i] = 2*e[i] + t[i]
			}
		}
	}

	// Layer 0 (256 wide in, 512 out; the residual is a dense projection of the input).
	l := &m.layers[0]
	layerNorm(s.h0, s.x0, rows, embedDim, l.ln1Scale, l.ln1Bias, m.eps)
	l.residual.Mul(s.x, s.x0, rows, l.residualBias)
	m.attention(s, l, s.h0, rows)
	m.feedForward(s, l, rows)

	// Layer 1 (512 wide; identity residual).
	l = &m.layers[1]
	layerNorm(s.h, s.x, rows, modelDim, l.ln1Scale, l.ln1Bias, m.eps)
	m.attention(s, l, s.h, rows)
	m.feedForward(s, l, rows)

	// Mean over each text's tokens, tanh dense layer, L2 normalisation.
	nseg := len(s.segs)
	ps := gemm.PaddedRows(max(nseg, 1))
	s.pooled = grow(s.pooled, ps*modelDim)
	s.outv = grow(s.outv, ps*modelDim)
	clear(s.pooled)
	for i, sg := range s.segs {
		dst := s.pooled[i*modelDim : (i+1)*modelDim]
		for p := 0; p < sg.n; p++ {
			src := s.x[(sg.start+p)*modelDim : (sg.start+p+1)*modelDim]
			for j := range dst {
				dst[j] += src[j]
			}
		}
		inv := 1 / float32(max(sg.n, 1))
		for j := range dst {
			dst[j] *= inv
		}
	}
	m.pool.Mul(s.outv, s.pooled, nseg, m.poolBias)
	for i := range s.segs {
		v := s.outv[i*modelDim : (i+1)*modelDim]
		var ss float32
		for j, x := range v {
			t := float32(math.Tanh(float64(x)))
			v[j] = t
			ss += t * t
		}
		scale := float32(1 / math.Sqrt(float64(max(ss, m.l2eps))))
		dst := out[i][:modelDim]
		for j, x := range v {
			dst[j] = x * scale
		}
	}
}

// attention adds the multi-head self-attention of in (rows × l.in, already normalised) to
// s.x, within each segment: s.x += softmax(q·kᵀ)·v · W_out + b_out.
func (m *model) attention(s *scratch, l *layer, in []float32, rows int) {
	d, dh := l.in, l.headDim
	w := 3 * d
	l.qkv.Mul(s.qkv, in, rows, l.qkvBias)
	for _, sg := range s.segs {
		s.probs = grow(s.probs, sg.n)
		probs := s.probs
		for h := 0; h < l.heads; h++ {
			for i := 0; i < sg.n; i++ {
				qrow := s.qkv[(sg.start+i)*w+h*dh : (sg.start+i)*w+h*dh+dh]
				maxv := float32(math.Inf(-1))
				for j := 0; j < sg.n; j++ {
					krow := s.qkv[(sg.start+j)*w+d+h*dh : (sg.start+j)*w+d+h*dh+dh]
					v := gemm.Dot(qrow, krow) * l.queryScale
					probs[j] = v
					maxv = max(maxv, v)
				}
				var sum float32
				for j := range probs[:sg.n] {
					e := float32(math.Exp(float64(probs[j] - maxv)))
					probs[j] = e
					sum += e
				}
				inv := 1 / sum
				dst := s.ctx[(sg.start+i)*d+h*dh : (sg.start+i)*d+h*dh+dh]
				clear(dst)
				for j := 0; j < sg.n; j++ {
					vrow := s.qkv[(sg.start+j)*w+2*d+h*dh : (sg.start+j)*w+2*d+h*dh+dh]
					gemm.Axpy(dst, vrow, probs[j]*inv)
				}
			}
		}
	}
	// s.x holds the residual: layer 0's projected input, or layer 1's input itself.
	l.out.MulAdd(s.x, s.ctx, rows)
	addBias(s.x, rows, modelDim, l.outBias)
}

// feedForward adds the position-wise feed-forward block to s.x:
// s.x += relu(LN(s.x)·W1 + b1)·W2 + b2.
func (m *model) feedForward(s *scratch, l *layer, rows int) {
	layerNorm(s.h, s.x, rows, modelDim, l.ln2Scale, l.ln2Bias, m.eps)
	l.ffn1.Mul(s.f1, s.h, rows, l.ffn1Bias)
	for i, v := range s.f1[:rows*ffnDim] {
		if v < 0 {
			s.f1[i] = 0
		}
	}
	l.ffn2.MulAdd(s.x, s.f1, rows)
	addBias(s.x, rows, modelDim, l.ffn2Bias)
}

// layerNorm writes scale·(x-mean)/sqrt(var+eps) + bias of each row of src into dst.
func layerNorm(dst, src []float32, rows, n int, scale, bias []float32, eps float32) {
	inv := 1 / float32(n)
	for r := 0; r < rows; r++ {
		x := src[r*n : (r+1)*n]
		y := dst[r*n : (r+1)*n]
		var sum float32
		for _, v := range x {
			sum += v
		}
		mean := sum * inv
		var sq float32
		for _, v := range x {
			d := v - mean
			sq += d * d
		}
		rs := float32(1 / math.Sqrt(float64(sq*inv+eps)))
		sc := scale[:n]
		b := bias[:n]
		for i, v := range x {
			y[i] = sc[i]*rs*(v-mean) + b[i]
		}
	}
}

func addBias(x []float32, rows, n int, bias []float32) {
	b := bias[:n]
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		for i := range row {
			row[i] += b[i]
		}
	}
}
