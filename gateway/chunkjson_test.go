package gateway

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

func sp(s string) *string { return &s }

func chunkSamples() []api.ChatChunk {
	idx := 0
	return []api.ChatChunk{
		{ID: "c1", Object: "chat.completion.chunk", Created: 1, Model: "m", Choices: []api.ChunkChoice{{Delta: api.Delta{Role: "assistant", Content: sp("")}}}},
		{ID: "c1", Model: "m", Choices: []api.ChunkChoice{{Index: 1, Delta: api.Delta{Content: sp("a \"q\" <b> & \\ \n\t\x01 é \u2028 \xff")}}}},
		{ID: "c1", Model: "m", Choices: []api.ChunkChoice{{Delta: api.Delta{}, FinishReason: sp("stop")}}, SystemFingerprint: "fp", ServiceTier: "default"},
		{ID: "c1", Model: "m", Choices: []api.ChunkChoice{}, Usage: &api.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3}},
		{ID: "c1", Model: "m"},
		{ID: "c1", Model: "m", Choices: []api.ChunkChoice{{Delta: api.Delta{ToolCalls: []api.ToolCall{{Index: &idx, ID: "t", Type: "function", Function: api.ToolCallFunction{Name: "f", Arguments: "{\"a\":"}}}, Refusal: sp("no")}}}},
		{ID: "c1", Model: "m", Choices: []api.ChunkChoice{{Delta: api.Delta{Content: sp("x"), Extra: api.Extra{"reasoning_content": json.RawMessage(`"r"`)}}}}},
		{ID: "c1", Model: "m", Extra: api.Extra{"provider": json.RawMessage(`"p"`)}},
		{ID: "c1", Model: "m", Choices: []api.ChunkChoice{{Delta: api.Delta{Content: sp("x")}, Logprobs: json.RawMessage(`{"content":[]}`)}}},
	}
}

func TestAppendChunkJSONMatchesMarshal(t *testing.T) {
	for i, ch := range chunkSamples() {
		want, err := json.Marshal(ch)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendChunkJSON(nil, &ch)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("sample %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "a\"b\\c", "<&>", "\u2028\u2029", "\xff\xfe", "é日本", "\x00\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := api.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
	})
}

func BenchmarkChunkEncode(b *testing.B) {
	ch := chunkSamples()[1]
	b.Run("hand", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = appendChunkJSON(buf[:0], &ch)
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(ch)
		}
	})
}

func TestAppendResponseJSONMatchesMarshal(t *testing.T) {
	idx := 0
	samples := []api.ChatResponse{
		{ID: "r", Object: "chat.completion", Created: 5, Model: "m", Choices: []api.Choice{{Message: api.Message{Role: "assistant", Content: api.TextContent("hi <b>")}, FinishReason: "stop"}},
			Usage: &api.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3}},
		{ID: "r", Model: "m", Choices: []api.Choice{{Index: 1, Message: api.Message{Role: "assistant", Content: api.Content{Null: true}, Name: "n", Refusal: "no", ToolCallID: "t",
			ToolCalls: []api.ToolCall{{Index: &idx, ID: "c", Type: "function", Function: api.ToolCallFunction{Name: "f", Arguments: "{}"}}}}}},
			Usage: &api.Usage{PromptTokens: 1, PromptTokensDetails: &api.PromptTokensDetails{CachedTokens: 1}}, SystemFingerprint: "fp", ServiceTier: "t"},
		{ID: "r", Model: "m"},
		{ID: "r", Model: "m", Choices: []api.Choice{}},
		{ID: "r", Model: "m", Choices: []api.Choice{{Message: api.Message{Role: "assistant", Content: api.Content{IsParts: true, Parts: []api.ContentPart{{Type: "text", Text: "x"}}}}}}},
		{ID: "r", Model: "m", Choices: []api.Choice{{Message: api.Message{Role: "assistant", Content: api.TextContent("x"), Extra: api.Extra{"reasoning_content": json.RawMessage(`"r"`)}}}}},
		{ID: "r", Model: "m", Extra: api.Extra{"x": json.RawMessage(`1`)}, Choices: []api.Choice{{Logprobs: json.RawMessage(`null`)}}},
		{ID: "r", Model: "m", Choices: []api.Choice{{Message: api.Message{Role: "assistant"}}}},
	}
	for i, r := range samples {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendResponseJSON(nil, &r)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("sample %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
