// Package asset reads and writes the built-in model's weights file: one compact binary that
// holds the vocabulary, the named weight tensors (half precision for matrices, float32 for
// vectors) and the graph constants, so the model can live inside the binary (go:embed).
//
// Layout (little-endian):
//
//	magic   "MUNUSE\x00\x01"          8 bytes
//	hdrLen  uint32                     length of the JSON header
//	header  JSON (Header)              tensors with offsets into the payload, constants
//	payload tensors and vocabulary, each at its recorded offset (8-byte aligned)
//
// The vocabulary entry format is: uint8 piece length in bytes, the UTF-8 piece, float64
// score. Pieces keep the order (and therefore the ids) of the source vocabulary.
//
// Contracts: Writer output is deterministic for the same inputs; Read validates offsets
// and never panics on a malformed file.
//
// Imports: cache/embed/internal/f16 and the standard library.
package asset
