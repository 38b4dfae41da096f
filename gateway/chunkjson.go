package gateway

import (
	"encoding/json"
	"strconv"

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
	buf = api.AppendString(buf, ch.ID)
	buf = append(buf, `,"object":`...)
	buf = api.AppendString(buf, ch.Object)
	buf = append(buf, `,"created":`...)
	buf = strconv.AppendInt(buf, ch.Created, 10)
	buf = append(buf, `,"model":`...)
	buf = api.AppendString(buf, ch.Model)
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
		buf = api.AppendString(buf, ch.SystemFingerprint)
	}
	if ch.ServiceTier != "" {
		buf = append(buf, `,"service_tier":`...)
		buf = api.AppendString(buf, ch.ServiceTier)
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
		buf = api.AppendString(buf, d.Role)
	}
	if d.Content != nil {
		field("content")
		buf = api.AppendString(buf, *d.Content)
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
		buf = api.AppendString(buf, *d.Refusal)
	}
	buf = append(buf, `},"finish_reason":`...)
	if c.FinishReason == nil {
		buf = append(buf, "null"...)
	} else {
		buf = api.AppendString(buf, *c.FinishReason)
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
