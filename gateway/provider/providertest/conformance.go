package providertest

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// ConformanceKey is the key the conformance suite puts on every attempt; upstream error
// bodies echo it, and no error may contain it.
const ConformanceKey = "sk-conformance-SECRET-0123456789abcdefABCDEF"

// Conformance runs the contract every HTTP provider must meet against a fake upstream:
// chat and streamed chat through the built-in replies, error normalisation (types,
// statuses, Retry-After, no key in any message), truncated and canceled streams, an
// unreachable upstream, and the passing of Attempt.Headers. newProvider builds the
// provider for a base URL (the fake's root URL, or a closed port).
func Conformance(t *testing.T, newProvider func(baseURL string) (provider.Provider, error)) {
	t.Helper()
	s := New(t)
	p, err := newProvider(s.URL())
	if err != nil {
		t.Fatalf("new provider: %v", err)
	}
	at := &provider.Attempt{Model: "conformance-model", Key: provider.Key{Name: "k", Value: ConformanceKey},
		Headers: [][2]string{{"traceparent", "00-11111111111111111111111111111111-2222222222222222-01"}}}
	req := func() *api.ChatRequest {
		mt := 50
		return &api.ChatRequest{Model: "alias", MaxTokens: &mt,
			Messages: []api.Message{{Role: "user", Content: api.TextContent("ping pong")}}}
	}

	t.Run("chat", func(t *testing.T) {
		resp, err := p.Chat(context.Background(), at, req())
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Choices) != 1 || resp.Choices[0].Message.Content.String() != "echo: ping pong" ||
			resp.Choices[0].FinishReason != "stop" || resp.Usage == nil || resp.Usage.TotalTokens == 0 {
			t.Fatalf("response %+v", resp)
		}
		r, _ := s.LastRequest()
		if r.Header.Get("Traceparent") != at.Headers[0][1] || !strings.Contains(string(r.Body), "conformance-model") {
			t.Fatalf("upstream request %v %s", r.Header, r.Body)
		}
	})

	st, streams := p.(provider.Streamer)
	if streams {
		t.Run("stream", func(t *testing.T) {
			cs, err := st.ChatStream(context.Background(), at, req())
			if err != nil {
				t.Fatal(err)
			}
			var text, finish string
			var usage *api.Usage
			for {
				c, err := cs.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if c.Usage != nil {
					usage = c.Usage
				}
				for _, ch := range c.Choices {
					if ch.Delta.Content != nil {
						text += *ch.Delta.Content
					}
					if ch.FinishReason != nil {
						finish = *ch.FinishReason
					}
				}
			}
			if _, err := cs.Next(); err != io.EOF {
				t.Fatalf("Next after the end: %v", err)
			}
			_ = cs.Close()
			if err := cs.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			if text != "echo: ping pong" || finish != "stop" || usage == nil || usage.TotalTokens == 0 {
				t.Fatalf("stream text %q finish %q usage %+v", text, finish, usage)
			}
		})
	}

	leak := `{"error":{"message":"key ` + ConformanceKey + ` rejected; Bearer ` + ConformanceKey + `","type":"error"}}`
	errCases := []struct {
		status int
		header map[string]string
		body   string
		typ    string
		out    int
		retry  time.Duration
	}{
		{400, nil, `{"error":{"message":"bad request ` + ConformanceKey + `","type":"invalid_request_error"}}`, api.ErrInvalidRequest, 400, 0},
		{401, nil, leak, api.ErrUpstreamAuth, 502, 0},
		{403, nil, leak, api.ErrUpstreamAuth, 502, 0},
		{404, nil, `{"error":{"message":"model conformance-model not found","type":"not_found_error"}}`, api.ErrModelNotFound, 404, 0},
		{429, map[string]string{"Retry-After": "3"}, leak, api.ErrRateLimit, 429, 3 * time.Second},
		{500, nil, leak, api.ErrUpstream, 502, 0},
		{503, nil, `overloaded`, api.ErrUpstream, 502, 0},
		{529, nil, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, api.ErrUpstream, 502, 0},
	}
	for _, c := range errCases {
		for _, stream := range []bool{false, true} {
			if stream && !streams {
				continue
			}
			s.Script(Step{Status: c.status, Header: c.header, Body: c.body})
			var err error
			if stream {
				_, err = st.ChatStream(context.Background(), at, req())
			} else {
				_, err = p.Chat(context.Background(), at, req())
			}
			e := conformanceErr(t, err)
			if e.Type != c.typ || e.Status != c.out || e.UpstreamStatus != c.status || e.RetryAfter != c.retry {
				t.Errorf("upstream %d (stream %v): got %+v, want type %s status %d retry %v", c.status, stream, e, c.typ, c.out, c.retry)
			}
		}
	}

	if streams {
		t.Run("truncated", func(t *testing.T) {
			s.Script(Step{Chunks: []string{": keep-alive", "data: {\"partial"}, CloseAfterChunks: 2})
			cs, err := st.ChatStream(context.Background(), at, req())
			if err != nil {
				t.Fatal(err)
			}
			defer cs.Close()
			for {
				if _, err = cs.Next(); err != nil {
					break
				}
			}
			if e := conformanceErr(t, err); e.Type != api.ErrUpstream {
				t.Fatalf("truncated stream: %+v", e)
			}
		})
		t.Run("canceled", func(t *testing.T) {
			s.Script(Step{Hang: true})
			ctx, cancel := context.WithCancel(context.Background())
			n := s.Calls()
			go func() {
				for s.Calls() == n {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
			_, err := st.ChatStream(ctx, at, req())
			if e := conformanceErr(t, err); e.Type != api.ErrContextCanceled {
				t.Fatalf("canceled: %+v", e)
			}
		})
	}

	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		down, err := newProvider("http://" + addr)
		if err != nil {
			t.Fatal(err)
		}
		_, err = down.Chat(context.Background(), at, req())
		if e := conformanceErr(t, err); e.Type != api.ErrUpstreamUnavail {
			t.Fatalf("unreachable: %+v", e)
		}
	})
}

func conformanceErr(t *testing.T, err error) *api.Error {
	t.Helper()
	var e *api.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *api.Error", err, err)
	}
	if strings.Contains(e.Error(), ConformanceKey) || strings.Contains(e.Error(), "SECRET") || strings.Contains(string(e.JSON()), "SECRET") {
		t.Fatalf("the key leaked into an error: %v", e)
	}
	return e
}
