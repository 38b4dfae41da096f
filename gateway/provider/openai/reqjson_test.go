package openai

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

var requestCorpus = []string{
	`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}`,
	`{"model":"m","messages":[{"role":"system","content":"be <brief> & \"exact\"\n\t\u2028\u2029\u0001\u007f é 😀"},{"role":"user","content":null},{"role":"assistant","content":"x","name":"n","refusal":"r"},{"role":"tool","content":"","tool_call_id":"t"}],"stream":true,"stream_options":{"include_usage":true},"temperature":0.7,"top_p":1,"n":2,"max_tokens":10,"max_completion_tokens":11,"presence_penalty":-0.5,"frequency_penalty":0,"seed":-42,"user":"u","parallel_tool_calls":false,"fallbacks":["a","b<"]}`,
	`{"model":"m","messages":[],"stream_options":{},"temperature":1e-7}`,
	`{"model":"m","messages":null,"temperature":1e21}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":123456789.123456789,"top_p":0.000001,"seed":9007199254740993}`,
	`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]}`,
	`{"model":"m","messages":[{"role":"user","content":"x","extra":1}]}`,
	`{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a"],"tools":[{"type":"function","function":{"name":"f"}}]}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":{"a":1}}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"},"tool_choice":"auto"}`,
	"{\"model\":\"bad \xff utf8\",\"messages\":[{\"role\":\"user\",\"content\":\"\xe2\x80\"}]}",
}

// checkSameEncode checks that appendRequest writes what json.Marshal writes, when it
// takes the request.
func checkSameEncode(t *testing.T, r *api.ChatRequest) (took bool) {
	t.Helper()
	want, werr := json.Marshal(r)
	got, ok := appendRequest(nil, r)
	if !ok {
		return false
	}
	if werr != nil {
		t.Fatalf("appendRequest took a request json.Marshal rejects (%v): %s", werr, got)
	}
	if string(got) != string(want) {
		t.Fatalf("appendRequest:\n got %s\nwant %s", got, want)
	}
	return true
}

func TestAppendRequestMatches(t *testing.T) {
	took := 0
	for _, in := range requestCorpus {
		var r api.ChatRequest
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			t.Fatalf("corpus %s: %v", in, err)
		}
		if checkSameEncode(t, &r) {
			took++
		}
	}
	if took < 4 {
		t.Fatalf("appendRequest took %d corpus requests, want at least 4", took)
	}
	// Values that JSON text cannot carry but a plugin could set.
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Copysign(0, -1), 5e-324, 1e20, -1e-6} {
		r := api.ChatRequest{Model: "m", Messages: []api.Message{{Role: "user", Content: api.TextContent("x")}}, Temperature: &f}
		checkSameEncode(t, &r)
	}
	// The common request must take the hand encoder.
	tests := []struct {
		name string
		req  api.ChatRequest
		take bool
	}{
		{"text", api.ChatRequest{Model: "m", Messages: []api.Message{{Role: "user", Content: api.TextContent("hi")}}}, true},
		{"parts", api.ChatRequest{Model: "m", Messages: []api.Message{{Role: "user", Content: api.Content{IsParts: true}}}}, false},
		{"extra", api.ChatRequest{Model: "m", Extra: api.Extra{"x": json.RawMessage("1")}}, false},
		{"tools", api.ChatRequest{Model: "m", Tools: []api.Tool{{Type: "function"}}}, false},
	}
	for _, tt := range tests {
		r := tt.req
		if got := checkSameEncode(t, &r); got != tt.take {
			t.Errorf("%s: took %v, want %v", tt.name, got, tt.take)
		}
	}
}

func FuzzAppendRequest(f *testing.F) {
	for _, s := range requestCorpus {
		f.Add([]byte(s), "x", 0.5)
	}
	f.Fuzz(func(t *testing.T, in []byte, content string, temp float64) {
		var r api.ChatRequest
		if json.Unmarshal(in, &r) == nil {
			checkSameEncode(t, &r)
		}
		r2 := api.ChatRequest{Model: content, Messages: []api.Message{{Role: "user", Content: api.TextContent(content), Name: content}}, Temperature: &temp, User: content}
		checkSameEncode(t, &r2)
	})
}

func BenchmarkEncodeRequest(b *testing.B) {
	var r api.ChatRequest
	in := `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":16,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}`
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		b.Fatal(err)
	}
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(&r)
		}
	})
	b.Run("hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = appendRequest(make([]byte, 0, 512), &r)
		}
	})
}
