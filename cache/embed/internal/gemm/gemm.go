package gemm

import "fmt"

// Tile is the number of activation rows computed together; buffers are padded to it.
const Tile = 4

// panelWidth is the number of output columns in one packed panel.
const panelWidth = 16

// PaddedRows rounds rows up to a multiple of Tile.
func PaddedRows(rows int) int { return (rows + Tile - 1) / Tile * Tile }

// Matrix is a K×N weight matrix packed into panels of 16 columns.
type Matrix struct {
	K, N   int
	panels []float32 // panel p: panels[p*K*16 + k*16 + j] = W[k][p*16+j]
}

// Pack packs a row-major K×N matrix (the layout of x·W). N must be a multiple of 16.
func Pack(w []float32, k, n int) (*Matrix, error) {
	if k <= 0 || n <= 0 || n%panelWidth != 0 {
		return nil, fmt.Errorf("gemm: cannot pack a %d×%d matrix (columns must be a positive multiple of %d)", k, n, panelWidth)
	}
	if len(w) != k*n {
		return nil, fmt.Errorf("gemm: %d×%d matrix needs %d values, got %d", k, n, k*n, len(w))
	}
	m := &Matrix{K: k, N: n, panels: make([]float32, k*n)}
	for p := 0; p < n/panelWidth; p++ {
		dst := m.panels[p*k*panelWidth : (p+1)*k*panelWidth]
		for r := 0; r < k; r++ {
			copy(dst[r*panelWidth:(r+1)*panelWidth], w[r*n+p*panelWidth:r*n+(p+1)*panelWidth])
		}
	}
	return m, nil
}

// Mul sets c = a·W + bias for rows rows of a (row-major, K columns) into c (N columns).
// bias may be nil. a and c must hold PaddedRows(rows) rows.
func (m *Matrix) Mul(c, a []float32, rows int, bias []float32) {
	pr := PaddedRows(rows)
	if len(a) < pr*m.K || len(c) < pr*m.N || (bias != nil && len(bias) < m.N) {
		panic(fmt.Sprintf("gemm: Mul buffers too small: a %d (want %d), c %d (want %d)", len(a), pr*m.K, len(c), pr*m.N))
	}
	for i := 0; i < pr; i++ {
		row := c[i*m.N : (i+1)*m.N]
		if bias != nil {
			copy(row, bias[:m.N])
		} else {
			clear(row)
		}
	}
	m.mulAdd(c, a, pr)
}

// MulAdd adds a·W to c.
func (m *Matrix) MulAdd(c, a []float32, rows int) {
	pr := PaddedRows(rows)
	if len(a) < pr*m.K || len(c) < pr*m.N {
		panic(fmt.Sprintf("gemm: MulAdd buffers too small: a %d (want %d), c %d (want %d)", len(a), pr*m.K, len(c), pr*m.N))
	}
	m.mulAdd(c, a, pr)
}

// kBlock is the depth of one pass over a panel: 256×16 floats (16 KiB) stay in L1 while
// every row tile of the activations goes over them.
const kBlock = 256

func (m *Matrix) mulAdd(c, a []float32, rows int) {
	k, n := m.K, m.N
	for p := 0; p < n/panelWidth; p++ {
		panel := m.panels[p*k*panelWidth : (p+1)*k*panelWidth]
		for k0 := 0; k0 < k; k0 += kBlock {
			kb := min(kBlock, k-k0)
			block := panel[k0*panelWidth : (k0+kb)*panelWidth]
			for i := 0; i < rows; i += Tile {
				kernel(block, a[i*k+k0:], kb, k, c[i*n+p*panelWidth:], n)
			}
		}
	}
}

// kernelGo adds the product of 4 rows of a (k columns, row stride lda) and one panel
// (k×16) into a 4×16 tile of c (row stride ldc).
func kernelGo(panel, a []float32, k, lda int, c []float32, ldc int) {
	a0, a1, a2, a3 := a[0:k], a[lda:lda+k], a[2*lda:2*lda+k], a[3*lda:3*lda+k]
	for r, ar := range [4][]float32{a0, a1, a2, a3} {
		var acc [panelWidth]float32
		copy(acc[:], c[r*ldc:r*ldc+panelWidth])
		for kk := 0; kk < k; kk++ {
			x := ar[kk]
			w := panel[kk*panelWidth : kk*panelWidth+panelWidth : kk*panelWidth+panelWidth]
			acc[0] += x * w[0]
			acc[1] += x * w[1]
			acc[2] += x * w[2]
			acc[3] += x * w[3]
			acc[4] += x * w[4]
			acc[5] += x * w[5]
			acc[6] += x * w[6]
			acc[7] += x * w[7]
			acc[8] += x * w[8]
			acc[9] += x * w[9]
			acc[10] += x * w[10]
			acc[11] += x * w[11]
			acc[12] += x * w[12]
			acc[13] += x * w[13]
			acc[14] += x * w[14]
			acc[15] += x * w[15]
		}
		copy(c[r*ldc:r*ldc+panelWidth], acc[:])
	}
}

// ForceGeneric makes every multiplication use the portable Go kernel (or, with false,
// the best one for this CPU) and returns a function restoring the previous choice. For
// benchmarks and tests comparing the kernels; not safe to call concurrently with Mul.
func ForceGeneric(generic bool) (restore func()) {
	prev := kernel
	if generic {
		kernel = kernelGo
	} else {
		kernel = best
	}
	return func() { kernel = prev }
}
