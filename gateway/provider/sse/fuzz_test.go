package sse

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func FuzzSSE(f *testing.F) {
	for _, s := range []string{
		"data: {\"a\":1}\n\ndata: [DONE]\n\n",
		"data:{\"a\":1}\r\n\r\n",
		"event: message_start\ndata: {}\n\n",
		": keep-alive\n\n",
		"data: a\ndata: b\n",
		"data: {\"trunc",
		"\r\r\n\n::data\n\n",
		"data: " + string(bytes.Repeat([]byte("z"), 300)) + "\n\n",
		"event:\ndata\n\n\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in), 128)
		defer r.Release()
		total := 0
		for i := 0; ; i++ {
			if i > len(in)+1 {
				t.Fatalf("no progress after %d events on %d bytes", i, len(in))
			}
			e, err := r.Next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrLineTooLong) && !errors.Is(err, ErrEventTooLarge) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			total += len(e.Data)
			if total > len(in) {
				t.Fatalf("data larger than input: %d > %d", total, len(in))
			}
		}
	})
}

// FuzzBuffered checks that asking Buffered between events changes nothing Next returns,
// and that a true answer is kept: Next then returns (an event, or an error about what
// is buffered, such as a line over the limit) without reading the source any further.
func FuzzBuffered(f *testing.F) {
	f.Add([]byte("data: a\n\nda"), []byte("ta: b\n\n: c\n\n"), []byte("event: x\ndata: y\n\n"))
	f.Add([]byte("data: a\r\n\r\n"), []byte(""), []byte("data: [DONE]\n\n"))
	f.Fuzz(func(t *testing.T, p1, p2, p3 []byte) {
		read := func(probe bool) (events []string, last error) {
			src := &partsSource{}
			for _, p := range [][]byte{p1, p2, p3} {
				if len(p) > 0 {
					src.parts = append(src.parts, string(p))
				}
			}
			r := NewReader(src, 128)
			defer r.Release()
			for range len(p1) + len(p2) + len(p3) + 2 {
				var before int
				buffered := false
				if probe {
					buffered = r.Buffered()
					before = len(src.parts)
				}
				e, err := r.Next()
				if buffered && len(src.parts) != before {
					t.Fatalf("Buffered() was true but Next read on (err %v, parts %d -> %d)", err, before, len(src.parts))
				}
				if err != nil {
					return events, err
				}
				events = append(events, string(e.Name)+"\x00"+string(e.Data))
			}
			t.Fatal("no end")
			return nil, nil
		}
		a, errA := read(false)
		b, errB := read(true)
		if len(a) != len(b) || errA != errB {
			t.Fatalf("events differ with Buffered: %q (%v) vs %q (%v)", a, errA, b, errB)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("event %d differs with Buffered: %q vs %q", i, a[i], b[i])
			}
		}
	})
}
