package gateway

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

// benchProvider answers from memory, so a benchmark measures only the gateway.
type benchProvider struct{ resp *api.ChatResponse }

func (p *benchProvider) Name() string { return "bench" }
func (p *benchProvider) Chat(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (*api.ChatResponse, error) {
	return p.resp, nil
}
func (p *benchProvider) ChatStream(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (provider.ChatStream, error) {
	return newReplay(p.resp), nil
}

// countingPlugin is a plugin with every hook, as cheap as a plugin can be.
type countingPlugin struct{ n int }

func (p *countingPlugin) Name() string { return "count" }
func (p *countingPlugin) PreHook(ctx context.Context, c *Call) (*Reply, error) {
	p.n++
	return nil, nil
}
func (p *countingPlugin) PostHook(ctx context.Context, c *Call) error { return nil }

var benchBody = []byte(`{"model":"bench/m1","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":16,"temperature":0}`)

// cpuMeter reports the process CPU time (user+system) per operation, which a shared,
// loaded machine disturbs far less than wall time.
type cpuMeter struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuMeter { return cpuMeter{processCPU()} }

func (m cpuMeter) report(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-m.start)/float64(b.N), "cpu-ns/op")
	}
}

func benchServer(b *testing.B) *Server {
	b.Helper()
	text := "Paris."
	resp := &api.ChatResponse{ID: "chatcmpl-1", Object: "chat.completion", Created: 1700000000, Model: "m1",
		Choices: []api.Choice{{Message: api.Message{Role: "assistant", Content: api.TextContent(text)}, FinishReason: "stop"}},
		Usage:   &api.Usage{PromptTokens: 20, CompletionTokens: 2, TotalTokens: 22}}
	cfg := &Config{Providers: map[string]*ProviderConfig{"bench": {Type: "bench", Models: []string{"m1"}}}}
	s, err := New(cfg, Options{
		Plugins:     []Plugin{&countingPlugin{}, &countingPlugin{}},
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		NewProvider: func(provider.Config) (provider.Provider, error) { return &benchProvider{resp}, nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkChatPipeline is decode -> pipeline (two plugins) -> route -> provider (in
// memory) -> encode, through the real fasthttp handler, without a network.
func BenchmarkChatPipeline(b *testing.B) {
	s := benchServer(b)
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/v1/chat/completions")
		ctx.Request.Header.SetContentType("application/json")
		ctx.Request.SetBody(benchBody)
		s.handle(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
}

// BenchmarkChatBaseline is the floor any OpenAI-compatible proxy pays: decoding the
// request and encoding the response with the same wire types. The pipeline's own cost
// is BenchmarkChatPipeline minus this.
func BenchmarkChatBaseline(b *testing.B) {
	s := benchServer(b)
	resp := s.table.Load().providers["bench"].prov.(*benchProvider).resp
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		var req api.ChatRequest
		if err := json.Unmarshal(benchBody, &req); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(resp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChatStreamPipeline measures a streamed answer of a few chunks, the SSE
// encoding included (the stream writer runs inline here).
func BenchmarkChatStreamPipeline(b *testing.B) {
	s := benchServer(b)
	body := []byte(`{"model":"bench/m1","stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/v1/chat/completions")
		ctx.Request.SetBody(body)
		s.handle(&ctx)
		if _, err := io.Copy(io.Discard, ctx.Response.BodyStream()); err != nil {
			b.Fatal(err)
		}
		ctx.Response.CloseBodyStream()
	}
}
