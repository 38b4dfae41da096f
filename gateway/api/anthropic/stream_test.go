package anthropic

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

// anthropicStream is a recorded-shape Anthropic stream with text, a tool call and cache usage.
var anthropicStream = []string{
	`{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1,"cache_read_input_tokens":100,"cache_creation_input_tokens":50}}}`,
	`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
	`{"type":"ping"}`,
	`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}`,
	`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}`,
	`{"type":"content_block_stop","index":0}`,
	`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get","input":{}}}`,
	`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}`,
	`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"q\":"}}`,
	`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}}`,
	`{"type":"content_block_stop","index":1}`,
	`{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}`,
	`{"type":"message_stop"}`,
}

// assembled is what a client rebuilds from OpenAI chunks.
type assembled struct {
	role, text, finish string
	calls              map[int]*api.ToolCall
	usage              *api.Usage
}

func (a *assembled) add(c *api.ChatChunk) {
	if c.Usage != nil {
		u := *c.Usage
		a.usage = &u
	}
	for _, ch := range c.Choices {
		if ch.Delta.Role != "" {
			a.role = ch.Delta.Role
		}
		if ch.Delta.Content != nil {
			a.text += *ch.Delta.Content
		}
		if ch.FinishReason != nil {
			a.finish = *ch.FinishReason
		}
		for _, tc := range ch.Delta.ToolCalls {
			if a.calls == nil {
				a.calls = map[int]*api.ToolCall{}
			}
			cur := a.calls[*tc.Index]
			if cur == nil {
				cur = &api.ToolCall{}
				a.calls[*tc.Index] = cur
			}
			if tc.ID != "" {
				cur.ID, cur.Function.Name = tc.ID, tc.Function.Name
			}
			cur.Function.Arguments += tc.Function.Arguments
		}
	}
}

func convertAll(t *testing.T, events []string) assembled {
	t.Helper()
	cv := NewChunkConverter()
	var a assembled
	for _, e := range events {
		var ev StreamEvent
		if err := json.Unmarshal([]byte(e), &ev); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		c, err := cv.Event(&ev)
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			// Chunks must encode as valid OpenAI chunks.
			if _, err := json.Marshal(c); err != nil {
				t.Fatal(err)
			}
			a.add(c)
		}
	}
	if !cv.Done() {
		t.Fatal("message_stop not seen")
	}
	return a
}

func TestChunkConverter(t *testing.T) {
	a := convertAll(t, anthropicStream)
	if a.role != "assistant" || a.text != "Hello world" || a.finish != "tool_calls" {
		t.Fatalf("assembled %+v", a)
	}
	if c := a.calls[0]; c == nil || c.ID != "toolu_1" || c.Function.Name != "get" || c.Function.Arguments != `{"q":1}` {
		t.Fatalf("tool call %+v", a.calls)
	}
	if u := a.usage; u.PromptTokens != 155 || u.CompletionTokens != 12 || u.CachedTokens() != 100 || u.CacheCreationTokens() != 50 {
		t.Fatalf("usage %+v", a.usage)
	}
	cv := NewChunkConverter()
	_, err := cv.Event(&StreamEvent{Type: "error", Error: &ErrorDetail{Type: "overloaded_error", Message: "Overloaded"}})
	if e, ok := err.(*api.Error); !ok || e.Type != api.ErrUpstream || e.Code != "overloaded" {
		t.Fatalf("error event: %v", err)
	}
}

// parseSSE splits EventWriter output into (event, data) pairs, checking the framing.
func parseSSE(t *testing.T, s string) (names []string, datas []string) {
	t.Helper()
	if s != "" && !strings.HasSuffix(s, "\n\n") {
		t.Fatalf("unterminated events %q", s)
	}
	for _, blk := range strings.Split(strings.TrimSuffix(s, "\n\n"), "\n\n") {
		if blk == "" {
			continue
		}
		lines := strings.Split(blk, "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "event: ") || !strings.HasPrefix(lines[1], "data: ") {
			t.Fatalf("bad event block %q", blk)
		}
		name, data := strings.TrimPrefix(lines[0], "event: "), strings.TrimPrefix(lines[1], "data: ")
		var typ struct{ Type string }
		if err := json.Unmarshal([]byte(data), &typ); err != nil || typ.Type != name {
			t.Fatalf("event %s data %s (%v)", name, data, err)
		}
		names = append(names, name)
		datas = append(datas, data)
	}
	return names, datas
}

func strp(s string) *string { return &s }
func intp(i int) *int       { return &i }

func TestEventWriterRoundTrip(t *testing.T) {
	chunks := []api.ChatChunk{
		{ID: "chatcmpl-1", Choices: []api.ChunkChoice{{Delta: api.Delta{Role: "assistant", Content: strp("")}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{Content: strp("Hi \"there\"")}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{Content: strp("!")}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: intp(0), ID: "call_a", Type: "function", Function: api.ToolCallFunction{Name: "f", Arguments: ""}}}}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: intp(0), Function: api.ToolCallFunction{Arguments: `{"x":`}}}}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: intp(0), Function: api.ToolCallFunction{Arguments: `2}`}}}}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: intp(1), ID: "call_b", Type: "function", Function: api.ToolCallFunction{Name: "g", Arguments: "{}"}}}}}}},
		{Choices: []api.ChunkChoice{{Delta: api.Delta{}, FinishReason: strp("tool_calls")}}},
		{Choices: []api.ChunkChoice{}, Usage: &api.Usage{PromptTokens: 40, CompletionTokens: 9, TotalTokens: 49,
			PromptTokensDetails: &api.PromptTokensDetails{CachedTokens: 30, CacheCreationTokens: 4}}},
	}
	w := NewEventWriter("claude-x")
	var out []byte
	for i := range chunks {
		out = w.Chunk(out, &chunks[i])
	}
	out = w.Finish(out)
	out = w.Finish(out) // idempotent
	names, datas := parseSSE(t, string(out))
	want := "message_start content_block_start content_block_delta content_block_delta content_block_stop " +
		"content_block_start content_block_delta content_block_delta content_block_stop " +
		"content_block_start content_block_delta content_block_stop message_delta message_stop"
	if strings.Join(names, " ") != want {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(names, " "), want)
	}
	if !strings.Contains(datas[0], `"model":"claude-x"`) || !strings.Contains(datas[0], `"id":"msg_chatcmpl-1"`) {
		t.Fatalf("message_start %s", datas[0])
	}
	jsonEq(t, "message_delta", []byte(datas[len(datas)-2]),
		`{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":6,"output_tokens":9,"cache_read_input_tokens":30,"cache_creation_input_tokens":4}}`)

	// What the front writes, a native Anthropic client (here: ChunkConverter) reads back.
	a := convertAll(t, datas)
	if a.text != `Hi "there"!` || a.finish != "tool_calls" || len(a.calls) != 2 ||
		a.calls[0].Function.Arguments != `{"x":2}` || a.calls[1].ID != "call_b" || a.calls[1].Function.Arguments != "{}" {
		t.Fatalf("round trip %+v calls %+v %+v", a, a.calls[0], a.calls[1])
	}
	if a.usage.PromptTokens != 40 || a.usage.CachedTokens() != 30 || a.usage.CacheCreationTokens() != 4 || a.usage.CompletionTokens != 9 {
		t.Fatalf("round trip usage %+v %+v", a.usage, a.usage.PromptTokensDetails)
	}
}

func TestEventWriterEmptyAndError(t *testing.T) {
	w := NewEventWriter("m")
	names, _ := parseSSE(t, string(w.Finish(nil)))
	if strings.Join(names, " ") != "message_start message_delta message_stop" {
		t.Fatalf("empty stream events %v", names)
	}
	w = NewEventWriter("m")
	out := w.Chunk(nil, &api.ChatChunk{Choices: []api.ChunkChoice{{Delta: api.Delta{Content: strp("a")}}}})
	out = w.Error(out, &api.Error{Type: api.ErrUpstreamTimeout, Message: "slow"})
	out = w.Chunk(out, &api.ChatChunk{Choices: []api.ChunkChoice{{Delta: api.Delta{Content: strp("b")}}}})
	names, datas := parseSSE(t, string(out))
	if names[len(names)-1] != "error" || !strings.Contains(datas[len(datas)-1], `"timeout_error"`) {
		t.Fatalf("events %v %v", names, datas)
	}
	if p := w.Ping(nil); string(p) != "event: ping\ndata: {\"type\":\"ping\"}\n\n" {
		t.Fatalf("ping %q", p)
	}
}

func BenchmarkEventWriter(b *testing.B) {
	chunk := api.ChatChunk{Choices: []api.ChunkChoice{{Delta: api.Delta{Content: strp(" word")}}}}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		w := NewEventWriter("m")
		for range 20 {
			buf = w.Chunk(buf[:0], &chunk)
		}
		buf = w.Finish(buf[:0])
	}
	_ = io.Discard
}
