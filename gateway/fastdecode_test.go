package gateway

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/muninn-gw/muninn/gateway/api"
)

var fastSeeds = append([]string{
	`{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \"q\" é 日本"}],"stop":null,"seed":-3,"top_p":1e-1}`,
	`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low","other":1}},{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}`,
	`{"model":"m","messages":[{"role":"assistant","tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"c","content":"ok","cache_control":{"type":"ephemeral"}}]}`,
	`{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"x":{"type":"string"}}},"strict":true},"x":1}],"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false}`,
	`{"MODEL":"m","messages":[]}`, `{"model":"m","Messages":[]}`, `{"model":"m","messages":[{"Role":"user"}]}`,
	`{"model":"m","messages":[{"role":"user","content":"x"}],"n":1.0}`, `{"model":"m","n":01}`, `{"model":"m","n":1e2}`,
	`{"model":"m","temperature":.5}`, `{"model":"m","temperature":+1}`, `{"model":"m","x":"\q"}`, `{"model":"m","x":[1,}`,
	`{"model":"m","stream_options":{"include_usage":true,"Include_Usage":false}}`, `{"model":"m","messages":[null]}`,
	`{"model":"m","messages":[{"role":"user","content":[]}],"fallbacks":[]}`, `{"model":"m","fallbacks":["a",null]}`,
	`{"model":"m","messages":[{"role":"user","content":"a"}],"messages":[{"role":"user","content":"b"}]}`,
	`{"model":"m","stream":null,"model":null,"user":"u","response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{}}}}`,
	` {"model" : "m" , "messages" : [ { "role" : "user" , "content" : "x" } ] } `,
	`{"model":"m","messages":[{"role":"user","content":null,"name":"n","refusal":"r"}]}`,
	`{"model":"m","\u006dodel":"x"}`, `{"model":"m","é":1}`, `{"model":"m","seed":99999999999999999999}`,
}, decodeSeeds...)

// FuzzFastDecodeChat holds the reflection-free decoder to encoding/json: when it
// accepts an input, the request must be exactly what encoding/json decodes.
func FuzzFastDecodeChat(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !utf8.Valid(body) {
			return // rejected before decoding
		}
		var fast api.ChatRequest
		if !fastDecodeChat(body, &fast) {
			return
		}
		var slow api.ChatRequest
		if err := json.Unmarshal(body, &slow); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q:\nfast %#v\nslow %#v", body, fast, slow)
		}
	})
}

func TestFastDecodeTakesCommonRequests(t *testing.T) {
	for i, s := range fastSeeds[:4] {
		var r api.ChatRequest
		if !fastDecodeChat([]byte(s), &r) {
			t.Errorf("seed %d fell back to encoding/json", i)
		}
	}
	var r api.ChatRequest
	if !fastDecodeChat(benchBody, &r) {
		t.Error("the benchmark body fell back to encoding/json")
	}
}

// TestFastDecodeRandomRequests builds random requests, encodes them with encoding/json,
// and checks both decoders agree (and that the fast one takes them).
func TestFastDecodeRandomRequests(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "hi", "caf\u00e9 <b> & \"q\"\n", "日本\u2028", "\\path\\"}
	pick := func() string { return texts[rng.IntN(len(texts))] }
	for n := range 2000 {
		r := api.ChatRequest{Model: pick() + "m", Stream: rng.IntN(2) == 0, User: pick()}
		if rng.IntN(2) == 0 {
			v := rng.Float64() * 2
			r.Temperature = &v
		}
		if rng.IntN(2) == 0 {
			v := rng.IntN(5000) + 1
			r.MaxTokens = &v
		}
		if rng.IntN(3) == 0 {
			r.StreamOptions = &api.StreamOptions{IncludeUsage: rng.IntN(2) == 0}
		}
		if rng.IntN(3) == 0 {
			r.Extra = api.Extra{"reasoning_effort": json.RawMessage(`"low"`), "metadata": json.RawMessage(`{"a":[1,2,{"b":null}]}`)}
		}
		if rng.IntN(3) == 0 {
			r.Tools = []api.Tool{{Type: "function", Function: api.ToolFunction{Name: "f", Parameters: json.RawMessage(`{"type":"object"}`)}}}
			r.ToolChoice = json.RawMessage(`"auto"`)
		}
		if rng.IntN(4) == 0 {
			r.Fallbacks = []string{"a/b", pick()}
		}
		for range rng.IntN(4) + 1 {
			m := api.Message{Role: []string{"system", "user", "assistant", "tool"}[rng.IntN(4)]}
			switch rng.IntN(4) {
			case 0:
				m.Content = api.TextContent(pick())
			case 1:
				m.Content = api.Content{IsParts: true, Parts: []api.ContentPart{{Type: "text", Text: pick()},
					{Type: "image_url", ImageURL: &api.ImageURL{URL: "data:image/png;base64,AAAA", Detail: "auto"}}}}
			case 2:
				idx := 0
				m.Content = api.Content{Null: true}
				m.ToolCalls = []api.ToolCall{{Index: &idx, ID: "c", Type: "function", Function: api.ToolCallFunction{Name: "f", Arguments: `{"x":"` + pick() + `"}`}}}
			default:
				m.Content = api.TextContent(pick())
				m.Extra = api.Extra{"cache_control": json.RawMessage(`{"type":"ephemeral"}`)}
			}
			r.Messages = append(r.Messages, m)
		}
		body, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var fast, slow api.ChatRequest
		if !fastDecodeChat(body, &fast) {
			t.Fatalf("case %d fell back: %s", n, body)
		}
		if err := json.Unmarshal(body, &slow); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("case %d %s:\nfast %#v\nslow %#v", n, body, fast, slow)
		}
	}
}
