package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/internal/testenv"
)

// The committed weights are what converting the pinned package gives: the conversion is
// reproducible and the assets have not been edited by hand.
func TestConvertReproducesCommittedAssets(t *testing.T) {
	modules := testenv.Require(t, testenv.NodeModules)
	dir := filepath.Join(modules, "@energetic-ai", "model-embeddings-en")
	src, err := ReadDir(dir)
	if err != nil {
		t.Fatalf("%v: %s must contain %s (npm install it)", err, testenv.NodeModules, Package)
	}
	out := t.TempDir()
	if err := run(out, "", dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(got)
	recorded, err := os.ReadFile("../../uselite/assets/model.bin.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if want, _, _ := strings.Cut(string(recorded), " "); hex.EncodeToString(sum[:]) != want {
		t.Fatalf("converted model.bin sha256 %x, committed assets record %s: run go generate ./cache/embed/uselite", sum, want)
	}
	for _, name := range []string{"LICENSE", "NOTICE"} {
		a, _ := os.ReadFile(filepath.Join(out, name))
		b, _ := os.ReadFile(filepath.Join("../../uselite/assets", name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("assets/%s differs from the converter's output", name)
		}
	}
	if !bytes.Contains(src.License, []byte("Apache License")) {
		t.Error("package licence is not the Apache License")
	}

	// A graph that no longer matches the hand-written forward pass is refused.
	broken := *src
	broken.ModelJSON = bytes.ReplaceAll(src.ModelJSON, []byte(`"op": "Relu"`), []byte(`"op": "Gelu"`))
	if _, err := Convert(&broken); err == nil || !strings.Contains(err.Error(), "Go model assumes") {
		t.Errorf("changed graph: err = %v", err)
	}
	// Missing shards are refused.
	short := *src
	short.Shards = map[string][]byte{}
	if _, err := Convert(&short); err == nil || !strings.Contains(err.Error(), "missing weight shard") {
		t.Errorf("missing shards: err = %v", err)
	}
}

func tarball(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadTarballVerifiesIntegrity(t *testing.T) {
	data := tarball(t, map[string]string{
		"LICENSE":         "Apache License",
		"dist/model.json": `{"modelTopology":{"node":[]},"weightsManifest":[{"paths":["s1"],"weights":[]}]}`,
		"dist/vocab.json": `[["<unk>",0]]`,
		"dist/s1":         "",
	})
	path := filepath.Join(t.TempDir(), "pkg.tgz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(data)
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])

	src, err := ReadTarball(path, good)
	if err != nil {
		t.Fatal(err)
	}
	if string(src.License) != "Apache License" || len(src.Shards) != 1 {
		t.Errorf("source = %+v", src)
	}
	tests := []struct{ integrity, want string }{
		{Integrity, "integrity mismatch"},
		{"sha1-abc", "unsupported integrity"},
	}
	for _, tc := range tests {
		if _, err := ReadTarball(path, tc.integrity); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("integrity %q: err = %v, want %q", tc.integrity, err, tc.want)
		}
	}
	// A verified tarball that lacks a file is still refused.
	data2 := tarball(t, map[string]string{"LICENSE": "x"})
	path2 := filepath.Join(t.TempDir(), "pkg2.tgz")
	_ = os.WriteFile(path2, data2, 0o644)
	sum2 := sha512.Sum512(data2)
	if _, err := ReadTarball(path2, "sha512-"+base64.StdEncoding.EncodeToString(sum2[:])); err == nil || !strings.Contains(err.Error(), "no dist/model.json") {
		t.Errorf("incomplete tarball: err = %v", err)
	}
}
