package logging

import (
	"strconv"
	"unicode/utf8"

	"github.com/muninn-gw/muninn/gateway/api"
)

// bodyWriter renders the log view of request and response bodies: compact JSON with the
// model, parameters and message contents, written straight into a reused buffer and cut
// at a size cap. It is several times cheaper than encoding/json over the api types, and
// it copies by construction (the result is a new string), so nothing in the log record
// points into pooled request objects.
type bodyWriter struct {
	b      []byte
	max    int
	cut    bool
	redact map[string]bool
}

func (w *bodyWriter) reset(max int) { w.b, w.max, w.cut = w.b[:0], max, false }

// full reports whether the cap was reached; writers stop early then.
func (w *bodyWriter) full() bool {
	if len(w.b) >= w.max {
		w.cut = true
		return true
	}
	return false
}

// result returns the body as a new string and whether it was truncated.
func (w *bodyWriter) result() (string, bool) {
	if len(w.b) > w.max {
		w.b = w.b[:w.max]
		for len(w.b) > 0 && !utf8.Valid(w.b[max(0, len(w.b)-4):]) {
			w.b = w.b[:len(w.b)-1] // do not end inside a UTF-8 sequence
		}
		w.cut = true
	}
	return string(w.b), w.cut
}

func (w *bodyWriter) raw(s string) { w.b = append(w.b, s...) }

// key writes "name": and reports whether the value must be written (false when the field
// is redacted, in which case the placeholder was written instead).
func (w *bodyWriter) key(name string) bool {
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
	if w.redact[name] {
		w.b = append(w.b, `"[REDACTED]"`...)
		return false
	}
	return true
}

func (w *bodyWriter) str(name, v string, comma bool) {
	if comma {
		w.b = append(w.b, ',')
	}
	if w.key(name) {
		w.quote(v)
	}
}

func (w *bodyWriter) optStr(name, v string) {
	if v != "" {
		w.str(name, v, true)
	}
}

func (w *bodyWriter) num(name string, v int64) {
	w.b = append(w.b, ',')
	if w.key(name) {
		w.b = strconv.AppendInt(w.b, v, 10)
	}
}

// quote appends s as a JSON string, stopping at the cap.
func (w *bodyWriter) quote(s string) {
	room := w.max - len(w.b)
	if room < 0 {
		room = 0
	}
	if len(s) > room {
		s = s[:room]
		w.cut = true
	}
	w.b = append(w.b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		w.b = append(w.b, s[start:i]...)
		switch c {
		case '"', '\\':
			w.b = append(w.b, '\\', c)
		case '\n':
			w.b = append(w.b, '\\', 'n')
		case '\r':
			w.b = append(w.b, '\\', 'r')
		case '\t':
			w.b = append(w.b, '\\', 't')
		default:
			w.b = append(w.b, `\u00`...)
			w.b = append(w.b, hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}

const hex = "0123456789abcdef"

func (w *bodyWriter) content(c *api.Content) {
	if !c.IsParts {
		if c.Null {
			w.raw("null")
			return
		}
		w.quote(c.Text)
		return
	}
	w.b = append(w.b, '[')
	for i := range c.Parts {
		if w.full() {
			break
		}
		p := &c.Parts[i]
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, '{')
		w.str("type", p.Type, false)
		if p.Text != "" {
			w.str("text", p.Text, true)
		}
		if p.ImageURL != nil {
			u := p.ImageURL.URL
			if len(u) > 5 && u[:5] == "data:" {
				u = "data:… (" + strconv.Itoa(len(u)) + " bytes)" // inline media is not logged
			}
			w.str("image_url", u, true)
		}
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']')
}

func (w *bodyWriter) messages(ms []api.Message) {
	w.b = append(w.b, ',')
	if !w.key("messages") {
		return
	}
	w.b = append(w.b, '[')
	for i := range ms {
		if w.full() {
			break
		}
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.message(&ms[i])
	}
	w.b = append(w.b, ']')
}

func (w *bodyWriter) message(m *api.Message) {
	w.b = append(w.b, '{')
	w.str("role", m.Role, false)
	w.optStr("name", m.Name)
	if !m.Content.IsEmpty() || m.Content.Null {
		w.b = append(w.b, ',')
		if w.key("content") {
			w.content(&m.Content)
		}
	}
	w.optStr("refusal", m.Refusal)
	w.optStr("tool_call_id", m.ToolCallID)
	if len(m.ToolCalls) > 0 {
		w.b = append(w.b, ',')
		if w.key("tool_calls") {
			w.b = append(w.b, '[')
			for j := range m.ToolCalls {
				tc := &m.ToolCalls[j]
				if j > 0 {
					w.b = append(w.b, ',')
				}
				w.b = append(w.b, '{')
				w.str("id", tc.ID, false)
				w.str("name", tc.Function.Name, true)
				w.str("arguments", tc.Function.Arguments, true)
				w.b = append(w.b, '}')
			}
			w.b = append(w.b, ']')
		}
	}
	w.b = append(w.b, '}')
}

func (w *bodyWriter) request(r *api.ChatRequest) {
	w.b = append(w.b, '{')
	w.str("model", r.Model, false)
	if r.Stream {
		w.raw(`,"stream":true`)
	}
	if r.Temperature != nil {
		w.raw(`,"temperature":`)
		w.b = strconv.AppendFloat(w.b, *r.Temperature, 'g', -1, 64)
	}
	if r.MaxTokens != nil {
		w.num("max_tokens", int64(*r.MaxTokens))
	}
	if r.MaxCompletionTokens != nil {
		w.num("max_completion_tokens", int64(*r.MaxCompletionTokens))
	}
	w.optStr("user", r.User)
	if len(r.Tools) > 0 {
		w.raw(`,"tools":[`)
		for i := range r.Tools {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.quote(r.Tools[i].Function.Name)
		}
		w.b = append(w.b, ']')
	}
	w.messages(r.Messages)
	w.b = append(w.b, '}')
}

func (w *bodyWriter) embedding(r *api.EmbeddingRequest) {
	w.b = append(w.b, '{')
	w.str("model", r.Model, false)
	w.b = append(w.b, ',')
	if w.key("input") {
		w.b = append(w.b, '[')
		for i, s := range r.Input.Texts {
			if w.full() {
				break
			}
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.quote(s)
		}
		w.b = append(w.b, ']')
	}
	w.b = append(w.b, '}')
}

func (w *bodyWriter) response(r *api.ChatResponse) {
	w.b = append(w.b, '{')
	w.str("id", r.ID, false)
	w.str("model", r.Model, true)
	w.raw(`,"choices":[`)
	for i := range r.Choices {
		if w.full() {
			break
		}
		c := &r.Choices[i]
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.raw(`{"index":`)
		w.b = strconv.AppendInt(w.b, int64(c.Index), 10)
		w.str("finish_reason", c.FinishReason, true)
		w.raw(`,"message":`)
		w.message(&c.Message)
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']', '}')
}
