package sse

import (
	"io"
	"strings"
	"testing"
)

// sourceFlag is a source that reports received data through Buffered.
type sourceFlag struct {
	io.Reader
	buffered bool
}

func (s *sourceFlag) Buffered() bool { return s.buffered }

func TestBuffered(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		source bool // what the source's Buffered reports
		want   []bool
	}{
		{"two events in the buffer", "data: a\n\ndata: b\n\n", false, []bool{true, false}},
		{"crlf events", "data: a\r\n\r\ndata: b\r\n\r\n", false, []bool{true, false}},
		{"a partial next event", "data: a\n\ndata: b", false, []bool{false}},
		{"a partial next event, source has more", "data: a\n\ndata: b", true, []bool{true}},
		{"one event", "data: a\n\n", false, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &sourceFlag{Reader: strings.NewReader(tt.in), buffered: tt.source}
			r := NewReader(src, 0)
			defer r.Release()
			for i, want := range tt.want {
				if _, err := r.Next(); err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if got := r.Buffered(); got != want {
					t.Fatalf("after event %d: Buffered() = %v, want %v", i, got, want)
				}
			}
		})
	}
	r := NewReader(strings.NewReader("data: a\n\ndata: b\n\n"), 0)
	r.Release()
	if r.Buffered() {
		t.Fatal("a released reader reports buffered data")
	}
}
