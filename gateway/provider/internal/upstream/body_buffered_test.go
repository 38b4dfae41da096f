package upstream

import (
	"bufio"
	"errors"
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
		{"chunked, the last chunk whole", "3\r\nabc\r\n0\r\n\r\n", -1, 3, true},
		{"chunked, the last chunk without its empty line", "3\r\nabc\r\n0\r\n", -1, 3, false},
		{"chunked, a trailer without its empty line", "3\r\nabc\r\n0\r\nX-T: a\r\n", -1, 3, false},
		{"chunked, a whole trailer", "3\r\nabc\r\n0\r\nX-T: a\r\n\r\n", -1, 3, true},
		{"chunked, a bad size line", "3\r\nabc\r\nzz\r\n", -1, 3, true},
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

// stagedConn yields its bytes in pieces, then records any further read, which on a
// connection would wait for the network.
type stagedConn struct {
	pieces  [][]byte
	waited  bool
	stopped bool
}

var errWouldWait = errors.New("read would wait for the network")

func (c *stagedConn) Read(p []byte) (int, error) {
	if len(c.pieces) == 0 {
		c.waited = true
		return 0, errWouldWait
	}
	n := copy(p, c.pieces[0])
	c.pieces[0] = c.pieces[0][n:]
	if len(c.pieces[0]) == 0 {
		c.pieces = c.pieces[1:]
	}
	return n, nil
}

// FuzzBodyBuffered checks Buffered's promise: when it reports true, the next Read
// returns without reading the connection.
func FuzzBodyBuffered(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"), uint8(7), int8(-1))
	f.Add([]byte("3\r\nabc\r\n0\r\nT: 1\r\n\r\n"), uint8(10), int8(-1))
	f.Add([]byte("abcdef"), uint8(2), int8(6))
	f.Fuzz(func(t *testing.T, in []byte, split uint8, cl int8) {
		k := min(int(split), len(in))
		conn := &stagedConn{pieces: [][]byte{in[:k], in[k:]}}
		br := bufio.NewReaderSize(conn, 16)
		var b bodyReader
		b.reset(br, int(cl))
		p := make([]byte, 4)
		for range len(in) + 8 {
			ok := b.Buffered()
			conn.waited = false
			_, err := b.Read(p)
			if ok && conn.waited {
				t.Fatalf("Buffered() was true but Read went to the connection (buffered %d)", br.Buffered())
			}
			if err != nil {
				return
			}
		}
	})
}
