package anthropic

import (
	"encoding/json"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

// FuzzTranslate feeds arbitrary bodies to both request translations and the stream
// converters: they must return errors, never panic.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","max_tokens":5,"system":"s","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA"}},{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"x"}]}]}],"tools":[{"name":"f","input_schema":{}}],"tool_choice":{"type":"tool","name":"f"}}`,
		`{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r"}],"stop":["a"],"tool_choice":"required"}`,
		`{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{"}}`,
		`{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":3}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if r, err := DecodeRequest(in); err == nil {
			if c, err := MessagesToChat(r); err == nil {
				if _, err := json.Marshal(c); err != nil {
					t.Fatalf("encode translated request: %v", err)
				}
			}
		}
		var creq api.ChatRequest
		if json.Unmarshal(in, &creq) == nil {
			if m, err := ChatToMessages(&creq); err == nil {
				if _, err := json.Marshal(m); err != nil {
					t.Fatalf("encode translated request: %v", err)
				}
			}
		}
		var ev StreamEvent
		if json.Unmarshal(in, &ev) == nil {
			cv := NewChunkConverter()
			_, _ = cv.Event(&StreamEvent{Type: "message_start"})
			_, _ = cv.Event(&ev)
		}
		var resp api.ChatResponse
		if json.Unmarshal(in, &resp) == nil {
			_, _ = json.Marshal(ChatToResponse(&resp, "m"))
		}
		var chunk api.ChatChunk
		if json.Unmarshal(in, &chunk) == nil {
			w := NewEventWriter("m")
			out := w.Finish(w.Chunk(nil, &chunk))
			if len(out) == 0 {
				t.Fatal("no events")
			}
		}
	})
}
