package anthropic

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

// jsonEq compares two JSON documents structurally.
func jsonEq(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: bad JSON %s: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s:\n got  %s\n want %s", what, got, want)
	}
}

func TestChatToMessages(t *testing.T) {
	cases := []struct {
		name, in, want string
		errType        string
	}{
		{name: "basic", in: `{"model":"claude","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],"temperature":1.5,"stop":"END","user":"u1","reasoning_effort":"low"}`,
			want: `{"model":"claude","system":"be brief","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_tokens":4096,"temperature":1,"stop_sequences":["END"],"metadata":{"user_id":"u1"}}`},
		{name: "tools round", in: `{"model":"c","max_completion_tokens":50,"messages":[
			{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},{"type":"image_url","image_url":{"url":"https://x/y.jpg"}}]},
			{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"q\":1}"}},{"id":"call_2","type":"function","function":{"name":"put","arguments":""}}]},
			{"role":"tool","tool_call_id":"call_1","content":"r1"},{"role":"tool","tool_call_id":"call_2","content":"r2"},
			{"role":"user","content":"next"}],
			"tools":[{"type":"function","function":{"name":"get","description":"d","parameters":{"type":"object","properties":{"q":{"type":"integer"}}}}},{"type":"function","function":{"name":"put"}}],
			"tool_choice":"required","parallel_tool_calls":false,"top_k":5}`,
			want: `{"model":"c","max_tokens":50,"top_k":5,"messages":[
			{"role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},{"type":"image","source":{"type":"url","url":"https://x/y.jpg"}}]},
			{"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get","input":{"q":1}},{"type":"tool_use","id":"call_2","name":"put","input":{}}]},
			{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"r1"},{"type":"tool_result","tool_use_id":"call_2","content":"r2"},{"type":"text","text":"next"}]}],
			"tools":[{"name":"get","description":"d","input_schema":{"type":"object","properties":{"q":{"type":"integer"}}}},{"name":"put","input_schema":{"type":"object","properties":{}}}],
			"tool_choice":{"type":"any","disable_parallel_tool_use":true}}`},
		{name: "named tool choice, two system parts", in: `{"model":"c","messages":[{"role":"system","content":"a"},{"role":"developer","content":"b"},{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}}}`,
			want: `{"model":"c","max_tokens":4096,"system":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"tools":[{"name":"f","input_schema":{"type":"object","properties":{}}}],"tool_choice":{"type":"tool","name":"f"}}`},
		{name: "n>1", in: `{"model":"c","n":2,"messages":[{"role":"user","content":"x"}]}`, errType: api.ErrUnsupported},
		{name: "audio part", in: `{"model":"c","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}`, errType: api.ErrUnsupported},
		{name: "bad data url", in: `{"model":"c","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:nope"}}]}]}`, errType: api.ErrInvalidRequest},
		{name: "bad tool args", in: `{"model":"c","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":"[1]"}}]}]}`, errType: api.ErrInvalidRequest},
		{name: "only system", in: `{"model":"c","messages":[{"role":"system","content":"x"}]}`, errType: api.ErrInvalidRequest},
		{name: "bad stop", in: `{"model":"c","stop":5,"messages":[{"role":"user","content":"x"}]}`, errType: api.ErrInvalidRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var req api.ChatRequest
			if err := json.Unmarshal([]byte(c.in), &req); err != nil {
				t.Fatal(err)
			}
			out, err := ChatToMessages(&req)
			if c.errType != "" {
				if e, ok := err.(*api.Error); !ok || e.Type != c.errType {
					t.Fatalf("err %v, want %s", err, c.errType)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			jsonEq(t, "request", b, c.want)
		})
	}
}

func TestMessagesToChat(t *testing.T) {
	cases := []struct {
		name, in, want string
		errType        string
	}{
		{name: "basic", in: `{"model":"m","max_tokens":10,"system":[{"type":"text","text":"sys"}],"messages":[{"role":"user","content":"hi"}],"stop_sequences":["X"],"top_k":3,"metadata":{"user_id":"u"},"stream":true,"service_tier":"auto"}`,
			want: `{"model":"m","max_tokens":10,"messages":[{"role":"system","content":"sys"},{"role":"user","content":"hi"}],"stop":["X"],"top_k":3,"user":"u","stream":true,"stream_options":{"include_usage":true},"service_tier":"auto"}`},
		{name: "tools and images", in: `{"model":"m","max_tokens":10,"messages":[
			{"role":"user","content":[{"type":"text","text":"see"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"QUJD"}}]},
			{"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"calling"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
			{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"42"}]},{"type":"tool_result","tool_use_id":"toolu_2","content":"bad","is_error":true},{"type":"text","text":"thanks"}]}],
			"tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}}`,
			want: `{"model":"m","max_tokens":10,"messages":[
			{"role":"user","content":[{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,QUJD"}}]},
			{"role":"assistant","content":"calling","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
			{"role":"tool","tool_call_id":"toolu_1","content":"42"},{"role":"tool","tool_call_id":"toolu_2","content":"Error: bad"},
			{"role":"user","content":"thanks"}],
			"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}],"tool_choice":"required","parallel_tool_calls":false}`},
		{name: "named tool", in: `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"tool","name":"f"}}`,
			want: `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":"f"}}}`},
		{name: "server tool", in: `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}`, errType: api.ErrUnsupported},
		{name: "unknown block", in: `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64"}}]}]}`, errType: api.ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			areq, err := DecodeRequest([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			out, err := MessagesToChat(areq)
			if c.errType != "" {
				if e, ok := err.(*api.Error); !ok || e.Type != c.errType {
					t.Fatalf("err %v, want %s", err, c.errType)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(out)
			jsonEq(t, "chat request", b, c.want)
		})
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	for in, param := range map[string]string{
		`{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}`:               "model",
		`{"model":"m","messages":[{"role":"user","content":"x"}]}`:                  "max_tokens",
		`{"model":"m","max_tokens":1,"messages":[]}`:                                "messages",
		`{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"x"}]}`: "messages",
		`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":5}]}`:     "",
		`{"model":`: "",
	} {
		_, err := DecodeRequest([]byte(in))
		e, ok := err.(*api.Error)
		if !ok || e.Type != api.ErrInvalidRequest || e.Status != 400 || e.Param != param {
			t.Errorf("%s: err %#v, want param %q", in, err, param)
		}
	}
}

func TestStopReasons(t *testing.T) {
	for _, c := range []struct{ anth, oai, back string }{
		{"end_turn", "stop", "end_turn"},
		{"stop_sequence", "stop", "end_turn"},
		{"max_tokens", "length", "max_tokens"},
		{"tool_use", "tool_calls", "tool_use"},
		{"refusal", "content_filter", "refusal"},
		{"pause_turn", "stop", "end_turn"},
	} {
		if got := FinishReason(c.anth); got != c.oai {
			t.Errorf("FinishReason(%s) = %s, want %s", c.anth, got, c.oai)
		}
		if got := StopReason(c.oai); got != c.back {
			t.Errorf("StopReason(%s) = %s, want %s", c.oai, got, c.back)
		}
	}
}

func TestResponseToChatAndBack(t *testing.T) {
	in := `{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[
		{"type":"thinking","thinking":"let me see","signature":"sig"},{"type":"text","text":"Sure. "},{"type":"text","text":"Calling."},
		{"type":"tool_use","id":"toolu_9","name":"lookup","input":{"k":"v"}}],
		"stop_reason":"tool_use","stop_sequence":null,
		"usage":{"input_tokens":10,"output_tokens":7,"cache_creation_input_tokens":20,"cache_read_input_tokens":30}}`
	var r Response
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	c := ResponseToChat(&r)
	ch := c.Choices[0]
	if ch.Message.Content.String() != "Sure. Calling." || ch.FinishReason != "tool_calls" ||
		len(ch.Message.ToolCalls) != 1 || ch.Message.ToolCalls[0].Function.Arguments != `{"k":"v"}` ||
		string(ch.Message.Extra["reasoning_content"]) != `"let me see"` {
		t.Fatalf("chat %+v", ch)
	}
	u := c.Usage
	if u.PromptTokens != 60 || u.CompletionTokens != 7 || u.TotalTokens != 67 || u.CachedTokens() != 30 || u.CacheCreationTokens() != 20 {
		t.Fatalf("usage %+v %+v", u, u.PromptTokensDetails)
	}
	back := ChatToResponse(c, "claude")
	b, _ := json.Marshal(back)
	jsonEq(t, "back", b, `{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[
		{"type":"thinking","thinking":"let me see","signature":""},{"type":"text","text":"Sure. Calling."},{"type":"tool_use","id":"toolu_9","name":"lookup","input":{"k":"v"}}],
		"stop_reason":"tool_use","stop_sequence":null,
		"usage":{"input_tokens":10,"output_tokens":7,"cache_creation_input_tokens":20,"cache_read_input_tokens":30}}`)

	// A tool-only answer has null content.
	r2 := Response{ID: "msg_2", Content: []Block{{Type: "tool_use", ID: "t", Name: "f"}}}
	c2 := ResponseToChat(&r2)
	if cb, _ := json.Marshal(c2.Choices[0].Message); !bytes.Contains(cb, []byte(`"content":null`)) || !bytes.Contains(cb, []byte(`"arguments":"{}"`)) {
		t.Fatalf("tool-only message %s", cb)
	}
}

func TestErrorJSON(t *testing.T) {
	b := ErrorJSON(&api.Error{Type: api.ErrRateLimit, Message: "slow \"down\""})
	jsonEq(t, "error", b, `{"type":"error","error":{"type":"rate_limit_error","message":"slow \"down\""}}`)
	if ErrorType(api.ErrModelNotFound) != "not_found_error" || ErrorType(api.ErrUpstream) != "api_error" {
		t.Fatal("error type mapping")
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\", "ctl\x00\x1f\n\t\r", "ünï€😀", "bad\xff\xfeutf8", "<&>\u2028"} {
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var w string
		_ = json.Unmarshal(want, &w)
		if back != w {
			t.Fatalf("%q round trip %q, want %q", s, back, w)
		}
	}
	if !strings.Contains(string(appendString(nil, "\xff")), `\ufffd`) {
		t.Fatal("invalid UTF-8 not replaced")
	}
}
