package gatewaytest_test

import (
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
	"github.com/valyala/fasthttp"
)

// The loopback benchmarks send the same chat request through the gateway to the fake
// upstream, and directly to the fake upstream, in one run: the difference is the
// gateway's cost per request (its CPU and the extra loopback hop), measured closed-loop
// on one connection.
//
//	go test -run '^$' -bench Loopback -benchtime 3000x ./gateway/gatewaytest/

var loopbackBody = []byte(`{"model":"up/gpt-test","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}`)

func benchLoopback(b *testing.B, url string, body []byte) {
	c := &fasthttp.Client{MaxConnsPerHost: 4}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	b.ReportAllocs()
	cpu0 := processCPU()
	defer func() { b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		req.Reset()
		req.SetRequestURI(url)
		req.Header.SetMethod("POST")
		req.Header.SetContentType("application/json")
		req.SetBody(body)
		if err := c.Do(req, resp); err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode() != 200 {
			b.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
		}
	}
}

// processCPU is the process's user+system CPU time; the benchmark process holds the
// client, the gateway and the fake upstream, so Gateway minus Direct is the gateway's
// CPU per request.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loopbackSetup(b *testing.B) (*providertest.Server, *gatewaytest.Gateway) {
	up := providertest.New(b)
	up.SetRecording(false)
	cfg := upstreamConfig(up, "k1")
	gw := gatewaytest.Start(b, cfg, gateway.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return up, gw
}

func BenchmarkLoopbackDirect(b *testing.B) {
	up, _ := loopbackSetup(b)
	benchLoopback(b, up.URL()+"/v1/chat/completions", loopbackBody)
}

func BenchmarkLoopbackGateway(b *testing.B) {
	_, gw := loopbackSetup(b)
	benchLoopback(b, gw.URL+"/v1/chat/completions", loopbackBody)
}

var loopbackStreamBody = []byte(`{"model":"up/gpt-test","stream":true,"messages":[{"role":"user","content":"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"}]}`)

func BenchmarkLoopbackStreamDirect(b *testing.B) {
	up, _ := loopbackSetup(b)
	benchLoopback(b, up.URL()+"/v1/chat/completions", loopbackStreamBody)
}

func BenchmarkLoopbackStreamGateway(b *testing.B) {
	_, gw := loopbackSetup(b)
	benchLoopback(b, gw.URL+"/v1/chat/completions", loopbackStreamBody)
}
