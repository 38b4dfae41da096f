package gateway

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
)

// fastDecodeChat decodes the common chat request without reflection. It returns false
// at anything it does not handle exactly as encoding/json would (escaped keys, keys
// differing only in case, numbers that are not plain, unexpected types, malformed
// input), and the caller then decodes with encoding/json, which also words the errors.
// The body must be valid UTF-8 (checked before). A fuzz test holds it to encoding/json.
func fastDecodeChat(data []byte, req *api.ChatRequest) bool {
	d := decoder{data: data}
	var r api.ChatRequest
	ok := d.object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return d.str(&r.Model)
		case "messages":
			return d.messages(&r.Messages)
		case "stream":
			return d.boolean(&r.Stream)
		case "stream_options":
			return d.streamOptions(&r.StreamOptions)
		case "temperature":
			return d.floatPtr(&r.Temperature)
		case "top_p":
			return d.floatPtr(&r.TopP)
		case "n":
			return d.intPtr(&r.N)
		case "max_tokens":
			return d.intPtr(&r.MaxTokens)
		case "max_completion_tokens":
			return d.intPtr(&r.MaxCompletionTokens)
		case "stop":
			return d.raw(&r.Stop)
		case "presence_penalty":
			return d.floatPtr(&r.PresencePenalty)
		case "frequency_penalty":
			return d.floatPtr(&r.FrequencyPenalty)
		case "seed":
			return d.int64Ptr(&r.Seed)
		case "user":
			return d.str(&r.User)
		case "tools":
			return d.tools(&r.Tools)
		case "tool_choice":
			return d.raw(&r.ToolChoice)
		case "parallel_tool_calls":
			return d.boolPtr(&r.ParallelToolCalls)
		case "response_format":
			return d.raw(&r.ResponseFormat)
		case "fallbacks":
			return d.strings(&r.Fallbacks)
		}
		return d.extra(&r.Extra, key, chatRequestKeys)
	})
	if !ok || d.ws() != len(data) {
		return false
	}
	*req = r
	return true
}

var (
	chatRequestKeys = []string{"model", "messages", "stream", "stream_options", "temperature",
		"top_p", "n", "max_tokens", "max_completion_tokens", "stop", "presence_penalty",
		"frequency_penalty", "seed", "user", "tools", "tool_choice", "parallel_tool_calls",
		"response_format", "fallbacks"}
	messageKeys = []string{"role", "content", "name", "tool_calls", "tool_call_id", "refusal"}
	toolKeys    = []string{"type", "function"}
	partKeys    = []string{"type", "text", "image_url"}
	nullLit     = []byte("null")
)

type decoder struct {
	data []byte
	i    int
}

// ws skips white space and returns the position.
func (d *decoder) ws() int {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return d.i
		}
	}
	return d.i
}

func (d *decoder) peek() byte {
	if d.ws() >= len(d.data) {
		return 0
	}
	return d.data[d.i]
}

func (d *decoder) null() bool {
	if d.peek() == 'n' && bytes.HasPrefix(d.data[d.i:], nullLit) {
		d.i += 4
		return true
	}
	return false
}

// object calls member for each key of an object (at the key's value); a null object
// calls nothing.
func (d *decoder) object(member func(key []byte) bool) bool {
	if d.null() {
		return true
	}
	if d.peek() != '{' {
		return false
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		if d.peek() != '"' {
			return false
		}
		start := d.i + 1
		end, plain := d.scanString()
		if end < 0 || !plain {
			return false // escaped or non-ASCII keys: leave them to encoding/json
		}
		key := d.data[start : end-1]
		d.i = end
		if d.peek() != ':' {
			return false
		}
		d.i++
		d.ws()
		if !member(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// array calls elem for each element; a null array calls nothing and reports null.
func (d *decoder) array(elem func() bool) (isNull, ok bool) {
	if d.null() {
		return true, true
	}
	if d.peek() != '[' {
		return false, false
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		return false, true
	}
	for {
		d.ws()
		if !elem() {
			return false, false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return false, true
		default:
			return false, false
		}
	}
}

// scanString returns the index after the string at d.i and whether it is plain ASCII
// without escapes; -1 when unterminated.
func (d *decoder) scanString() (int, bool) {
	plain := true
	for j := d.i + 1; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			return j + 1, plain
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return -1, false
		case c >= 0x80:
			// Valid UTF-8 (checked by the caller) decodes to itself.
		}
	}
	return -1, false
}

func (d *decoder) str(dst *string) bool {
	if d.null() {
		return true
	}
	if d.peek() != '"' {
		return false
	}
	end, plain := d.scanString()
	if end < 0 {
		return false
	}
	tok := d.data[d.i:end]
	d.i = end
	if plain {
		*dst = string(tok[1 : len(tok)-1])
		return true
	}
	return json.Unmarshal(tok, dst) == nil
}

func (d *decoder) strings(dst *[]string) bool {
	var out []string
	isNull, ok := d.array(func() bool {
		var s string
		if d.peek() == 'n' {
			return false // a null element: leave it to encoding/json
		}
		if !d.str(&s) {
			return false
		}
		out = append(out, s)
		return true
	})
	if !ok {
		return false
	}
	if !isNull {
		if out == nil {
			out = []string{}
		}
		*dst = out
	}
	return true
}

func (d *decoder) boolean(dst *bool) bool {
	if d.null() {
		return true
	}
	switch {
	case bytes.HasPrefix(d.data[d.i:], []byte("true")):
		*dst, d.i = true, d.i+4
	case bytes.HasPrefix(d.data[d.i:], []byte("false")):
		*dst, d.i = false, d.i+5
	default:
		return false
	}
	return true
}

func (d *decoder) boolPtr(dst **bool) bool {
	if d.null() {
		*dst = nil
		return true
	}
	var b bool
	if !d.boolean(&b) {
		return false
	}
	*dst = &b
	return true
}

// number returns the number token at d.i.
func (d *decoder) number() ([]byte, bool) {
	start := d.i
	for d.i < len(d.data) {
		c := d.data[d.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.i++
			continue
		}
		break
	}
	return d.data[start:d.i], d.i > start
}

func (d *decoder) intPtr(dst **int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	tok, ok := d.number()
	if !ok || !validNumber(tok) {
		return false
	}
	v, err := strconv.ParseInt(string(tok), 10, 0)
	if err != nil {
		return false
	}
	n := int(v)
	*dst = &n
	return true
}

func (d *decoder) int64Ptr(dst **int64) bool {
	if d.null() {
		*dst = nil
		return true
	}
	tok, ok := d.number()
	if !ok || !validNumber(tok) {
		return false
	}
	v, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil {
		return false
	}
	*dst = &v
	return true
}

func (d *decoder) floatPtr(dst **float64) bool {
	if d.null() {
		*dst = nil
		return true
	}
	tok, ok := d.number()
	if !ok || !validNumber(tok) {
		return false
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return false
	}
	*dst = &v
	return true
}

// validNumber reports whether tok is a JSON number (strconv accepts more: "+1", "1.",
// ".5", leading zeros).
func validNumber(tok []byte) bool {
	i := 0
	if i < len(tok) && tok[i] == '-' {
		i++
	}
	switch {
	case i < len(tok) && tok[i] == '0':
		i++
	case i < len(tok) && tok[i] >= '1' && tok[i] <= '9':
		for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(tok) && tok[i] == '.' {
		i++
		if i >= len(tok) || tok[i] < '0' || tok[i] > '9' {
			return false
		}
		for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
			i++
		}
	}
	if i < len(tok) && (tok[i] == 'e' || tok[i] == 'E') {
		i++
		if i < len(tok) && (tok[i] == '+' || tok[i] == '-') {
			i++
		}
		if i >= len(tok) || tok[i] < '0' || tok[i] > '9' {
			return false
		}
		for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
			i++
		}
	}
	return i == len(tok)
}

// skip moves past one value and returns its bytes.
func (d *decoder) skip() ([]byte, bool) {
	start := d.ws()
	if start >= len(d.data) {
		return nil, false
	}
	switch c := d.data[start]; {
	case c == '"':
		end, plain := d.scanString()
		if end < 0 || (!plain && !json.Valid(d.data[start:end])) {
			return nil, false
		}
		d.i = end
	case c == '{' || c == '[':
		depth := 0
		for d.i < len(d.data) {
			switch d.data[d.i] {
			case '"':
				end, _ := d.scanString()
				if end < 0 {
					return nil, false
				}
				d.i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			d.i++
			if depth == 0 {
				break
			}
		}
		if depth != 0 {
			return nil, false
		}
		if !json.Valid(d.data[start:d.i]) {
			return nil, false
		}
	case c == 't' || c == 'f':
		var b bool
		if !d.boolean(&b) {
			return nil, false
		}
	case c == 'n':
		if !d.null() {
			return nil, false
		}
	default:
		tok, ok := d.number()
		if !ok || !validNumber(tok) {
			return nil, false
		}
	}
	return d.data[start:d.i], true
}

// raw copies one value, as json.RawMessage does; null leaves dst as encoding/json does
// for a RawMessage (the literal null is kept).
func (d *decoder) raw(dst *json.RawMessage) bool {
	v, ok := d.skip()
	if !ok {
		return false
	}
	*dst = append(json.RawMessage(nil), v...)
	return true
}

// extra keeps an unknown member, unless it names a known one in another case (which
// encoding/json would decode into the field).
func (d *decoder) extra(dst *api.Extra, key []byte, known []string) bool {
	for _, k := range known {
		if strings.EqualFold(k, string(key)) {
			return false
		}
	}
	v, ok := d.skip()
	if !ok {
		return false
	}
	if *dst == nil {
		*dst = make(api.Extra, 2)
	}
	(*dst)[string(key)] = append(json.RawMessage(nil), v...)
	return true
}
