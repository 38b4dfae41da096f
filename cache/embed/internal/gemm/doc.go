// Package gemm multiplies activations by weight matrices for the built-in sentence encoder,
// which spends most of its time here.
//
// Weights are packed once at load time into panels of 16 columns (each panel is K rows of
// 16 contiguous floats), so the kernel streams one panel sequentially while it keeps a
// tile of 6 activation rows × 16 output columns in registers (twelve YMM accumulators;
// 4-row and 1-row kernels take the leftover rows). On amd64 with AVX2 and FMA
// the tile kernel is written in Go assembly (no cgo); elsewhere a portable Go kernel computes
// the same thing (also selected by the build tag purego, which tests use to check it:
// go test -tags purego ./cache/embed/...). The depth K is blocked by 256 so a panel block
// stays in L1 while every row tile goes over it; one or two leftover rows use the 1-row
// kernel instead of a padded tile. Dot and Axpy serve the attention.
//
// Contract: activation and output buffers are padded to a multiple of Tile rows (see
// PaddedRows); padded rows are computed like the others and must be ignored by callers.
// Everything here is allocation-free and safe for concurrent use (packed matrices are
// read-only).
//
// Imports: golang.org/x/sys/cpu and the standard library.
package gemm
