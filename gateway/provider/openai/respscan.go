package openai

import (
	"encoding/json"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Hand scanning of the common chat completion, as scanChunk does for stream chunks
// (chunkscan.go): the usual members are decoded without reflection, anything else makes
// scanResponse report false and decodeResponse fall back to encoding/json.

// scanResponse decodes the common response shape into resp.
func scanResponse(data []byte, resp *api.ChatResponse) bool {
	s := chunkScanner{data: data}
	ok := s.object(func(key []byte) (uint32, bool) {
		var ok bool
		switch string(key) {
		case "id":
			resp.ID, ok = s.strValue("")
			return 1, ok
		case "object":
			resp.Object, ok = s.strValue("chat.completion")
			return 2, ok
		case "created":
			resp.Created, ok = s.integer()
			return 4, ok
		case "model":
			resp.Model, ok = s.strValue("")
			return 8, ok
		case "system_fingerprint":
			resp.SystemFingerprint, ok = s.strValue("")
			return 16, ok
		case "service_tier":
			resp.ServiceTier, ok = s.strValue("default")
			return 32, ok
		case "choices":
			return 64, scanRespChoices(&s, &resp.Choices)
		case "usage":
			return 128, scanUsage(&s, &resp.Usage)
		case "obfuscation":
			raw, ok := s.value()
			if ok {
				resp.Extra = api.Extra{"obfuscation": append(json.RawMessage(nil), raw...)}
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

func scanRespChoices(s *chunkScanner, dst *[]api.Choice) bool {
	switch s.next() {
	case 'n':
		return s.literal("null")
	case '[':
	default:
		return false
	}
	s.i++
	choices := make([]api.Choice, 0, 1)
	if s.next() == ']' {
		s.i++
		*dst = choices
		return true
	}
	for {
		choices = append(choices, api.Choice{})
		if !scanRespChoice(s, &choices[len(choices)-1]) {
			return false
		}
		switch s.next() {
		case ',':
			s.i++
		case ']':
			s.i++
			*dst = choices
			return true
		default:
			return false
		}
	}
}

func scanRespChoice(s *chunkScanner, c *api.Choice) bool {
	return s.object(func(key []byte) (uint32, bool) {
		var ok bool
		switch string(key) {
		case "index":
			n, ok := s.integer()
			if !ok || n != int64(int(n)) {
				return 0, false
			}
			c.Index = int(n)
			return 1, true
		case "message":
			c.Message.Content.Null = true // absent content is null, as api.Message decodes it
			if s.next() == 'n' {
				return 2, s.literal("null")
			}
			return 2, scanMessage(s, &c.Message)
		case "finish_reason":
			c.FinishReason, ok = s.strValue("stop")
			return 4, ok
		case "logprobs":
			if s.next() != 'n' || !s.literal("null") {
				return 0, false
			}
			c.Logprobs = nullRaw
			return 8, true
		}
		return 0, false
	})
}

func scanMessage(s *chunkScanner, m *api.Message) bool {
	return s.object(func(key []byte) (uint32, bool) {
		var ok bool
		switch string(key) {
		case "role":
			m.Role, ok = s.strValue("assistant")
			return 1, ok
		case "content":
			switch s.next() {
			case 'n':
				return 2, s.literal("null")
			case '"':
				m.Content.Null = false
				m.Content.Text, ok = s.strValue("")
				return 2, ok
			}
			return 0, false
		case "refusal":
			m.Refusal, ok = s.strValue("")
			return 4, ok
		case "name":
			m.Name, ok = s.strValue("")
			return 8, ok
		case "tool_call_id":
			m.ToolCallID, ok = s.strValue("")
			return 16, ok
		case "tool_calls":
			if s.next() == 'n' {
				return 32, s.literal("null")
			}
			raw, ok := s.value()
			if !ok || raw[0] != '[' || json.Unmarshal(raw, &m.ToolCalls) != nil {
				return 0, false
			}
			return 32, true
		case "annotations":
			return 64, scanExtra(s, &m.Extra, "annotations")
		case "reasoning_content":
			return 128, scanExtra(s, &m.Extra, "reasoning_content")
		}
		return 0, false
	})
}

// scanExtra keeps the next value, whatever it is, as Extra[name].
func scanExtra(s *chunkScanner, e *api.Extra, name string) bool {
	raw, ok := s.value()
	if !ok {
		return false
	}
	if *e == nil {
		*e = make(api.Extra, 1)
	}
	(*e)[name] = append(json.RawMessage(nil), raw...)
	return true
}
