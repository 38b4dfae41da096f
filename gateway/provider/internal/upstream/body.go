package upstream

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// bodyReader reads a response body framed by Content-Length, chunked encoding, or the
// end of the connection. It is reused per connection.
type bodyReader struct {
	br      *bufio.Reader
	mode    int   // bodyLength, bodyChunked, bodyClose
	n       int64 // bytes left (length) or left in the current chunk (chunked)
	eof     bool  // the body ended cleanly
	err     error
	started bool
}

const (
	bodyLength = iota
	bodyChunked
	bodyClose
)

var errChunk = errors.New("malformed chunked encoding")

// reset prepares to read a body of contentLength (fasthttp's convention: -1 chunked,
// -2 until the connection closes).
func (b *bodyReader) reset(br *bufio.Reader, contentLength int) {
	*b = bodyReader{br: br}
	switch {
	case contentLength >= 0:
		b.mode, b.n = bodyLength, int64(contentLength)
		b.eof = contentLength == 0
	case contentLength == -1:
		b.mode = bodyChunked
	default:
		b.mode = bodyClose
	}
}

// reusable reports whether the connection may carry another request.
func (b *bodyReader) reusable() bool { return b.eof && b.mode != bodyClose && b.err == nil }

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.eof {
		return 0, io.EOF
	}
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	switch b.mode {
	case bodyLength:
		if int64(len(p)) > b.n {
			p = p[:b.n]
		}
		m, err := b.br.Read(p)
		b.n -= int64(m)
		if b.n == 0 {
			b.eof = true
			return m, nil
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		b.err = err
		return m, err
	case bodyChunked:
		return b.readChunked(p)
	default:
		m, err := b.br.Read(p)
		if err == io.EOF {
			b.eof = true
		} else {
			b.err = err
		}
		return m, err
	}
}

func (b *bodyReader) readChunked(p []byte) (int, error) {
	if b.n == 0 {
		if b.started {
			if err := b.crlf(); err != nil {
				return 0, err
			}
		}
		b.started = true
		line, err := b.lineBytes()
		if err != nil {
			return 0, err
		}
		size, ok := parseChunkSize(line)
		if !ok {
			b.err = errChunk
			return 0, b.err
		}
		if size == 0 {
			for { // trailer lines up to an empty one
				l, err := b.lineBytes()
				if err != nil {
					return 0, err
				}
				if len(l) == 0 {
					break
				}
			}
			b.eof = true
			return 0, io.EOF
		}
		b.n = size
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	m, err := b.br.Read(p)
	b.n -= int64(m)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		b.err = err
		return m, err
	}
	return m, nil
}

// lineBytes reads one line without its line end, bounded by the reader's buffer. The
// slice is valid until the next read.
func (b *bodyReader) lineBytes() ([]byte, error) {
	l, err := b.br.ReadSlice('\n')
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		} else if err == bufio.ErrBufferFull {
			err = errChunk
		}
		b.err = err
		return nil, err
	}
	for len(l) > 0 && (l[len(l)-1] == '\n' || l[len(l)-1] == '\r') {
		l = l[:len(l)-1]
	}
	return l, nil
}

// parseChunkSize parses a chunk-size line (hex, optional extensions after ';').
func parseChunkSize(l []byte) (int64, bool) {
	var n int64
	digits := 0
	for _, c := range l {
		var d int64
		switch {
		case '0' <= c && c <= '9':
			d = int64(c - '0')
		case 'a' <= c && c <= 'f':
			d = int64(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = int64(c-'A') + 10
		case c == ';' || c == ' ' || c == '\t':
			return n, digits > 0
		default:
			return 0, false
		}
		if digits >= 15 {
			return 0, false
		}
		n = n<<4 | d
		digits++
	}
	return n, digits > 0
}

func (b *bodyReader) crlf() error {
	l, err := b.lineBytes()
	if err != nil {
		return err
	}
	if len(l) != 0 {
		b.err = errChunk
		return b.err
	}
	return nil
}

// Buffered reports whether body bytes have already been received past what was read,
// so that the next Read returns without waiting for the network (for a chunked body:
// the previous chunk's line end, a whole chunk-size line and at least one byte of data,
// or for the last chunk its whole trailer). Errors are sticky: after one, every Read
// returns it again.
func (b *bodyReader) Buffered() bool {
	if b.eof || b.err != nil || b.br == nil {
		return false
	}
	n := b.br.Buffered()
	if n == 0 {
		return false
	}
	if b.mode != bodyChunked || b.n > 0 {
		return true
	}
	p, _ := b.br.Peek(n)
	// Walk the lines Read will read (each as lineBytes sees it): the previous chunk's
	// line end, the size line, and for the last chunk the trailer up to its empty line.
	line := func() ([]byte, bool) {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			return nil, false
		}
		l := bytes.TrimRight(p[:i], "\r")
		p = p[i+1:]
		return l, true
	}
	if b.started {
		l, ok := line()
		if !ok {
			return false
		}
		if len(l) != 0 {
			return true // Read fails at once
		}
	}
	l, ok := line()
	if !ok {
		return false
	}
	size, ok := parseChunkSize(l)
	if !ok {
		return true // Read fails at once
	}
	if size > 0 {
		return len(p) > 0
	}
	for {
		l, ok := line()
		if !ok {
			return false
		}
		if len(l) == 0 {
			return true
		}
	}
}
