package gatewaytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// Fake is an in-process provider with scripted answers, for tests that need a gateway
// without an HTTP upstream. Without a matching Step it echoes the last user message
// ("echo: ...") as a response or a stream of one chunk per word, with usage.
type Fake struct {
	name string

	mu       sync.Mutex
	steps    []Step
	calls    []FakeCall
	models   []string
	canceled chan struct{}
}

// Step is one scripted answer, consumed by the first matching call.
type Step struct {
	Model string // only for this upstream model, when set
	Key   string // only for this key name, when set

	Err      *api.Error        // fail the call (before any chunk)
	Response *api.ChatResponse // answer this instead of the echo
	// Chunks are the stream's chunks instead of the echo's.
	Chunks []api.ChatChunk
	// FailAfter > 0 fails the stream with StreamErr after that many chunks.
	FailAfter int
	StreamErr error
	// Endless repeats the last chunk (every millisecond) until the call's context ends,
	// for tests of client disconnects.
	Endless bool
	// Block waits until the call's context ends and returns its error.
	Block bool
	// Delay waits before answering (or until the context ends).
	Delay time.Duration
	// Gate, when set, is waited on before answering (or until the context ends).
	Gate chan struct{}
}

// FakeCall is one call the fake received.
type FakeCall struct {
	Op      string // "chat", "stream", "embed", "complete"
	Model   string
	Key     string
	Headers [][2]string
	Request *api.ChatRequest
	Embed   *api.EmbeddingRequest
}

// NewFake returns a fake provider that reports models from Models().
func NewFake(name string, models ...string) *Fake {
	return &Fake{name: name, models: models, canceled: make(chan struct{}, 64)}
}

// Script appends steps.
func (f *Fake) Script(steps ...Step) {
	f.mu.Lock()
	f.steps = append(f.steps, steps...)
	f.mu.Unlock()
}

// Calls returns the calls received so far.
func (f *Fake) Calls() []FakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeCall(nil), f.calls...)
}

func (f *Fake) noteCancel() {
	select {
	case f.canceled <- struct{}{}:
	default:
	}
}

// Canceled receives a value each time a call ends because its context was cancelled.
func (f *Fake) Canceled() <-chan struct{} { return f.canceled }

func (f *Fake) Name() string     { return f.name }
func (f *Fake) Models() []string { return f.models }

func (f *Fake) take(op string, at *provider.Attempt, req *api.ChatRequest, emb *api.EmbeddingRequest) Step {
	f.mu.Lock()
	defer f.mu.Unlock()
	call := FakeCall{Op: op, Model: at.Model, Key: at.Key.Name, Headers: append([][2]string(nil), at.Headers...)}
	if req != nil {
		cp := *req
		call.Request = &cp
	}
	if emb != nil {
		cp := *emb
		call.Embed = &cp
	}
	f.calls = append(f.calls, call)
	for i, st := range f.steps {
		if (st.Model == "" || st.Model == at.Model) && (st.Key == "" || st.Key == at.Key.Name) {
			f.steps = append(f.steps[:i], f.steps[i+1:]...)
			return st
		}
	}
	return Step{}
}

func (f *Fake) wait(ctx context.Context, st Step) error {
	var timer <-chan time.Time
	if st.Delay > 0 {
		t := time.NewTimer(st.Delay)
		defer t.Stop()
		timer = t.C
	}
	if !st.Block && st.Gate == nil && st.Delay == 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		f.noteCancel()
		return ctx.Err()
	case <-timer:
		return nil
	case <-st.Gate:
		return nil
	}
}

// Chat answers a non-streamed request.
func (f *Fake) Chat(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (*api.ChatResponse, error) {
	st := f.take("chat", at, req, nil)
	if err := f.wait(ctx, st); err != nil {
		return nil, err
	}
	if st.Err != nil {
		return nil, st.Err
	}
	if st.Response != nil {
		return st.Response, nil
	}
	return Echo(req, at.Model), nil
}

// ChatStream answers a streamed request.
func (f *Fake) ChatStream(ctx context.Context, at *provider.Attempt, req *api.ChatRequest) (provider.ChatStream, error) {
	st := f.take("stream", at, req, nil)
	if err := f.wait(ctx, st); err != nil {
		return nil, err
	}
	if st.Err != nil {
		return nil, st.Err
	}
	chunks := st.Chunks
	if chunks == nil {
		chunks = EchoChunks(req, at.Model)
	}
	return &fakeStream{ctx: ctx, f: f, chunks: chunks, failAfter: st.FailAfter, failErr: st.StreamErr, endless: st.Endless}, nil
}

// Embed returns one 3-dimensional vector per input.
func (f *Fake) Embed(ctx context.Context, at *provider.Attempt, req *api.EmbeddingRequest) (*api.EmbeddingResponse, error) {
	st := f.take("embed", at, nil, req)
	if err := f.wait(ctx, st); err != nil {
		return nil, err
	}
	if st.Err != nil {
		return nil, st.Err
	}
	resp := &api.EmbeddingResponse{Object: "list", Model: at.Model, Usage: &api.EmbeddingUsage{}}
	for i, t := range req.Input.Texts {
		resp.Data = append(resp.Data, api.Embedding{Object: "embedding", Index: i, Embedding: []float32{float32(len(t)), 0.5, -1}})
		resp.Usage.PromptTokens += len(strings.Fields(t))
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	return resp, nil
}

// Complete answers the legacy completions endpoint with raw JSON.
func (f *Fake) Complete(ctx context.Context, at *provider.Attempt, req *api.CompletionRequest) ([]byte, error) {
	st := f.take("complete", at, nil, nil)
	if err := f.wait(ctx, st); err != nil {
		return nil, err
	}
	if st.Err != nil {
		return nil, st.Err
	}
	return fmt.Appendf(nil, `{"id":"cmpl-1","object":"text_completion","model":%q,"choices":[{"index":0,"text":"done","finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}`, at.Model), nil
}

// CompleteStream streams two raw payloads.
func (f *Fake) CompleteStream(ctx context.Context, at *provider.Attempt, req *api.CompletionRequest) (provider.RawStream, error) {
	st := f.take("complete", at, nil, nil)
	if st.Err != nil {
		return nil, st.Err
	}
	return &rawStream{payloads: [][]byte{
		fmt.Appendf(nil, `{"id":"cmpl-1","object":"text_completion","model":%q,"choices":[{"index":0,"text":"do","finish_reason":null}]}`, at.Model),
		fmt.Appendf(nil, `{"id":"cmpl-1","object":"text_completion","model":%q,"choices":[{"index":0,"text":"ne","finish_reason":"stop"}]}`, at.Model),
	}}, nil
}

type rawStream struct{ payloads [][]byte }

func (r *rawStream) Next() ([]byte, error) {
	if len(r.payloads) == 0 {
		return nil, io.EOF
	}
	p := r.payloads[0]
	r.payloads = r.payloads[1:]
	return p, nil
}
func (r *rawStream) Close() error { return nil }

type fakeStream struct {
	ctx       context.Context
	f         *Fake
	chunks    []api.ChatChunk
	next      int
	failAfter int
	failErr   error
	endless   bool
	cur       api.ChatChunk
}

func (s *fakeStream) Next() (*api.ChatChunk, error) {
	if err := s.ctx.Err(); err != nil {
		s.f.noteCancel()
		return nil, err
	}
	if s.failAfter > 0 && s.next >= s.failAfter {
		if s.failErr != nil {
			return nil, s.failErr
		}
		return nil, &api.Error{Type: api.ErrUpstream, Message: "stream cut"}
	}
	if s.next >= len(s.chunks) {
		if !s.endless || len(s.chunks) == 0 {
			return nil, io.EOF
		}
		select {
		case <-s.ctx.Done():
			s.f.noteCancel()
			return nil, s.ctx.Err()
		case <-time.After(time.Millisecond):
		}
		s.next = len(s.chunks) - 1
	}
	// Hand out a copy, as a real decoder would, so the caller may modify it.
	b, _ := json.Marshal(s.chunks[s.next])
	s.cur = api.ChatChunk{}
	_ = json.Unmarshal(b, &s.cur)
	s.next++
	return &s.cur, nil
}

// Buffered reports whether the next scripted chunk is at hand (not for endless streams),
// so the gateway may coalesce writes.
func (s *fakeStream) Buffered() bool { return !s.endless && s.failAfter == 0 && s.next < len(s.chunks) }

// Close reports a cancellation when the stream is closed after its context ended.
func (s *fakeStream) Close() error {
	if s.ctx.Err() != nil {
		s.f.noteCancel()
	}
	return nil
}

// lastUser returns the text of the last user message.
func lastUser(req *api.ChatRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			return req.Messages[i].Content.String()
		}
	}
	return ""
}

// Echo is the fake's default response: "echo: " and the last user message.
func Echo(req *api.ChatRequest, model string) *api.ChatResponse {
	text := "echo: " + lastUser(req)
	words := len(strings.Fields(text))
	return &api.ChatResponse{
		ID: "chatcmpl-fake", Object: "chat.completion", Created: 1700000000, Model: model,
		Choices: []api.Choice{{Index: 0, Message: api.Message{Role: "assistant", Content: api.TextContent(text)}, FinishReason: "stop"}},
		Usage:   &api.Usage{PromptTokens: 10, CompletionTokens: words, TotalTokens: 10 + words},
	}
}

// EchoChunks is the fake's default stream: a role chunk, one chunk per word of the echo,
// a finish chunk and a usage chunk.
func EchoChunks(req *api.ChatRequest, model string) []api.ChatChunk {
	resp := Echo(req, model)
	base := api.ChatChunk{ID: resp.ID, Object: "chat.completion.chunk", Created: resp.Created, Model: model}
	var out []api.ChatChunk
	add := func(d api.Delta, finish *string) {
		ch := base
		ch.Choices = []api.ChunkChoice{{Delta: d, FinishReason: finish}}
		out = append(out, ch)
	}
	add(api.Delta{Role: "assistant"}, nil)
	for i, w := range strings.Fields(resp.Choices[0].Message.Content.Text) {
		if i > 0 {
			w = " " + w
		}
		add(api.Delta{Content: &w}, nil)
	}
	stop := "stop"
	add(api.Delta{}, &stop)
	u := base
	u.Choices = []api.ChunkChoice{}
	u.Usage = resp.Usage
	return append(out, u)
}

var (
	_ provider.Provider  = (*Fake)(nil)
	_ provider.Streamer  = (*Fake)(nil)
	_ provider.Embedder  = (*Fake)(nil)
	_ provider.Completer = (*Fake)(nil)
	_ provider.Lister    = (*Fake)(nil)
)
