package sse

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type ev struct{ name, data string }

func readAll(in string, maxLine int) ([]ev, error) {
	r := NewReader(strings.NewReader(in), maxLine)
	defer r.Release()
	var out []ev
	for {
		e, err := r.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev{string(e.Name), string(e.Data)})
	}
}

func TestReader(t *testing.T) {
	long := strings.Repeat("x", 100)
	cases := []struct {
		name    string
		in      string
		maxLine int
		want    []ev
		err     error
	}{
		{name: "openai", in: "data: {\"a\":1}\n\ndata: [DONE]\n\n", want: []ev{{"", `{"a":1}`}, {"", "[DONE]"}}},
		{name: "no space", in: "data:{\"a\":1}\n\n", want: []ev{{"", `{"a":1}`}}},
		{name: "crlf", in: "data: a\r\n\r\ndata: b\r\n\r\n", want: []ev{{"", "a"}, {"", "b"}}},
		{name: "comments and keep-alives", in: ": ping\n\n:\n\ndata: a\n: mid\n\n", want: []ev{{"", "a"}}},
		{name: "anthropic events", in: "event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: ping\ndata: {}\n\n",
			want: []ev{{"message_start", `{"type":"message_start"}`}, {"ping", "{}"}}},
		{name: "multi-line data", in: "data: a\ndata: b\n\n", want: []ev{{"", "a\nb"}}},
		{name: "id and retry ignored", in: "id: 7\nretry: 100\ndata: x\n\n", want: []ev{{"", "x"}}},
		{name: "missing final blank line", in: "data: a\n\ndata: b\n", want: []ev{{"", "a"}, {"", "b"}}},
		{name: "missing [DONE] is clean EOF", in: "data: a\n\n", want: []ev{{"", "a"}}},
		{name: "truncated line", in: "data: a\n\ndata: {\"b", want: []ev{{"", "a"}}, err: ErrTruncated},
		{name: "empty stream", in: "", want: nil},
		{name: "field without colon", in: "data\n\n", want: []ev{{"", ""}}},
		{name: "huge line", in: "data: " + long + "\n\n", maxLine: 50, err: ErrLineTooLong},
		{name: "line at limit", in: "data: " + long[:44] + "\n\n", maxLine: 50, want: []ev{{"", long[:44]}}},
		{name: "unknown field", in: "foo: bar\ndata: x\n\n", want: []ev{{"", "x"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readAll(c.in, c.maxLine)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("event %d = %q, want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestLongLineBeyondBuffer(t *testing.T) {
	// Lines longer than the internal 16 KiB buffer are gathered, up to the limit.
	big := strings.Repeat("y", 40<<10)
	got, err := readAll("data: "+big+"\n\n", 64<<10)
	if err != nil || len(got) != 1 || got[0].data != big {
		t.Fatalf("err %v, %d events", err, len(got))
	}
	if _, err := readAll("data: "+big+big+"\n\n", 64<<10); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("want ErrLineTooLong, got %v", err)
	}
}

func TestOneByteReads(t *testing.T) {
	in := "event: e\r\ndata: {\"a\":1}\r\n\r\n: ka\n\ndata:[DONE]\n\n"
	r := NewReader(iotest.OneByteReader(strings.NewReader(in)), 0)
	defer r.Release()
	var got []ev
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev{string(e.Name), string(e.Data)})
	}
	if len(got) != 2 || got[0] != (ev{"e", `{"a":1}`}) || got[1] != (ev{"", "[DONE]"}) {
		t.Fatalf("got %q", got)
	}
}

func TestErrorSticks(t *testing.T) {
	r := NewReader(iotest.ErrReader(errors.New("boom")), 0)
	defer r.Release()
	for range 2 {
		if _, err := r.Next(); err == nil || err.Error() != "boom" {
			t.Fatalf("err %v", err)
		}
	}
}

func BenchmarkReader(b *testing.B) {
	var sb strings.Builder
	for range 20 {
		sb.WriteString(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" word"},"finish_reason":null}]}` + "\n\n")
	}
	sb.WriteString("data: [DONE]\n\n")
	in := sb.String()
	sr := strings.NewReader(in)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		sr.Reset(in)
		r := NewReader(sr, 0)
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		r.Release()
	}
}
