package gateway

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/muninn-gw/muninn/gateway/api"
)

// appendChunkJSON appends ch as JSON, as json.Marshal would write it. The common stream
// chunk (text deltas, finish reasons) is written by hand, without reflection; chunks
// with vendor extensions or logprobs go through encoding/json.
func appendChunkJSON(buf []byte, ch *api.ChatChunk) ([]byte, error) {
	if len(ch.Extra) > 0 {
		return appendMarshal(buf, ch)
	}
	for i := range ch.Choices {
		if len(ch.Choices[i].Logprobs) > 0 || len(ch.Choices[i].Delta.Extra) > 0 {
			return appendMarshal(buf, ch)
		}
	}
	buf = append(buf, `{"id":`...)
	buf = appendJSONString(buf, ch.ID)
	buf = append(buf, `,"object":`...)
	buf = appendJSONString(buf, ch.Object)
	buf = append(buf, `,"created":`...)
	buf = strconv.AppendInt(buf, ch.Created, 10)
	buf = append(buf, `,"model":`...)
	buf = appendJSONString(buf, ch.Model)
	buf = append(buf, `,"choices":`...)
	if ch.Choices == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for i := range ch.Choices {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendChunkChoice(buf, &ch.Choices[i]); err != nil {
				return buf, err
			}
		}
		buf = append(buf, ']')
	}
	if ch.Usage != nil {
		buf = append(buf, `,"usage":`...)
		var err error
		if buf, err = appendUsage(buf, ch.Usage); err != nil {
			return buf, err
		}
	}
	if ch.SystemFingerprint != "" {
		buf = append(buf, `,"system_fingerprint":`...)
		buf = appendJSONString(buf, ch.SystemFingerprint)
	}
	if ch.ServiceTier != "" {
		buf = append(buf, `,"service_tier":`...)
		buf = appendJSONString(buf, ch.ServiceTier)
	}
	return append(buf, '}'), nil
}

func appendChunkChoice(buf []byte, c *api.ChunkChoice) ([]byte, error) {
	buf = append(buf, `{"index":`...)
	buf = strconv.AppendInt(buf, int64(c.Index), 10)
	buf = append(buf, `,"delta":{`...)
	d := &c.Delta
	n := 0
	field := func(name string) {
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		buf = append(buf, '"')
		buf = append(buf, name...)
		buf = append(buf, `":`...)
	}
	if d.Role != "" {
		field("role")
		buf = appendJSONString(buf, d.Role)
	}
	if d.Content != nil {
		field("content")
		buf = appendJSONString(buf, *d.Content)
	}
	if len(d.ToolCalls) > 0 {
		b, err := json.Marshal(d.ToolCalls)
		if err != nil {
			return buf, err
		}
		field("tool_calls")
		buf = append(buf, b...)
	}
	if d.Refusal != nil {
		field("refusal")
		buf = appendJSONString(buf, *d.Refusal)
	}
	buf = append(buf, `},"finish_reason":`...)
	if c.FinishReason == nil {
		buf = append(buf, "null"...)
	} else {
		buf = appendJSONString(buf, *c.FinishReason)
	}
	return append(buf, '}'), nil
}

func appendMarshal(buf []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return buf, err
	}
	return append(buf, b...), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json does: HTML-safe escapes for <, >
// and &, U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
