package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

const benchBody = `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word please."}]}`

// BenchmarkClient compares the raw HTTP round trip of net/http (as tuned for the
// providers) with fasthttp's HostClient, against the fake upstream, and the whole
// provider Chat call (encode + round trip + decode). Run with -cpu 1 for comparable
// per-request CPU.
func BenchmarkClient(b *testing.B) {
	s, err := providertest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.SetRecording(false)
	url := s.URL() + "/v1/chat/completions"
	body := []byte(benchBody)

	for _, mode := range []string{"fast", "nethttp"} {
		b.Run(mode, func(b *testing.B) {
			pr, _ := newProvider(provider.Config{Name: "b", BaseURL: s.URL()})
			c := pr.client
			if mode == "nethttp" {
				c.UseNetHTTP()
			}
			req := pr.request(&provider.Attempt{Model: "m", Key: provider.Key{Value: "k"}}, "/chat/completions", body)
			buf := new(bytes.Buffer)
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer reportCPU(b, cpu0)
			for b.Loop() {
				buf.Reset()
				if e := c.Do(context.Background(), req, buf); e != nil {
					b.Fatal(e)
				}
			}
		})
	}
	b.Run("nethttp-plain", func(b *testing.B) {
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
		b.ReportAllocs()
		cpu0 := cpuTime()
		defer reportCPU(b, cpu0)
		for b.Loop() {
			resp, err := c.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("fasthttp-hostclient", func(b *testing.B) {
		hc := &fasthttp.HostClient{Addr: s.Addr(), MaxConns: 64}
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		b.ReportAllocs()
		cpu0 := cpuTime()
		defer reportCPU(b, cpu0)
		for b.Loop() {
			req.Reset()
			req.SetRequestURI(url)
			req.Header.SetMethod("POST")
			req.Header.SetContentType("application/json")
			req.Header.Set("Authorization", "Bearer k")
			req.SetBody(body)
			if err := hc.Do(req, resp); err != nil {
				b.Fatal(err)
			}
			_ = resp.Body()
		}
	})
	for _, mode := range []string{"fast", "nethttp"} {
		b.Run("provider-chat-"+mode, func(b *testing.B) {
			pr, _ := newProvider(provider.Config{Name: "b", BaseURL: s.URL()})
			if mode == "nethttp" {
				pr.client.UseNetHTTP()
			}
			var req api.ChatRequest
			_ = json.Unmarshal(body, &req)
			at := &provider.Attempt{Model: "gpt-4o-mini", Key: provider.Key{Value: "k"}}
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer reportCPU(b, cpu0)
			for b.Loop() {
				if _, err := pr.Chat(context.Background(), at, &req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChatStream measures a 20-chunk stream through the provider (decode of every
// chunk included) against the fake upstream.
func BenchmarkChatStream(b *testing.B) {
	s, err := providertest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.SetRecording(false)
	var req api.ChatRequest
	_ = json.Unmarshal([]byte(`{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c d e f g h i j k l m n o p q r"}]}`), &req)
	at := &provider.Attempt{Model: "m", Key: provider.Key{Value: "k"}}
	for _, mode := range []string{"fast", "nethttp"} {
		b.Run(mode, func(b *testing.B) {
			pr, _ := newProvider(provider.Config{Name: "b", BaseURL: s.URL()})
			if mode == "nethttp" {
				pr.client.UseNetHTTP()
			}
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer reportCPU(b, cpu0)
			for b.Loop() {
				st, err := pr.ChatStream(context.Background(), at, &req)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					if _, err := st.Next(); err != nil {
						if err != io.EOF {
							b.Fatal(err)
						}
						break
					}
					n++
				}
				st.Close()
				if n < 20 {
					b.Fatalf("%d chunks", n)
				}
			}
		})
	}
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process CPU time per operation (client and fake upstream
// together: the upstream's share is the same in every mode), which contention on a
// shared machine distorts much less than wall time.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
