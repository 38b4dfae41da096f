package wordnet

import (
	"bytes"
	"compress/gzip"
	"testing"
)

func gz(t *testing.T, buf *bytes.Buffer, text string) {
	t.Helper()
	zw := gzip.NewWriter(buf)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
