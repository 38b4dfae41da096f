package gateway

import (
	"net/http"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway/api"
)

var decodeSeeds = []string{
	`{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}`,
	`{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],"stream":true,"stream_options":{"include_usage":true}}`,
	`{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto"}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":10,"n":2,"temperature":0,"stop":["a"],"fallbacks":["a/b"],"x_vendor":{"k":[1,2]}}`,
	`{"model":"m","messages":[]}`,
	`{"model":"","messages":[{"role":"user","content":"x"}]}`,
	`{"model":"m","messages":[{"role":"user","content":5}]}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-5}`,
	`{"model":"m","messages":"nope"}`,
	`[]`, `null`, `"str"`, `{`, `{"model":"m",}`, "{\"model\":\"\xff\"}", `{"model":"m","messages":[{"role":"user","content":"x"}]} trailing`,
}

func TestDecodeChatRequest(t *testing.T) {
	for _, tc := range []struct {
		body  string
		param string
		msg   string
	}{
		{decodeSeeds[0], "", ""},
		{decodeSeeds[1], "", ""},
		{decodeSeeds[2], "", ""},
		{decodeSeeds[3], "", ""},
		{decodeSeeds[4], "messages", "at least one"},
		{decodeSeeds[5], "model", "required"},
		{decodeSeeds[6], "messages", "content"},
		{decodeSeeds[7], "max_tokens", "out of range"},
		{decodeSeeds[8], "messages", "expected an array, got a string"},
		{`{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"}`, "temperature", "expected a number"},
		{`{"model":"m","messages":[{"role":"robot","content":"x"}]}`, "messages", "messages[0].role"},
		{decodeSeeds[12], "", "malformed JSON"},
		{decodeSeeds[15], "", "malformed JSON"},
	} {
		var req api.ChatRequest
		e := DecodeChatRequest([]byte(tc.body), &req, DefaultMaxTokens, DefaultMaxN)
		if tc.msg == "" {
			if e != nil {
				t.Errorf("%s: %v", tc.body, e)
			}
			continue
		}
		if e == nil || e.Status != http.StatusBadRequest || e.Param != tc.param || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%s: got %+v, want param %q and %q", tc.body, e, tc.param, tc.msg)
		}
	}
	var req api.ChatRequest
	if e := DecodeChatRequest([]byte(decodeSeeds[3]), &req, DefaultMaxTokens, DefaultMaxN); e != nil || string(req.Extra["x_vendor"]) != `{"k":[1,2]}` {
		t.Errorf("extra fields lost: %v %v", e, req.Extra)
	}
}

// FuzzDecodeChatRequest checks that no input makes the decoder panic, that every
// failure is a 400 invalid_request_error, and that every success is a valid request.
func FuzzDecodeChatRequest(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req api.ChatRequest
		e := DecodeChatRequest(body, &req, DefaultMaxTokens, DefaultMaxN)
		if e != nil {
			if e.Status != http.StatusBadRequest || e.Type != api.ErrInvalidRequest || e.Message == "" {
				t.Fatalf("bad error for %q: %+v", body, e)
			}
			return
		}
		if strings.TrimSpace(req.Model) == "" || len(req.Messages) == 0 {
			t.Fatalf("accepted an invalid request: %q", body)
		}
		for _, m := range req.Messages {
			if !validRoles[m.Role] {
				t.Fatalf("accepted role %q", m.Role)
			}
		}
	})
}
