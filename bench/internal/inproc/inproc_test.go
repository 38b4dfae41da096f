//go:build unix

package inproc

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"syscall"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	_ "github.com/muninn-gw/muninn/gateway/provider/openai"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
	"github.com/valyala/fasthttp"
)

const (
	chat   = `{"model":"%s","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":16,"temperature":0}`
	stream = `{"model":"%s","stream":true,"messages":[{"role":"user","content":"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"}],"max_tokens":64}`
)

func body(tmpl, model string) []byte {
	return bytes.Replace([]byte(tmpl), []byte("%s"), []byte(model), 1)
}

// start runs the fake upstream and a plain gateway (no plugins) in front of it.
func start(tb testing.TB) (up *providertest.Server, gwAddr string) {
	tb.Helper()
	up = providertest.New(tb)
	up.SetRecording(false)
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{
		"fake": {Type: "openai", BaseURL: up.URL() + "/v1", Keys: []gateway.KeyConfig{{Name: "bench", Value: "sk-bench"}}, Models: []string{"gpt-4o-mini"}},
	}}
	srv, err := gateway.New(cfg, gateway.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Shutdown(tb.Context()) })
	return up, ln.Addr().String()
}

func run(b *testing.B, addr string, payload []byte, isStream bool) {
	hc := &fasthttp.HostClient{Addr: addr, MaxConns: 256, StreamResponseBody: false}
	defer hc.CloseIdleConnections()
	b.ReportAllocs()
	b.SetParallelism(16)
	cpu0 := cpuTime()
	defer func() {
		// Wall time per op depends on what else the machine runs; CPU time much less.
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	}()
	b.RunParallel(func(pb *testing.PB) {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.Header.SetMethod("POST")
		req.SetRequestURI("http://" + addr + "/v1/chat/completions")
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(payload)
		for pb.Next() {
			if err := hc.Do(req, resp); err != nil {
				b.Error(err)
				return
			}
			if resp.StatusCode() != 200 || isStream && !bytes.Contains(resp.Body(), []byte("[DONE]")) {
				b.Errorf("status %d: %.200s", resp.StatusCode(), resp.Body())
				return
			}
		}
	})
}

// cpuTime is the process's user + system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkChat is one non-streaming chat completion per op, 16 goroutines per CPU in
// flight (a closed loop).
func BenchmarkChat(b *testing.B) {
	up, gw := start(b)
	b.Run("Direct", func(b *testing.B) { run(b, up.Addr(), body(chat, "gpt-4o-mini"), false) })
	b.Run("Gateway", func(b *testing.B) { run(b, gw, body(chat, "fake/gpt-4o-mini"), false) })
}

// BenchmarkStream is one 20-chunk SSE chat completion per op.
func BenchmarkStream(b *testing.B) {
	up, gw := start(b)
	b.Run("Direct", func(b *testing.B) { run(b, up.Addr(), body(stream, "gpt-4o-mini"), true) })
	b.Run("Gateway", func(b *testing.B) { run(b, gw, body(stream, "fake/gpt-4o-mini"), true) })
}

// TestPathWorks keeps the benchmarks honest: the same setup answers one request of each
// kind correctly.
func TestPathWorks(t *testing.T) {
	_, gw := start(t)
	for _, tc := range []struct {
		name, tmpl string
		want       string
	}{
		{"chat", chat, `"content":"echo: What is the capital of France? Answer in one word."`},
		{"stream", stream, "data: [DONE]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.Header.SetMethod("POST")
			req.SetRequestURI("http://" + gw + "/v1/chat/completions")
			req.Header.SetContentType("application/json")
			req.SetBody(body(tc.tmpl, "fake/gpt-4o-mini"))
			if err := fasthttp.Do(req, resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != 200 || !bytes.Contains(resp.Body(), []byte(tc.want)) {
				t.Fatalf("status %d, body %s; want %s", resp.StatusCode(), resp.Body(), tc.want)
			}
			if tc.name == "stream" {
				if n := bytes.Count(resp.Body(), []byte("data: ")); n != 21 {
					t.Errorf("%d SSE events, want 20 chunks and [DONE]:\n%s", n, resp.Body())
				}
			}
		})
	}
}
