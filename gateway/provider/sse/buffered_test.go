package sse

import (
	"io"
	"strings"
	"testing"
)

// partsSource returns one part per Read, and reports through Buffered whether a part
// is left, as the upstream body reader does for bytes already received.
type partsSource struct{ parts []string }

func (s *partsSource) Read(p []byte) (int, error) {
	if len(s.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.parts[0])
	s.parts[0] = s.parts[0][n:]
	if s.parts[0] == "" {
		s.parts = s.parts[1:]
	}
	return n, nil
}

func (s *partsSource) Buffered() bool { return len(s.parts) > 0 }

func TestBuffered(t *testing.T) {
	tests := []struct {
		name  string
		parts []string
		want  []bool // Buffered after each event read
	}{
		{"two events in one read", []string{"data: a\n\ndata: b\n\n"}, []bool{true, false}},
		{"crlf events", []string{"data: a\r\n\r\ndata: b\r\n\r\n"}, []bool{true, false}},
		{"the next event in the source", []string{"data: a\n\n", "data: b\n\n"}, []bool{true, false}},
		{"the next event split across the source", []string{"data: a\n\nda", "ta: b\n", "\n"}, []bool{true, false}},
		{"a partial next event", []string{"data: a\n\ndata: b"}, []bool{false}},
		{"only a comment follows", []string{"data: a\n\n: keep-alive\n\n"}, []bool{false}},
		{"a comment, then an event", []string{"data: a\n\n: keep-alive\n\n", "event: ping\n\n"}, []bool{true}},
		{"an empty event name alone", []string{"data: a\n\nevent:\n\n"}, []bool{false}},
		{"one event", []string{"data: a\n\n"}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(&partsSource{parts: append([]string(nil), tt.parts...)}, 0)
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
	// Pulling from the source must not lose or reorder events.
	r := NewReader(&partsSource{parts: []string{"data: a\n\nda", "ta: b\n", "\n", "data: c\n\n"}}, 0)
	defer r.Release()
	var got []string
	for {
		r.Buffered()
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(ev.Data))
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Fatalf("events %q, want a, b, c", got)
	}
	released := NewReader(strings.NewReader("data: a\n\ndata: b\n\n"), 0)
	released.Release()
	if released.Buffered() {
		t.Fatal("a released reader reports buffered data")
	}
}
