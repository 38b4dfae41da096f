package gateway

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

// burstStream yields words as chunks and reports everything after the first chunk (the
// end included) as already received, like an upstream burst.
type burstStream struct {
	words  []string
	i      int
	closed bool
}

func (s *burstStream) Next() (*api.ChatChunk, error) {
	if s.i == len(s.words) {
		return nil, io.EOF
	}
	w := s.words[s.i]
	s.i++
	ch := &api.ChatChunk{ID: "c", Object: "chat.completion.chunk", Model: "m1",
		Choices: []api.ChunkChoice{{Delta: api.Delta{Content: &w}}}}
	if s.i == len(s.words) {
		stop := "stop"
		ch.Choices[0].FinishReason = &stop
	}
	return ch, nil
}

func (s *burstStream) Buffered() bool { return s.i > 0 }
func (s *burstStream) Close() error   { s.closed = true; return nil }

type burstProvider struct {
	mu      sync.Mutex
	streams []*burstStream
}

func (p *burstProvider) Name() string { return "burst" }
func (p *burstProvider) Chat(context.Context, *provider.Attempt, *api.ChatRequest) (*api.ChatResponse, error) {
	return nil, &api.Error{Status: 400, Type: api.ErrUnsupported, Message: "streams only"}
}
func (p *burstProvider) ChatStream(context.Context, *provider.Attempt, *api.ChatRequest) (provider.ChatStream, error) {
	st := &burstStream{words: []string{"a", "b", "c", "d"}}
	p.mu.Lock()
	p.streams = append(p.streams, st)
	p.mu.Unlock()
	return st, nil
}

// statusPlugin records the status of every finished call.
type statusPlugin struct {
	mu       sync.Mutex
	statuses []int
}

func (p *statusPlugin) Name() string { return "status" }
func (p *statusPlugin) PostHook(_ context.Context, c *Call) error {
	p.mu.Lock()
	p.statuses = append(p.statuses, c.Status)
	p.mu.Unlock()
	return nil
}

// writeRecorder keeps each Write apart (fasthttp makes each one HTTP chunk and flush).
type writeRecorder struct{ writes []string }

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func burstServer(t *testing.T) (*Server, *burstProvider, *statusPlugin) {
	t.Helper()
	prov, post := &burstProvider{}, &statusPlugin{}
	cfg := &Config{Providers: map[string]*ProviderConfig{"burst": {Type: "burst", Models: []string{"m1"}}}}
	s, err := New(cfg, Options{
		Plugins:     []Plugin{post},
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		NewProvider: func(provider.Config) (provider.Provider, error) { return prov, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, prov, post
}

func startBurst(s *Server, ctx *fasthttp.RequestCtx) {
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI("/v1/chat/completions")
	ctx.Request.SetBody([]byte(`{"model":"burst/m1","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	s.handle(ctx)
}

func TestStreamWritesFirstChunkAloneThenBursts(t *testing.T) {
	s, prov, post := burstServer(t)
	var ctx fasthttp.RequestCtx
	startBurst(s, &ctx)
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	wt, ok := ctx.Response.BodyStream().(fasthttp.BodyWriterTo)
	if !ok || !wt.SupportsBodyWriteTo() {
		t.Fatalf("stream body %T is not written through WriteTo", ctx.Response.BodyStream())
	}
	var w writeRecorder
	if _, err := wt.WriteTo(&w); err != nil {
		t.Fatal(err)
	}
	ctx.Response.Reset() // fasthttp closes the body: the exchange ends
	if len(w.writes) != 2 {
		t.Fatalf("got %d writes, want 2 (the first chunk, then the burst): %q", len(w.writes), w.writes)
	}
	if n := strings.Count(w.writes[0], "data: "); n != 1 || !strings.Contains(w.writes[0], `"content":"a"`) {
		t.Fatalf("first write %q, want the first chunk alone", w.writes[0])
	}
	if n := strings.Count(w.writes[1], "data: "); n != 4 || !strings.HasSuffix(w.writes[1], "data: [DONE]\n\n") {
		t.Fatalf("second write %q, want chunks b, c, d and [DONE]", w.writes[1])
	}
	if !prov.streams[0].closed {
		t.Fatal("provider stream not closed")
	}
	if len(post.statuses) != 1 || post.statuses[0] != 200 {
		t.Fatalf("post-hook statuses %v, want [200]", post.statuses)
	}
}

func TestStreamDroppedUnwrittenEndsTheCall(t *testing.T) {
	s, prov, post := burstServer(t)
	for i := range 3 { // the exchange is reused after each
		var ctx fasthttp.RequestCtx
		startBurst(s, &ctx)
		if ctx.Response.StatusCode() != 200 {
			t.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
		ctx.Response.Reset() // dropped without writing the body
		if !prov.streams[i].closed {
			t.Fatalf("stream %d: provider stream not closed", i)
		}
		if len(post.statuses) != i+1 || post.statuses[i] != errCanceled.Status {
			t.Fatalf("stream %d: post-hook statuses %v, want the canceled status %d last", i, post.statuses, errCanceled.Status)
		}
	}
}
