package upstream

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

// FuzzBody feeds arbitrary bytes to the body reader in each framing mode: it must end
// (EOF or an error) without panicking, and never return more than the input.
func FuzzBody(f *testing.F) {
	for _, s := range []string{"5\r\nhello\r\n0\r\n\r\n", "3;x\nabc\n0\nT: 1\n\n", "fffffff\r\n", "0\r\n", "zz", ""} {
		f.Add([]byte(s), int8(-1))
		f.Add([]byte(s), int8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cl int8) {
		var b bodyReader
		b.reset(bufio.NewReaderSize(bytes.NewReader(in), 16), int(cl))
		out, _ := io.ReadAll(&b)
		if len(out) > len(in) {
			t.Fatalf("read %d bytes from %d", len(out), len(in))
		}
	})
}
