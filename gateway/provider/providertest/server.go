package providertest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// Step is one scripted behaviour, consumed by one request.
type Step struct {
	// Path, when set, restricts the step to requests whose path ends with it
	// ("/chat/completions", "/embeddings", "/messages", ...).
	Path string
	// Model, when set, restricts the step to requests for that model.
	Model string

	Status int               // HTTP status; 200 when zero
	Body   string            // response body, sent as JSON
	Header map[string]string // extra response headers
	Delay  time.Duration     // wait before answering (before the status line)

	// Chunks are SSE payloads sent as a text/event-stream response (see the package doc).
	Chunks     []string
	ChunkDelay time.Duration // wait before each chunk
	// CloseAfterChunks > 0 cuts the connection after that many chunks.
	CloseAfterChunks int
	// Hang holds the request, answering nothing, until the client goes away or Close.
	Hang bool
}

func (st *Step) builtin() bool {
	return st.Status == 0 && st.Body == "" && st.Chunks == nil && !st.Hang
}

// Request is one request the fake upstream received.
type Request struct {
	Method string
	Path   string // path without the query
	Query  string // raw query
	Header http.Header
	Body   []byte
}

// Server is the fake upstream.
type Server struct {
	ln  net.Listener
	srv *fasthttp.Server
	url string

	mu        sync.Mutex
	steps     []Step
	def       *Step
	requests  []Request
	recording bool
	hijacked  map[net.Conn]struct{}
	closed    bool
	done      chan struct{}

	calls    atomic.Int64
	canceled atomic.Int64
	wg       sync.WaitGroup
}

// New starts a fake upstream for a test and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatalf("providertest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake upstream on 127.0.0.1 at a free port. Close it when done.
func Start() (*Server, error) {
	return StartAt("127.0.0.1:0")
}

// StartAt starts a fake upstream listening on addr.
func StartAt(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("providertest: listen %s: %w", addr, err)
	}
	s := &Server{
		ln:        ln,
		url:       "http://" + ln.Addr().String(),
		recording: true,
		hijacked:  map[net.Conn]struct{}{},
		done:      make(chan struct{}),
	}
	s.srv = &fasthttp.Server{
		Handler:                       s.handle,
		Name:                          "providertest",
		NoDefaultServerHeader:         true,
		NoDefaultDate:                 true,
		DisableHeaderNamesNormalizing: false,
		MaxRequestBodySize:            64 << 20,
		ReadBufferSize:                16 << 10,
		CloseOnShutdown:               true,
		// Hijacked connections are ours to close, so Close can cut hanging requests.
		KeepHijackedConns: true,
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// URL is the server's root URL, "http://127.0.0.1:PORT". OpenAI-compatible clients use
// URL()+"/v1" as their base URL; Anthropic clients use URL() (they add /v1/messages).
func (s *Server) URL() string { return s.url }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Script queues steps, consumed one per matching request in order.
func (s *Server) Script(steps ...Step) {
	s.mu.Lock()
	s.steps = append(s.steps, steps...)
	s.mu.Unlock()
}

// SetDefault sets the behaviour of requests that no scripted step matches (nil restores
// the built-in reply). It is not consumed.
func (s *Server) SetDefault(st *Step) {
	s.mu.Lock()
	if st != nil {
		c := *st
		st = &c
	}
	s.def = st
	s.mu.Unlock()
}

// Pending is the number of scripted steps not consumed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.steps)
}

// SetRecording turns the recording of requests on (the default) or off.
func (s *Server) SetRecording(on bool) {
	s.mu.Lock()
	s.recording = on
	s.mu.Unlock()
}

// Requests returns a copy of the recorded requests, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// LastRequest returns the last recorded request; ok is false when there is none.
func (s *Server) LastRequest() (r Request, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		return Request{}, false
	}
	return s.requests[len(s.requests)-1], true
}

// Reset forgets the recorded requests, the scripted steps and the call count.
func (s *Server) Reset() {
	s.mu.Lock()
	s.requests, s.steps = nil, nil
	s.calls.Store(0)
	s.mu.Unlock()
}

// Calls is the number of requests received.
func (s *Server) Calls() int { return int(s.calls.Load()) }

// Canceled is the number of requests whose client went away before the answer was
// complete (a failed stream write, or a hanging request whose connection the client
// closed). It lets tests check that a gateway cancels upstream calls.
func (s *Server) Canceled() int { return int(s.canceled.Load()) }

// WaitCanceled waits until Canceled() >= n or ctx is done.
func (s *Server) WaitCanceled(ctx context.Context, n int) error {
	for s.Canceled() < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("providertest: %d canceled requests, want %d: %w", s.Canceled(), n, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close stops the server, cutting hanging requests and open streams. Safe to call twice.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	for c := range s.hijacked {
		_ = c.Close()
	}
	s.mu.Unlock()
	_ = s.srv.Shutdown()
	_ = s.ln.Close()
	s.wg.Wait()
}

// next records the request and returns the step that answers it (nil: built-in).
func (s *Server) next(ctx *fasthttp.RequestCtx, path []byte, model string) *Step {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recording {
		h := make(http.Header)
		ctx.Request.Header.VisitAll(func(k, v []byte) {
			h.Add(string(k), string(v))
		})
		s.requests = append(s.requests, Request{
			Method: string(ctx.Method()),
			Path:   string(path),
			Query:  string(ctx.URI().QueryString()),
			Header: h,
			Body:   append([]byte(nil), ctx.PostBody()...),
		})
	}
	for i := range s.steps {
		st := &s.steps[i]
		if st.Path != "" && !bytes.HasSuffix(path, []byte(st.Path)) {
			continue
		}
		if st.Model != "" && st.Model != model {
			continue
		}
		out := *st
		s.steps = append(s.steps[:i], s.steps[i+1:]...)
		return &out
	}
	if s.def != nil {
		c := *s.def
		return &c
	}
	return nil
}

func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	path := ctx.Path()
	var body reqBody
	if ctx.IsPost() {
		if err := body.parse(ctx.PostBody()); err != nil {
			s.calls.Add(1)
			writeError(ctx, 400, "invalid_request_error", "providertest: "+err.Error())
			return
		}
	}
	st := s.next(ctx, path, body.Model)
	if st != nil {
		if st.Delay > 0 && !s.sleep(st.Delay) {
			return
		}
		for k, v := range st.Header {
			ctx.Response.Header.Set(k, v)
		}
		if !st.builtin() {
			s.scripted(ctx, st)
			return
		}
	}
	var chunkDelay time.Duration
	if st != nil {
		chunkDelay = st.ChunkDelay
	}
	switch {
	case bytes.HasSuffix(path, []byte("/chat/completions")):
		s.defaultChat(ctx, &body, chunkDelay)
	case bytes.HasSuffix(path, []byte("/completions")):
		s.defaultCompletion(ctx, &body, chunkDelay)
	case bytes.HasSuffix(path, []byte("/embeddings")):
		defaultEmbeddings(ctx, &body)
	case bytes.HasSuffix(path, []byte("/messages")):
		s.defaultMessages(ctx, &body, chunkDelay)
	case bytes.HasSuffix(path, []byte("/models")):
		ctx.SetContentType("application/json")
		ctx.SetBodyString(modelsBody)
	default:
		writeError(ctx, 404, "not_found_error", "providertest: no route for "+string(path))
	}
}

// sleep waits d or until Close; false when closed.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

const modelsBody = `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1700000000,"owned_by":"providertest"},{"id":"text-embedding-3-small","object":"model","created":1700000000,"owned_by":"providertest"}]}`

func writeError(ctx *fasthttp.RequestCtx, status int, typ, msg string) {
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	b := append([]byte(`{"error":{"message":`), quote(msg)...)
	b = append(b, `,"type":`...)
	b = append(b, quote(typ)...)
	b = append(b, `}}`...)
	ctx.SetBody(b)
}

func isSSELine(c string) bool {
	for _, p := range [...]string{"data:", "event:", "id:", "retry:", ":"} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return false
}
