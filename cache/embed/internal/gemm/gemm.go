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
	m.mulAdd(c, a, rows)
}

// MulAdd adds a·W to c.
func (m *Matrix) MulAdd(c, a []float32, rows int) {
	pr := PaddedRows(rows)
	if len(a) < pr*m.K || len(c) < pr*m.N {
		panic(fmt.Sprintf("gemm: MulAdd buffers too small: a %d (want %d), c %d (want %d)", len(a), pr*m.K, len(c), pr*m.N))
	}
	m.mulAdd(c, a, pr)
}

// Use6 enables the 6-row tile where one exists (for benchmarks comparing tiles).
func Use6(on bool) (restore func()) {
	prev := kernel6
	if on {
		kernel6 = best6
	} else {
		kernel6 = nil
	}
	return func() { kernel6 = prev }
}

// kBlock is the depth of one pass over a panel: 256×16 floats (16 KiB) stay in L1 while
// every row tile of the activations goes over them.
var kBlock = 256 // a variable only so benchmarks can compare depths

func (m *Matrix) mulAdd(c, a []float32, rows int) {
	k, n := m.K, m.N
	for p := 0; p < n/panelWidth; p++ {
		panel := m.panels[p*k*panelWidth : (p+1)*k*panelWidth]
		for k0 := 0; k0 < k; k0 += kBlock {
			kb := min(kBlock, k-k0)
			block := panel[k0*panelWidth : (k0+kb)*panelWidth]
			i := 0
			if kernel6 != nil {
				for ; i+6 <= rows; i += 6 {
					kernel6(block, a[i*k+k0:], kb, k, c[i*n+p*panelWidth:], n)
				}
			}
			for ; i+Tile <= rows; i += Tile {
				kernel(block, a[i*k+k0:], kb, k, c[i*n+p*panelWidth:], n)
			}
			switch rows - i {
			case 0:
			case 1, 2:
				// A row at a time costs well under a quarter of a tile each.
				for ; i < rows; i++ {
					kernel1(block, a[i*k+k0:i*k+k0+kb], kb, c[i*n+p*panelWidth:i*n+p*panelWidth+panelWidth])
				}
			default:
				kernel(block, a[i*k+k0:], kb, k, c[i*n+p*panelWidth:], n) // into the padding
			}
		}
	}
}

// kernelGo adds the product of 4 rows of a (k columns, row stride lda) and one panel
// (k×16) into a 4×16 tile of c (row stride ldc). The Go compiler does not vectorise, so
// the tile is computed as 2 rows × 4 columns of scalar accumulators at a time, which fit
// in registers, with bounds checks hoisted out of the inner loop.
func kernelGo(panel, a []float32, k, lda int, c []float32, ldc int) {
	panel = panel[:k*panelWidth]
	for r := 0; r < 4; r += 2 {
		a0 := a[r*lda : r*lda+k]
		a1 := a[(r+1)*lda : (r+1)*lda+k]
		a1 = a1[:len(a0)] // lets the compiler drop the bounds check on a1[kk]
		c0 := c[r*ldc : r*ldc+panelWidth]
		c1 := c[(r+1)*ldc : (r+1)*ldc+panelWidth]
		for j := 0; j < panelWidth; j += 4 {
			s00, s01, s02, s03 := c0[j], c0[j+1], c0[j+2], c0[j+3]
			s10, s11, s12, s13 := c1[j], c1[j+1], c1[j+2], c1[j+3]
			for kk, x0 := range a0 {
				x1 := a1[kk]
				w := panel[kk*panelWidth+j : kk*panelWidth+j+4 : kk*panelWidth+j+4]
				w0, w1, w2, w3 := w[0], w[1], w[2], w[3]
				s00 += x0 * w0
				s01 += x0 * w1
				s02 += x0 * w2
				s03 += x0 * w3
				s10 += x1 * w0
				s11 += x1 * w1
				s12 += x1 * w2
				s13 += x1 * w3
			}
			c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
			c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
		}
	}
}

// ForceGeneric makes every multiplication use the portable Go kernel (or, with false,
// the best one for this CPU) and returns a function restoring the previous choice. For
// benchmarks and tests comparing the kernels; not safe to call concurrently with Mul.
func ForceGeneric(generic bool) (restore func()) {
	prev, prev1, prev6 := kernel, kernel1, kernel6
	if generic {
		kernel, kernel1, kernel6 = kernelGo, kernel1Go, nil
	} else {
		kernel, kernel1, kernel6 = best, best1, best6
	}
	return func() { kernel, kernel1, kernel6 = prev, prev1, prev6 }
}

// kernel1Go adds the product of one row of a (k values) and a panel into 16 values of c.
func kernel1Go(panel, a []float32, k int, c []float32) {
	var acc [panelWidth]float32
	copy(acc[:], c[:panelWidth])
	for kk, x := range a[:k] {
		w := panel[kk*panelWidth : kk*panelWidth+panelWidth : kk*panelWidth+panelWidth]
		for j := range acc {
			acc[j] += x * w[j]
		}
	}
	copy(c[:panelWidth], acc[:])
}
