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
