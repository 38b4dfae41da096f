package upstream

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestBodyBuffered(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cl   int
		read int  // bytes read first
		want bool // Buffered after that
	}{
		{"chunked, next chunk received", "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", -1, 3, true},
		{"chunked, only the line end of the chunk read", "3\r\nabc\r\n", -1, 3, false},
		{"chunked, next size line without data", "3\r\nabc\r\n3\r\n", -1, 3, false},
		{"chunked, mid-chunk", "6\r\nabcdef\r\n", -1, 3, true},
		{"length, rest received", "abcdef", 6, 3, true},
		{"length, all read", "abcdef", 6, 6, false},
		{"until close, rest received", "abcdef", -2, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 64)
			if _, err := br.Peek(len(tt.in)); err != nil && err != io.EOF {
				t.Fatal(err)
			}
			var b bodyReader
			b.reset(br, tt.cl)
			p := make([]byte, tt.read)
			if _, err := io.ReadFull(&b, p); err != nil {
				t.Fatal(err)
			}
			if got := b.Buffered(); got != tt.want {
				t.Fatalf("Buffered() = %v, want %v", got, tt.want)
			}
		})
	}
}
