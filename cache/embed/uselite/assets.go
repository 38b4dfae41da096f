package uselite

import (
	_ "embed" // the model weights live in the binary
)

// weights is assets/model.bin, produced by cache/embed/internal/convert from the pinned npm
// package (see assets/NOTICE and assets/LICENSE).
//
//go:generate go run ../internal/convert -out assets
//go:embed assets/model.bin
var weights []byte

// weightsSHA256 is the checksum the converter recorded next to the weights; a test keeps
// the two in step.
//
//go:embed assets/model.bin.sha256
var weightsSHA256 string
