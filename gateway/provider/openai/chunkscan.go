package openai

import (
	"encoding/json"
	"strconv"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Hand scanning of the common stream chunk.
//
// Almost every chunk an upstream sends has one shape: a handful of string and number
// members and one choice whose delta holds a role or a piece of content. scanChunk
// decodes exactly that shape without reflection and reports false at anything else
// (an unknown, escaped, repeated or differently cased member, a value of another type, a
// number that is not a plain integer, malformed input); the caller then decodes with
// the mirror structs or the api types, which also word the errors. Strings that are
// plain printable ASCII are copied as they are; any other string goes through
// encoding/json, so escapes and invalid UTF-8 come out exactly as it decodes them.
// Repeated id, object, model, system_fingerprint and service_tier values are shared
// with the previous chunk instead of being copied again. TestFastDecodeMatches and
// FuzzFastDecode hold the result to encoding/json.

// chunkScanner is a cursor over one chunk's bytes.
type chunkScanner struct {
	data []byte
	i    int
}

func (s *chunkScanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte (0 at the end).
func (s *chunkScanner) next() byte {
	s.ws()
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// literal consumes lit if it comes next.
func (s *chunkScanner) literal(lit string) bool {
	if len(s.data)-s.i >= len(lit) && string(s.data[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// str scans a string at the cursor. It returns its raw bytes between the quotes and
// whether they are plain (printable ASCII without escapes).
func (s *chunkScanner) str() (raw []byte, plain, ok bool) {
	if s.next() != '"' {
		return nil, false, false
	}
	start := s.i + 1
	plain = true
	for j := start; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			s.i = j + 1
			return s.data[start:j], plain, true
		case c == '\\':
			plain = false
			j++ // the escaped byte; encoding/json checks the escape itself
		case c < 0x20:
			return nil, false, false
		case c >= 0x80:
			plain = false
		}
	}
	return nil, false, false
}

// strValue decodes a string (or null, which leaves prev's zero value) into a Go string.
// When the result equals reuse, reuse itself is returned, so that repeated values are not
// copied again.
func (s *chunkScanner) strValue(reuse string) (string, bool) {
	if s.next() == 'n' {
		return "", s.literal("null")
	}
	start := s.i
	raw, plain, ok := s.str()
	if !ok {
		return "", false
	}
	if plain {
		if string(raw) == reuse {
			return reuse, true
		}
		return string(raw), true
	}
	var v string
	if json.Unmarshal(s.data[start:s.i], &v) != nil {
		return "", false
	}
	if v == reuse {
		return reuse, true
	}
	return v, true
}

// strPtr decodes a string or null into a pointer (nil for null).
func (s *chunkScanner) strPtr() (*string, bool) {
	if s.next() == 'n' {
		return nil, s.literal("null")
	}
	v, ok := s.strValue("")
	if !ok {
		return nil, false
	}
	return &v, true
}

// integer decodes a plain JSON integer (or null, giving 0) that fits in an int64.
func (s *chunkScanner) integer() (int64, bool) {
	c := s.next()
	if c == 'n' {
		return 0, s.literal("null")
	}
	start := s.i
	if c == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		s.i++
	}
	n := s.i - digits
	if n == 0 || n > 18 || (n > 1 && s.data[digits] == '0') {
		return 0, false
	}
	if s.i < len(s.data) {
		switch s.data[s.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	v, err := strconv.ParseInt(string(s.data[start:s.i]), 10, 64)
	return v, err == nil
}

// value returns the raw bytes of the next value, checked by encoding/json.
func (s *chunkScanner) value() ([]byte, bool) {
	s.ws()
	start := s.i
	depth := 0
	for s.i < len(s.data) {
		switch c := s.data[s.i]; c {
		case '"':
			if _, _, ok := s.str(); !ok {
				return nil, false
			}
			if depth == 0 {
				return s.validRaw(start)
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 { // the end of the enclosing object, after a scalar
				return s.validRaw(start)
			}
			depth--
			if depth == 0 {
				s.i++
				return s.validRaw(start)
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return s.validRaw(start)
			}
		}
		s.i++
	}
	if depth != 0 {
		return nil, false
	}
	return s.validRaw(start)
}

func (s *chunkScanner) validRaw(start int) ([]byte, bool) {
	raw := s.data[start:s.i]
	return raw, len(raw) > 0 && json.Valid(raw)
}

// object scans an object, calling member for each member with the cursor on its value;
// member returns a distinct bit per name, so that a repeated or escaped name fails.
func (s *chunkScanner) object(member func(key []byte) (bit uint32, ok bool)) bool {
	if s.next() != '{' {
		return false
	}
	s.i++
	var seen uint32
	if s.next() == '}' {
		s.i++
		return true
	}
	for {
		key, plain, ok := s.str()
		if !ok || !plain || s.next() != ':' {
			return false
		}
		s.i++
		bit, ok := member(key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		switch s.next() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// scanChunk decodes the common chunk shape into dst, reusing d's choices. It reports
// false, with dst in an unspecified state, at anything else.
func (d *chunkDecoder) scanChunk(data []byte, dst *api.ChatChunk) bool {
	prev := *dst
	*dst = api.ChatChunk{}
	s := chunkScanner{data: data}
	ok := s.object(func(key []byte) (uint32, bool) {
		var ok bool
		switch string(key) {
		case "id":
			dst.ID, ok = s.strValue(prev.ID)
			return 1, ok
		case "object":
			dst.Object, ok = s.strValue(prev.Object)
			return 2, ok
		case "created":
			dst.Created, ok = s.integer()
			return 4, ok
		case "model":
			dst.Model, ok = s.strValue(prev.Model)
			return 8, ok
		case "system_fingerprint":
			dst.SystemFingerprint, ok = s.strValue(prev.SystemFingerprint)
			return 16, ok
		case "service_tier":
			dst.ServiceTier, ok = s.strValue(prev.ServiceTier)
			return 32, ok
		case "choices":
			return 64, d.scanChoices(&s, dst)
		case "usage":
			return 128, scanUsage(&s, &dst.Usage)
		case "obfuscation":
			raw, ok := s.value()
			if ok {
				dst.Extra = api.Extra{"obfuscation": append(json.RawMessage(nil), raw...)}
			}
			return 256, ok
		}
		return 0, false
	})
	if !ok {
		return false
	}
	s.ws()
	return s.i == len(data)
}

// scanUsage decodes a usage object (or null): the three totals by hand, an object with
// any other member (the details) with encoding/json.
func scanUsage(s *chunkScanner, dst **api.Usage) bool {
	if s.next() == 'n' {
		return s.literal("null")
	}
	start := s.i
	u := new(api.Usage)
	ok := s.object(func(key []byte) (uint32, bool) {
		var n int64
		var ok bool
		var field *int
		var bit uint32
		switch string(key) {
		case "prompt_tokens":
			field, bit = &u.PromptTokens, 1
		case "completion_tokens":
			field, bit = &u.CompletionTokens, 2
		case "total_tokens":
			field, bit = &u.TotalTokens, 4
		default:
			return 0, false
		}
		n, ok = s.integer()
		if !ok || n != int64(int(n)) {
			return 0, false
		}
		*field = int(n)
		return bit, true
	})
	if !ok {
		s.i = start
		raw, ok := s.value()
		if !ok || raw[0] != '{' {
			return false
		}
		*u = api.Usage{}
		if json.Unmarshal(raw, u) != nil {
			return false
		}
	}
	*dst = u
	return true
}

func (d *chunkDecoder) scanChoices(s *chunkScanner, dst *api.ChatChunk) bool {
	switch s.next() {
	case 'n':
		return s.literal("null")
	case '[':
	default:
		return false
	}
	s.i++
	if d.choices == nil {
		d.choices = make([]api.ChunkChoice, 0, 2)
	}
	d.choices = d.choices[:0]
	if s.next() == ']' {
		s.i++
		dst.Choices = d.choices
		return true
	}
	for {
		var c api.ChunkChoice
		if !scanChoice(s, &c) {
			return false
		}
		d.choices = append(d.choices, c)
		switch s.next() {
		case ',':
			s.i++
		case ']':
			s.i++
			dst.Choices = d.choices
			return true
		default:
			return false
		}
	}
}

func scanChoice(s *chunkScanner, c *api.ChunkChoice) bool {
	return s.object(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "index":
			n, ok := s.integer()
			if !ok || n != int64(int(n)) {
				return 0, false
			}
			c.Index = int(n)
			return 1, true
		case "delta":
			return 2, scanDelta(s, &c.Delta)
		case "finish_reason":
			p, ok := s.strPtr()
			c.FinishReason = p
			return 4, ok
		case "logprobs":
			// Only null here: a RawMessage keeps it as the literal null.
			if s.next() != 'n' || !s.literal("null") {
				return 0, false
			}
			c.Logprobs = nullRaw
			return 8, true
		}
		return 0, false
	})
}

var nullRaw = json.RawMessage("null")

func scanDelta(s *chunkScanner, d *api.Delta) bool {
	return s.object(func(key []byte) (uint32, bool) {
		var ok bool
		switch string(key) {
		case "role":
			d.Role, ok = s.strValue("assistant")
			return 1, ok
		case "content":
			d.Content, ok = s.strPtr()
			return 2, ok
		case "refusal":
			d.Refusal, ok = s.strPtr()
			return 4, ok
		case "tool_calls":
			if s.next() == 'n' {
				return 8, s.literal("null")
			}
			raw, ok := s.value()
			if !ok || raw[0] != '[' || json.Unmarshal(raw, &d.ToolCalls) != nil {
				return 0, false
			}
			return 8, true
		}
		return 0, false
	})
}
