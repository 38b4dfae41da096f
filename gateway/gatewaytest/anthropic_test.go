package gatewaytest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

// anthropicEvent is one SSE event of the Messages API.
type anthropicEvent struct {
	name string
	data map[string]any
}

func anthropicEvents(t *testing.T, body []byte) []anthropicEvent {
	t.Helper()
	var out []anthropicEvent
	var name string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			var m map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m); err != nil {
				t.Fatalf("bad event data %q: %v", line, err)
			}
			if m["type"] != name {
				t.Errorf("event %q carries type %v", name, m["type"])
			}
			out = append(out, anthropicEvent{name, m})
		}
	}
	return out
}

func TestAnthropicFront(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fakeConfig("fake")
	cfg.Auth.Keys = []gateway.GatewayKey{{Name: "claude-code", Value: "sk-muninn-123"}}
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	url := gw.URL + "/anthropic/v1/messages"
	key := []string{"x-api-key", "sk-muninn-123", "anthropic-version", "2023-06-01"}

	body := `{"model":"fake/m1","max_tokens":100,"system":"be brief","messages":[{"role":"user","content":[{"type":"text","text":"hello world"}]}],
		"tools":[{"name":"get_weather","description":"w","input_schema":{"type":"object"}}]}`
	r := post(t, url, body, key...)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var msg struct {
		Type       string `json:"type"`
		Model      string `json:"model"`
		StopReason string `json:"stop_reason"`
		Content    []struct {
			Type, Text string
		} `json:"content"`
		Usage struct {
			InputTokens  int `json:"input_tokens"`
			OutputTokens int `json:"output_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(r.body, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Type != "message" || msg.Model != "fake/m1" || msg.StopReason != "end_turn" || len(msg.Content) != 1 ||
		msg.Content[0].Text != "echo: hello world" || msg.Usage.InputTokens != 10 {
		t.Errorf("message %+v", msg)
	}
	up := fake.Calls()[0].Request
	if up.Messages[0].Role != "system" || up.Messages[0].Content.Text != "be brief" || len(up.Tools) != 1 || *up.MaxTokens != 100 {
		t.Errorf("translated request: %+v", up)
	}

	// Streamed, with a tool call.
	idx := 0
	name, args1, args2 := "get_weather", `{"city":`, `"Oslo"}`
	text := "Let me check."
	stop := "tool_calls"
	fake.Script(gatewaytest.Step{Chunks: []api.ChatChunk{
		{ID: "c1", Model: "m1", Choices: []api.ChunkChoice{{Delta: api.Delta{Role: "assistant", Content: &text}}}},
		{ID: "c1", Model: "m1", Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: &idx, ID: "call_1", Type: "function", Function: api.ToolCallFunction{Name: name, Arguments: args1}}}}}}},
		{ID: "c1", Model: "m1", Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: &idx, Function: api.ToolCallFunction{Arguments: args2}}}}}}},
		{ID: "c1", Model: "m1", Choices: []api.ChunkChoice{{FinishReason: &stop}}},
		{ID: "c1", Model: "m1", Choices: []api.ChunkChoice{}, Usage: &api.Usage{PromptTokens: 7, CompletionTokens: 5, TotalTokens: 12}},
	}})
	r = post(t, url, strings.Replace(body, `"max_tokens":100`, `"max_tokens":100,"stream":true`, 1), key...)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", r.status, r.body)
	}
	ev := anthropicEvents(t, r.body)
	var names []string
	for _, e := range ev {
		names = append(names, e.name)
	}
	want := "message_start content_block_start content_block_delta content_block_stop content_block_start content_block_delta content_block_delta content_block_stop message_delta message_stop"
	if strings.Join(names, " ") != want {
		t.Fatalf("events\n  %s\nwant\n  %s", strings.Join(names, " "), want)
	}
	if ev[4].data["content_block"].(map[string]any)["name"] != "get_weather" || ev[6].data["delta"].(map[string]any)["partial_json"] != `"Oslo"}` {
		t.Errorf("tool events: %v %v", ev[4].data, ev[6].data)
	}
	md := ev[8].data
	if md["delta"].(map[string]any)["stop_reason"] != "tool_use" || md["usage"].(map[string]any)["output_tokens"] != float64(5) {
		t.Errorf("message_delta %v", md)
	}

	// Errors come back in Anthropic's shape.
	for _, tc := range []struct {
		body    string
		headers []string
		status  int
		typ     string
	}{
		{body, nil, 401, "authentication_error"},
		{`{"model":"fake/m1","messages":[{"role":"user","content":"x"}]}`, key, 400, "invalid_request_error"},
		{`{"model":"nope/x","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`, key, 404, "not_found_error"},
		{`{"model":`, key, 400, "invalid_request_error"},
	} {
		r := post(t, url, tc.body, tc.headers...)
		var e struct {
			Type  string `json:"type"`
			Error struct {
				Type, Message string
			} `json:"error"`
		}
		if err := json.Unmarshal(r.body, &e); err != nil || r.status != tc.status || e.Type != "error" || e.Error.Type != tc.typ {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}
}

func TestAnthropicFrontFallbacks(t *testing.T) {
	a := gatewaytest.NewFake("a", "m1")
	b := gatewaytest.NewFake("b", "m1")
	zero := 0
	cfg := fakeConfig("a", "b")
	cfg.Retries.Max = &zero
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, a, b)
	a.Script(gatewaytest.Step{Err: &api.Error{Type: api.ErrUpstreamUnavail, Message: "down"}})
	r := post(t, gw.URL+"/anthropic/v1/messages", `{"model":"a/m1","max_tokens":5,"fallbacks":["b/m1"],"messages":[{"role":"user","content":"x"}]}`)
	if r.status != 200 || r.header.Get("x-muninn-provider") != "b" {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	if c := b.Calls(); len(c) != 1 || c[0].Request.Extra["fallbacks"] != nil || len(c[0].Request.Fallbacks) != 0 {
		t.Errorf("fallbacks leaked upstream: %+v", c)
	}
}
