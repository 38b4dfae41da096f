package sse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// DefaultMaxLine is the longest line a Reader accepts by default (4 MiB).
const DefaultMaxLine = 4 << 20

// maxEventLines bounds the number of data lines gathered into one event, so that a
// stream of short "data:" lines without blank lines cannot grow an event without bound.
const maxEventLines = 1 << 16

// ErrLineTooLong is returned when a line exceeds the Reader's limit.
var ErrLineTooLong = errors.New("sse: line too long")

// ErrEventTooLarge is returned when one event gathers more data than the Reader allows.
var ErrEventTooLarge = errors.New("sse: event too large")

// ErrTruncated is returned when the stream ends in the middle of a line.
var ErrTruncated = fmt.Errorf("sse: stream truncated mid-line: %w", io.ErrUnexpectedEOF)

// Event is one dispatched event.
type Event struct {
	Name []byte // the "event:" field; empty when absent
	Data []byte // the "data:" lines joined by "\n"
}

// Reader reads events from a stream. It is not safe for concurrent use.
type Reader struct {
	br      *bufio.Reader
	src     io.Reader
	maxLine int
	long    []byte // a line longer than br's buffer, gathered here
	name    []byte
	data    []byte
	lines   int
	err     error
}

var brPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// NewReader returns a Reader on r accepting lines up to maxLine bytes
// (DefaultMaxLine when maxLine <= 0). Release it when done to recycle its buffers.
func NewReader(r io.Reader, maxLine int) *Reader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	br := brPool.Get().(*bufio.Reader)
	br.Reset(r)
	return &Reader{br: br, src: r, maxLine: maxLine}
}

// Release returns the Reader's buffers to a pool; the Reader must not be used after.
func (r *Reader) Release() {
	if r.br != nil {
		r.br.Reset(nil)
		brPool.Put(r.br)
		r.br, r.src = nil, nil
	}
	if r.err == nil {
		r.err = errors.New("sse: reader released")
	}
}

// Next returns the next event. At the end of the stream it returns io.EOF (between events)
// or ErrTruncated (mid-line); other errors come from the underlying reader or the limits.
// After an error, every call returns the same error.
func (r *Reader) Next() (Event, error) {
	if r.err != nil {
		return Event{}, r.err
	}
	r.name, r.data, r.lines = r.name[:0], r.data[:0], 0
	hasData := false
	for {
		line, err := r.readLine()
		if err != nil {
			if err == io.EOF && (hasData || len(r.name) > 0) {
				// The last event lacked its blank line: deliver it, then EOF.
				r.err = io.EOF
				return Event{Name: r.name, Data: r.data}, nil
			}
			r.err = err
			return Event{}, err
		}
		if len(line) == 0 { // blank line: dispatch
			if !hasData && len(r.name) == 0 {
				continue
			}
			return Event{Name: r.name, Data: r.data}, nil
		}
		if line[0] == ':' { // comment / keep-alive
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "data":
			r.lines++
			if r.lines > maxEventLines || len(r.data)+len(value) > r.maxLine*4 {
				r.err = ErrEventTooLarge
				return Event{}, r.err
			}
			if hasData {
				r.data = append(r.data, '\n')
			}
			r.data = append(r.data, value...)
			hasData = true
		case "event":
			r.name = append(r.name[:0], value...)
		}
	}
}

// readLine returns the next line without its line end. The slice is valid until the next
// call.
func (r *Reader) readLine() ([]byte, error) {
	if r.br == nil {
		return nil, errors.New("sse: reader released")
	}
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			if len(r.long)+len(line) > r.maxLine+2 {
				return nil, ErrLineTooLong
			}
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if err != nil {
		if err == io.EOF {
			if len(line) > 0 {
				return nil, ErrTruncated
			}
			return nil, io.EOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > r.maxLine {
		return nil, ErrLineTooLong
	}
	return line, nil
}

// Buffered reports whether the next event has wholly arrived, so that Next returns it
// without waiting for the source: the Reader's buffer holds an event that Next would
// dispatch (comments and blank lines alone do not count), possibly after pulling in what
// the source reports as already received (a Buffered() bool method on the io.Reader
// given to NewReader, promising that a Read then does not block, and whose errors repeat
// on every later Read). A false result is
// never wrong in the unsafe direction: at worst Next returns at once anyway.
func (r *Reader) Buffered() bool {
	if r.br == nil || r.err != nil {
		return false
	}
	src, _ := r.src.(interface{ Buffered() bool })
	for {
		n := r.br.Buffered()
		if n > 0 {
			b, _ := r.br.Peek(n)
			if hasEvent(b) {
				return true
			}
		}
		if src == nil || n >= r.br.Size() || !src.Buffered() {
			return false
		}
		if b, err := r.br.Peek(n + 1); err != nil {
			// Peek hands over the source's error; such a source repeats it on the next
			// Read (the upstream body reader's errors are sticky), so Next still sees it.
			return hasEvent(b)
		}
	}
}

// hasEvent reports whether b holds a whole event that Next would dispatch: a data line,
// or an event line with a name, then a blank line.
func hasEvent(b []byte) bool {
	hasData, hasName := false, false
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return false
		}
		line := b[:i]
		b = b[i+1:]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) == 0 {
			if hasData || hasName {
				return true
			}
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value := line, []byte(nil)
		if j := bytes.IndexByte(line, ':'); j >= 0 {
			field, value = line[:j], line[j+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "data":
			hasData = true
		case "event":
			hasName = len(value) > 0
		}
	}
}
