package semcache

import (
	"encoding/json"
	"strconv"
	"sync"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/gateway/api"
)

// converter turns an api.ChatRequest into a cache.Request, reusing its buffers. It is
// returned to the pool once the lookup is done: the cache copies what it keeps.
type converter struct {
	req  cache.Request
	buf  []byte
	offs []int
}

var converters = sync.Pool{New: func() any { return &converter{buf: make([]byte, 0, 512)} }}

func (cv *converter) release() {
	cv.req = cache.Request{Params: cv.req.Params[:0], Messages: cv.req.Messages[:0]}
	cv.buf, cv.offs = cv.buf[:0], cv.offs[:0]
	if cap(cv.buf) > 64<<10 {
		cv.buf = make([]byte, 0, 512)
	}
	converters.Put(cv)
}

// param appends a parameter whose value is the bytes written to cv.buf since start.
func (cv *converter) param(name string, start int) {
	cv.req.Params = append(cv.req.Params, cache.Param{Name: name})
	cv.offs = append(cv.offs, start, len(cv.buf))
}

func (cv *converter) float(name string, f *float64) {
	if f != nil {
		start := len(cv.buf)
		cv.buf = strconv.AppendFloat(cv.buf, *f, 'g', -1, 64)
		cv.param(name, start)
	}
}

func (cv *converter) int(name string, v *int) {
	if v != nil {
		start := len(cv.buf)
		cv.buf = strconv.AppendInt(cv.buf, int64(*v), 10)
		cv.param(name, start)
	}
}

func (cv *converter) raw(name string, b []byte) {
	if len(b) > 0 {
		start := len(cv.buf)
		cv.buf = append(cv.buf, b...)
		cv.param(name, start)
	}
}

func (cv *converter) json(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`"unencodable"`)
	}
	cv.raw(name, b)
}

// convert fills cv.req from r. Everything that can change the answer is in the key:
// the sampling parameters, tools, response format, user, and unknown members sent
// upstream. stream, stream_options and fallbacks are not: a stored answer replays either
// way.
func (cv *converter) convert(tenant string, r *api.ChatRequest) *cache.Request {
	q := &cv.req
	q.Tenant, q.Model = tenant, r.Model
	q.Temperature = r.Temperature
	q.N = 0
	if r.N != nil {
		q.N = *r.N
	}
	cv.float("top_p", r.TopP)
	cv.float("presence_penalty", r.PresencePenalty)
	cv.float("frequency_penalty", r.FrequencyPenalty)
	cv.int("max_tokens", r.MaxTokens)
	cv.int("max_completion_tokens", r.MaxCompletionTokens)
	if r.Seed != nil {
		start := len(cv.buf)
		cv.buf = strconv.AppendInt(cv.buf, *r.Seed, 10)
		cv.param("seed", start)
	}
	if r.ParallelToolCalls != nil {
		start := len(cv.buf)
		cv.buf = strconv.AppendBool(cv.buf, *r.ParallelToolCalls)
		cv.param("parallel_tool_calls", start)
	}
	cv.raw("stop", r.Stop)
	cv.raw("tool_choice", r.ToolChoice)
	cv.raw("response_format", r.ResponseFormat)
	if r.User != "" {
		start := len(cv.buf)
		cv.buf = strconv.AppendQuote(cv.buf, r.User)
		cv.param("user", start)
	}
	if len(r.Tools) > 0 {
		cv.json("tools", r.Tools)
	}
	for k, v := range r.Extra {
		cv.raw("x."+k, v)
	}
	// cv.buf may have grown: slice the values only now.
	for i := range q.Params {
		q.Params[i].JSON = cv.buf[cv.offs[2*i]:cv.offs[2*i+1]]
	}
	for i := range r.Messages {
		m := &r.Messages[i]
		cm := cache.Message{Role: m.Role, Name: m.Name, Text: m.Content.String(),
			NonText: m.Content.HasNonText(), Tool: len(m.ToolCalls) > 0 || m.Role == "tool" || m.ToolCallID != ""}
		if cm.NonText || len(m.ToolCalls) > 0 || m.ToolCallID != "" || len(m.Extra) > 0 || m.Refusal != "" {
			cm.Other = otherJSON(m)
		}
		q.Messages = append(q.Messages, cm)
	}
	return q
}

// otherJSON encodes what a message carries beyond its text, for the exact key.
func otherJSON(m *api.Message) []byte {
	o := struct {
		Parts      []api.ContentPart          `json:"parts,omitempty"`
		ToolCalls  []api.ToolCall             `json:"tool_calls,omitempty"`
		ToolCallID string                     `json:"tool_call_id,omitempty"`
		Refusal    string                     `json:"refusal,omitempty"`
		Extra      map[string]json.RawMessage `json:"extra,omitempty"`
	}{ToolCalls: m.ToolCalls, ToolCallID: m.ToolCallID, Refusal: m.Refusal, Extra: m.Extra}
	if m.Content.HasNonText() {
		o.Parts = m.Content.Parts
	}
	b, err := json.Marshal(o)
	if err != nil {
		return []byte(`"unencodable"`)
	}
	return b
}
