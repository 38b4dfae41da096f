package upstream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

func TestBodyReader(t *testing.T) {
	cases := []struct {
		name     string
		cl       int
		in       string
		want     string
		err      error
		reusable bool
		rest     string // what must remain unread (the next response)
	}{
		{name: "length", cl: 5, in: "hello NEXT", want: "hello", reusable: true, rest: " NEXT"},
		{name: "empty length", cl: 0, in: "NEXT", want: "", reusable: true, rest: "NEXT"},
		{name: "short length", cl: 10, in: "hel", want: "hel", err: io.ErrUnexpectedEOF},
		{name: "chunked", cl: -1, in: "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\nNEXT", want: "hello, world", reusable: true, rest: "NEXT"},
		{name: "chunked upper hex, trailer", cl: -1, in: "A\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nNEXT", want: "0123456789", reusable: true, rest: "NEXT"},
		{name: "chunked LF only", cl: -1, in: "3\nabc\n0\n\n", want: "abc", reusable: true},
		{name: "chunked cut", cl: -1, in: "5\r\nhel", want: "hel", err: io.ErrUnexpectedEOF},
		{name: "chunked cut before size", cl: -1, in: "5\r\nhello\r\n", want: "hello", err: io.ErrUnexpectedEOF},
		{name: "bad size", cl: -1, in: "zz\r\nhello\r\n", err: errChunk},
		{name: "huge size", cl: -1, in: "fffffffffffffffff\r\n", err: errChunk},
		{name: "missing CRLF after chunk", cl: -1, in: "2\r\nabXX\r\n0\r\n\r\n", want: "ab", err: errChunk},
		{name: "until close", cl: -2, in: "all of it", want: "all of it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(c.in), 16)
			var b bodyReader
			b.reset(br, c.cl)
			got, err := io.ReadAll(&b)
			if !errors.Is(err, c.err) || string(got) != c.want {
				t.Fatalf("got %q, %v; want %q, %v", got, err, c.want, c.err)
			}
			if b.reusable() != c.reusable {
				t.Fatalf("reusable %v", b.reusable())
			}
			if c.reusable {
				rest, _ := io.ReadAll(br)
				if string(rest) != c.rest {
					t.Fatalf("rest %q, want %q", rest, c.rest)
				}
			}
		})
	}
}

func idleConns(c *Client) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.pools {
		p.mu.Lock()
		n += len(p.idle)
		p.mu.Unlock()
	}
	return n
}

func TestFastReuseAndHeaders(t *testing.T) {
	s := providertest.New(t)
	c := NewClient("t", provider.Timeouts{}, 0)
	defer c.CloseIdleConnections()
	r := &Request{URL: s.URL() + "/v1/chat/completions?x=1", Key: "k",
		Body: []byte(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`),
		Header: [][2]string{{"X-Dup", "first"}, {"Authorization", "Bearer k"}, {"X-Evil", "a\r\nInjected: yes"},
			{"x-dup", "second"}, {"User-Agent", "custom"}, {"Host", "evil"}}}
	for i := 0; i < 5; i++ {
		buf := new(bytes.Buffer)
		if e := c.Do(context.Background(), r, buf); e != nil {
			t.Fatal(e)
		}
		if !strings.Contains(buf.String(), "echo: hi") {
			t.Fatalf("body %s", buf)
		}
		if n := idleConns(c); n != 1 {
			t.Fatalf("after request %d: %d idle connections, want 1 (reuse)", i, n)
		}
	}
	got, _ := s.LastRequest()
	if got.Query != "x=1" || got.Header.Values("X-Dup")[0] != "second" || len(got.Header.Values("X-Dup")) != 1 ||
		got.Header.Get("Injected") != "" || got.Header.Get("X-Evil") != "" || got.Header.Get("User-Agent") != "custom" ||
		got.Header.Get("Authorization") != "Bearer k" || got.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v query %q", got.Header, got.Query)
	}
	// A stream read to its end gives its connection back too.
	st, e := c.Stream(context.Background(), &Request{URL: s.URL() + "/v1/chat/completions",
		Body: []byte(`{"model":"m","stream":true,"messages":[{"role":"user","content":"a b"}]}`)})
	if e != nil {
		t.Fatal(e)
	}
	for {
		ev, err := st.Next()
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		if string(ev.Data) == "[DONE]" {
			st.Done()
			break
		}
	}
	st.Close()
	if n := idleConns(c); n != 1 {
		t.Fatalf("after a stream: %d idle connections", n)
	}
	// A stream abandoned midway closes its connection.
	st, e = c.Stream(context.Background(), &Request{URL: s.URL() + "/v1/chat/completions",
		Body: []byte(`{"model":"m","stream":true,"messages":[{"role":"user","content":"a b"}]}`)})
	if e != nil {
		t.Fatal(e)
	}
	if _, err := st.Next(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if n := idleConns(c); n != 0 {
		t.Fatalf("after an abandoned stream: %d idle connections", n)
	}
}

// oneShotServer answers each connection's first request with keep-alive, then closes
// the connection, as servers with short keep-alive timeouts do.
func oneShotServer(t *testing.T) (addr string, conns *atomic.Int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns = new(atomic.Int32)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				var cl int
				for {
					l, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if v, ok := strings.CutPrefix(l, "Content-Length: "); ok {
						cl, _ = strconv.Atoi(strings.TrimSpace(v))
					}
					if l == "\r\n" {
						break
					}
				}
				_, _ = io.CopyN(io.Discard, br, int64(cl))
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
			}()
		}
	}()
	return ln.Addr().String(), conns
}

func TestFastRetryOnClosedIdleConn(t *testing.T) {
	addr, conns := oneShotServer(t)
	c := NewClient("t", provider.Timeouts{}, 0)
	defer c.CloseIdleConnections()
	r := &Request{URL: "http://" + addr + "/v1/x", Body: []byte(`{}`)}
	for i := 0; i < 3; i++ {
		buf := new(bytes.Buffer)
		if e := c.Do(context.Background(), r, buf); e != nil {
			t.Fatalf("request %d: %v", i, e)
		}
		if buf.String() != "{}" {
			t.Fatalf("body %q", buf)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections, want 3 (one per request, each reuse retried)", n)
	}
}

func TestFastCanceledBeforeStart(t *testing.T) {
	s := providertest.New(t)
	c := NewClient("t", provider.Timeouts{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := c.Do(ctx, &Request{URL: s.URL() + "/v1/chat/completions", Body: []byte(`{}`)}, new(bytes.Buffer))
	if e == nil || e.Type != api.ErrContextCanceled {
		t.Fatalf("%v", e)
	}
	if _, e := c.Stream(ctx, &Request{URL: s.URL() + "/v1/chat/completions", Body: []byte(`{}`)}); e == nil || e.Type != api.ErrContextCanceled {
		t.Fatalf("%v", e)
	}
	if s.Calls() != 0 {
		t.Fatal("a canceled request reached the upstream")
	}
}

func TestSplitURL(t *testing.T) {
	for in, want := range map[string][2]string{
		"http://h:1/v1/x?y=2": {"h:1", "/v1/x?y=2"},
		"http://h":            {"h", "/"},
	} {
		h, pq, ok := splitURL(in)
		if !ok || h != want[0] || pq != want[1] {
			t.Errorf("%s: %q %q %v", in, h, pq, ok)
		}
	}
	for _, in := range []string{"https://h/x", "http:///x", "ftp://h", "http://u:p@h/x", "http://h?x"} {
		if _, _, ok := splitURL(in); ok {
			t.Errorf("%s accepted", in)
		}
	}
}
