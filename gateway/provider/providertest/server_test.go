package providertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, url, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp, b
}

func dataLines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, p)
		}
	}
	return out
}

func TestDefaultChat(t *testing.T) {
	s := New(t)
	resp, b := post(t, s.URL()+"/v1/chat/completions",
		`{"model":"m1","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hello there \"world\""}]}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var r struct {
		Model   string
		Choices []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			Prompt     int `json:"prompt_tokens"`
			Completion int `json:"completion_tokens"`
			Total      int `json:"total_tokens"`
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	if r.Model != "m1" || r.Choices[0].Message.Content != `echo: hello there "world"` || r.Choices[0].FinishReason != "stop" {
		t.Fatalf("reply %+v", r)
	}
	if r.Usage.Prompt != 5 || r.Usage.Completion != 4 || r.Usage.Total != 9 {
		t.Fatalf("usage %+v", r.Usage)
	}
	if s.Calls() != 1 || len(s.Requests()) != 1 || s.Requests()[0].Path != "/v1/chat/completions" {
		t.Fatalf("recorded %d %+v", s.Calls(), s.Requests())
	}
}

func TestDefaultChatStream(t *testing.T) {
	s := New(t)
	for _, usage := range []bool{false, true} {
		body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c"}]}`
		if usage {
			body = `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b c"}]}`
		}
		resp, b := post(t, s.URL()+"/v1/chat/completions", body)
		if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("content type %q", ct)
		}
		lines := dataLines(b)
		if lines[len(lines)-1] != "[DONE]" {
			t.Fatalf("no [DONE]: %q", lines)
		}
		var text strings.Builder
		var finish string
		var gotUsage bool
		for _, l := range lines[:len(lines)-1] {
			var c struct {
				Choices []struct {
					Delta        struct{ Content string }
					FinishReason *string `json:"finish_reason"`
				}
				Usage *struct {
					Total int `json:"total_tokens"`
				}
			}
			if err := json.Unmarshal([]byte(l), &c); err != nil {
				t.Fatalf("chunk %q: %v", l, err)
			}
			if c.Usage != nil {
				gotUsage = c.Usage.Total == 7
				continue
			}
			text.WriteString(c.Choices[0].Delta.Content)
			if c.Choices[0].FinishReason != nil {
				finish = *c.Choices[0].FinishReason
			}
		}
		if text.String() != "echo: a b c" || finish != "stop" || gotUsage != usage {
			t.Fatalf("usage=%v: text %q finish %q gotUsage %v", usage, text.String(), finish, gotUsage)
		}
	}
}

func TestScript(t *testing.T) {
	s := New(t)
	s.Script(
		Step{Path: "/embeddings", Status: 500, Body: `{"error":{"message":"emb down"}}`},
		Step{Status: 429, Header: map[string]string{"Retry-After": "3"}, Body: `{"error":{"message":"slow"}}`},
		Step{Model: "special", Body: `{"special":true}`},
		Step{Chunks: []string{`{"x":1}`, "data:{\"y\":2}", ": keep-alive", "[DONE]"}},
	)
	resp, b := post(t, s.URL()+"/v1/chat/completions", `{"model":"m","messages":[]}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" || !strings.Contains(string(b), "slow") {
		t.Fatalf("step 1: %d %s", resp.StatusCode, b)
	}
	resp, b = post(t, s.URL()+"/v1/chat/completions", `{"model":"m","messages":[]}`)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" ||
		string(b) != "data: {\"x\":1}\n\ndata:{\"y\":2}\n\n: keep-alive\n\ndata: [DONE]\n\n" {
		t.Fatalf("chunks step: %d %q", resp.StatusCode, b)
	}
	resp, b = post(t, s.URL()+"/v1/chat/completions", `{"model":"special","messages":[]}`)
	if string(b) != `{"special":true}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("model step: %q", b)
	}
	resp, _ = post(t, s.URL()+"/v1/embeddings", `{"model":"e","input":"x"}`)
	if resp.StatusCode != 500 || s.Pending() != 0 {
		t.Fatalf("path step: %d pending %d", resp.StatusCode, s.Pending())
	}
}

func TestCloseAfterChunks(t *testing.T) {
	s := New(t)
	s.Script(Step{Chunks: []string{`{"a":1}`, `{"a":2}`, `{"a":3}`}, CloseAfterChunks: 2})
	resp, err := http.Post(s.URL()+"/v1/chat/completions", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want unexpected EOF, got %v", err)
	}
	if string(b) != "data: {\"a\":1}\n\ndata: {\"a\":2}\n\n" {
		t.Fatalf("body %q", b)
	}
}

func TestHang(t *testing.T) {
	s := New(t)
	s.Script(Step{Hang: true}, Step{Chunks: []string{`{"a":1}`}, Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+"/v1/chat/completions", strings.NewReader(`{}`))
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	for s.Calls() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("want canceled, got %v", err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitCanceled(wctx, 1); err != nil {
		t.Fatal(err)
	}
	// A stream that sends one event then hangs: the first event arrives, then Close cuts it.
	resp, err := http.Post(s.URL()+"/v1/chat/completions", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "data: {\"a\":1}\n" {
		t.Fatalf("first line %q %v", line, err)
	}
	s.Close()
	if _, err := io.ReadAll(br); err == nil {
		t.Fatal("stream not cut by Close")
	}
	resp.Body.Close()
}

func TestEmbeddings(t *testing.T) {
	s := New(t)
	_, b := post(t, s.URL()+"/v1/embeddings", `{"model":"e","input":["one two","three"],"dimensions":8}`)
	var r struct {
		Data []struct {
			Index     int
			Embedding []float32
		}
		Usage struct {
			Prompt int `json:"prompt_tokens"`
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if len(r.Data) != 2 || r.Usage.Prompt != 3 {
		t.Fatalf("reply %s", b)
	}
	for i, d := range r.Data {
		want := Vector([]string{"one two", "three"}[i], 8)
		var norm float64
		for j, f := range d.Embedding {
			norm += float64(f) * float64(f)
			if f != want[j] {
				t.Fatalf("vector %d differs from Vector: %v vs %v", i, d.Embedding, want)
			}
		}
		if d.Index != i || len(d.Embedding) != 8 || math.Abs(norm-1) > 1e-5 {
			t.Fatalf("vector %d: index %d len %d norm %v", i, d.Index, len(d.Embedding), norm)
		}
	}
}

func TestMessages(t *testing.T) {
	s := New(t)
	_, b := post(t, s.URL()+"/v1/messages", `{"model":"claude","system":"sys words","max_tokens":10,"messages":[{"role":"user","content":"hi you"}]}`)
	var r struct {
		Type    string
		Content []struct{ Type, Text string }
		Stop    string `json:"stop_reason"`
		Usage   struct {
			In  int `json:"input_tokens"`
			Out int `json:"output_tokens"`
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Type != "message" || r.Content[0].Text != "echo: hi you" || r.Stop != "end_turn" || r.Usage.In != 4 || r.Usage.Out != 3 {
		t.Fatalf("reply %s", b)
	}
	_, b = post(t, s.URL()+"/v1/messages", `{"model":"claude","stream":true,"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`)
	var events []string
	for _, l := range strings.Split(string(b), "\n") {
		if ev, ok := strings.CutPrefix(l, "event: "); ok {
			events = append(events, ev)
		}
	}
	want := "message_start content_block_start ping content_block_delta content_block_delta content_block_stop message_delta message_stop"
	if strings.Join(events, " ") != want {
		t.Fatalf("events %v", events)
	}
}

func TestBadBodyAndModels(t *testing.T) {
	s := New(t)
	resp, _ := post(t, s.URL()+"/v1/chat/completions", `{"model":`)
	if resp.StatusCode != 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	r, err := http.Get(s.URL() + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(b), `"gpt-4o-mini"`) {
		t.Fatalf("models %s", b)
	}
}
