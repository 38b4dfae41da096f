package openai

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

var decodeCorpus = []string{
	`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
	`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","service_tier":"default","choices":[{"index":0,"delta":{"content":"hé \"q\""},"logprobs":null,"finish_reason":null}],"obfuscation":"abc"}`,
	`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}`,
	`{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":"think","content":null},"finish_reason":null}]}`,
	`{"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":1},"completion_tokens_details":{"reasoning_tokens":2}}}`,
	`{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`,
	`{"id":"c","x_groq":{"id":"req"},"choices":[{"index":0,"delta":{"content":"a"}}]}`,
	`{"id":"c","choices":[{"index":0,"delta":{"content":"a","custom":1}}]}`,
	`{"id":"c","choices":[{"index":0,"delta":{"content":"a"},"logprobs":{"content":[{"token":"a","logprob":-0.1,"bytes":[97],"top_logprobs":[]}]}}]}`,
	`{"id":"c"}`,
	`{"id":"chatcmpl-1","object":"chat.completion","created":2,"model":"gpt","choices":[{"index":0,"message":{"role":"assistant","content":"hi","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
	`{"id":"r","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}]}`,
	`{"id":"r","choices":[{"index":0,"message":{"role":"assistant","tool_calls":[]},"finish_reason":"stop"}]}`,
	`{"id":"r","choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"x"}]},"finish_reason":"stop"}]}`,
	`{"id":"r","choices":[{"index":0,"message":{"role":"assistant","content":"x","reasoning_content":"r","refusal":"no"},"finish_reason":"stop"}]}`,
	`{"id":"r","citations":["u"],"choices":[{"index":0,"message":{"role":"assistant","content":"x"}}]}`,
	`{"id":"esc\u0041","ch\u006fices":[]}`,
	// Shapes of the hand scanner (chunkscan.go) and its edges.
	` { "id" : "a\u00e9\n\"" , "object":null,"created":-0,"model":"m\u2028","choices":[ {"index":1,"delta":{"role":"assistant","content":"h\ud800é"},"finish_reason":null,"logprobs":null} ] } `,
	`{"id":"c","choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"refusal":"r","role":null}}]}`,
	`{"id":"c","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`,
	`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":null}}],"usage":null,"choices":[]}`,
	`{"id":"c","id":"d"}`,
	`{"id":"c","ID":"d"}`,
	`{"created":1.0}`,
	`{"created":1e3}`,
	`{"created":0123}`,
	`{"created":99999999999999999999}`,
	`{"created":"1"}`,
	`{"choices":[{"index":0,"delta":null}]}`,
	`{"choices":null,"obfuscation":123}`,
	`{"choices":{}}`,
	`{"choices":[{"index":0,"delta":{"content":"a\x"}}]}`,
	`{"choices":[{"index":0,"delta":{"content":"a` + "\x01" + `"}}]}`,
	`{"id":"c"} x`,
	`{"id":"c",}`,
	`{"id":"c"`,
	`[]`,
	`null`,
	`{"id":"\u00zz"}`,
	`{"choices":[{"index":-3,"delta":{"content":"\/"},"finish_reason":"length"}]}`,
	`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}`,
	`{"choices":[{"index":0,"delta":{"tool_calls":{}}}]}`,
	`{"usage":[1]}`,
	`{"obfuscation":"a","obfuscation":"b"}`,
	`{"id":"r","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a\u00e9","refusal":null,"annotations":[ ]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"service_tier":"default","system_fingerprint":"fp"}`,
	`{"id":"r","choices":[{"index":0,"message":{"role":"assistant","name":"n","tool_call_id":"t","reasoning_content":"r","content":null}}]}`,
	`{"id":"r","choices":[{"index":0,"message":null}]}`,
	`{"id":"r","choices":[{"index":0,"message":{}},{"index":1}]}`,
	`{"id":"r","choices":[{"index":0,"message":{"content":1}}]}`,
	`{"id":"r","choices":[{"finish_reason":null,"message":{"refusal":"x","role":"assistant"}}],"usage":{"prompt_tokens":1,"Prompt_tokens":2}}`,
	`{"usage":{"prompt_tokens":1,"prompt_tokens":2,"total_tokens":null}}`,
	`{"usage":{"prompt_tokens":1,"prompt_tokens_details":{"cached_tokens":1}}}`,
	`{"usage":{"prompt_tokens":"1"}}`,
}

// TestFastDecodeMatches proves the fast path decodes exactly like the api types.
func TestFastDecodeMatches(t *testing.T) {
	for _, in := range decodeCorpus {
		checkSameDecode(t, []byte(in))
	}
}

func checkSameDecode(t *testing.T, in []byte) {
	t.Helper()
	var want api.ChatChunk
	werr := json.Unmarshal(in, &want)
	var d chunkDecoder
	var got api.ChatChunk
	gerr := d.decode(in, &got)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("chunk %s: errors differ: api %v, fast %v", in, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(normChunk(got), normChunk(want)) {
		t.Fatalf("chunk %s:\nfast %+v\napi  %+v", in, got, want)
	}
	var wantR api.ChatResponse
	werr = json.Unmarshal(in, &wantR)
	gotR, gerr := decodeResponse(in)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("response %s: errors differ: api %v, fast %v", in, werr, gerr)
	}
	if werr == nil {
		a, _ := json.Marshal(gotR)
		b, _ := json.Marshal(&wantR)
		if string(a) != string(b) || !reflect.DeepEqual(gotR.Choices, wantR.Choices) {
			t.Fatalf("response %s:\nfast %s\napi  %s", in, a, b)
		}
	}
}

// normChunk encodes a chunk: the fast path reuses its choices slice, so compare values.
func normChunk(c api.ChatChunk) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// TestScanChunkTakesCommonChunks checks that the common chunk shapes take the hand
// scanner (not the encoding/json fallbacks) and that it leaves the unusual ones to them.
func TestScanChunkTakesCommonChunks(t *testing.T) {
	tests := []struct {
		in   string
		scan bool
	}{
		{`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`, true},
		{`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":" word"},"finish_reason":null}],"obfuscation":"x"}`, true},
		{`{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`, true},
		{`{"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`, true},
		{`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}`, true},
		{`{"id":"c","choices":[{"index":0,"delta":{"content":"hé \"q\""}}]}`, true},
		{`{"id":"c","x_groq":{"id":"req"}}`, false},
		{`{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":"r"}}]}`, false},
		{`{"id":"c","choices":[{"index":0,"delta":{"content":"a"},"logprobs":{"content":[]}}]}`, false},
		{`{"id":"c","id":"d"}`, false},
		{`{"Id":"c"}`, false},
	}
	for _, tt := range tests {
		var d chunkDecoder
		var c api.ChatChunk
		if got := d.scanChunk([]byte(tt.in), &c); got != tt.scan {
			t.Errorf("scanChunk(%s) = %v, want %v", tt.in, got, tt.scan)
		}
	}
	for _, in := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion","created":2,"model":"gpt","choices":[{"index":0,"message":{"role":"assistant","content":"hi","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
		`{"id":"r","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`,
	} {
		var r api.ChatResponse
		if !scanResponse([]byte(in), &r) {
			t.Errorf("scanResponse(%s) = false, want true", in)
		}
	}
	// Values repeated from the previous chunk are shared, new ones taken.
	var d chunkDecoder
	var c api.ChatChunk
	for i, in := range []string{`{"id":"a","model":"m","choices":[]}`, `{"id":"a","model":"n","choices":[]}`} {
		if !d.scanChunk([]byte(in), &c) {
			t.Fatalf("chunk %d not scanned", i)
		}
	}
	if c.ID != "a" || c.Model != "n" {
		t.Fatalf("got id %q model %q, want a, n", c.ID, c.Model)
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range decodeCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkSameDecode(t, in)
	})
}

func BenchmarkDecodeChunk(b *testing.B) {
	in := []byte(`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" word"},"finish_reason":null}],"obfuscation":"xyz"}`)
	b.Run("api", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var c api.ChatChunk
			_ = json.Unmarshal(in, &c)
		}
	})
	b.Run("fast", func(b *testing.B) {
		var d chunkDecoder
		var c api.ChatChunk
		b.ReportAllocs()
		for b.Loop() {
			_ = d.decode(in, &c)
		}
	})
}

func BenchmarkDecodeResponse(b *testing.B) {
	in := []byte(`{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22},"service_tier":"default","system_fingerprint":"fp_1"}`)
	b.Run("api", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r api.ChatResponse
			_ = json.Unmarshal(in, &r)
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = decodeResponse(in)
		}
	})
}
