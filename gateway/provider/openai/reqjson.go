package openai

import (
	"math"
	"strconv"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Hand encoding of the common chat request for the upstream.
//
// appendRequest writes exactly what json.Marshal writes for an api.ChatRequest (same
// member order, omissions, number formats and string escapes, HTML-safe), for the usual
// request: text messages without tool calls or unknown members, no tools, and none of
// the members kept as raw JSON. It reports false for anything else and the caller uses
// json.Marshal. TestAppendRequestMatches and FuzzAppendRequest hold it to json.Marshal.
func appendRequest(b []byte, r *api.ChatRequest) ([]byte, bool) {
	if len(r.Tools) > 0 || len(r.Extra) > 0 || r.Stop != nil || r.ToolChoice != nil ||
		r.ResponseFormat != nil {
		return b, false
	}
	b = append(b, `{"model":`...)
	b = api.AppendString(b, r.Model)
	b = append(b, `,"messages":`...)
	if r.Messages == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Messages {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendMessage(b, &r.Messages[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if r.Stream {
		b = append(b, `,"stream":true`...)
	}
	if r.StreamOptions != nil {
		if r.StreamOptions.IncludeUsage {
			b = append(b, `,"stream_options":{"include_usage":true}`...)
		} else {
			b = append(b, `,"stream_options":{}`...)
		}
	}
	var ok bool
	if b, ok = appendFloat(b, `,"temperature":`, r.Temperature); !ok {
		return b, false
	}
	if b, ok = appendFloat(b, `,"top_p":`, r.TopP); !ok {
		return b, false
	}
	b = appendInt(b, `,"n":`, r.N)
	b = appendInt(b, `,"max_tokens":`, r.MaxTokens)
	b = appendInt(b, `,"max_completion_tokens":`, r.MaxCompletionTokens)
	if b, ok = appendFloat(b, `,"presence_penalty":`, r.PresencePenalty); !ok {
		return b, false
	}
	if b, ok = appendFloat(b, `,"frequency_penalty":`, r.FrequencyPenalty); !ok {
		return b, false
	}
	if r.Seed != nil {
		b = append(b, `,"seed":`...)
		b = strconv.AppendInt(b, *r.Seed, 10)
	}
	if r.User != "" {
		b = append(b, `,"user":`...)
		b = api.AppendString(b, r.User)
	}
	if r.ParallelToolCalls != nil {
		b = append(b, `,"parallel_tool_calls":`...)
		b = strconv.AppendBool(b, *r.ParallelToolCalls)
	}
	if len(r.Fallbacks) > 0 {
		b = append(b, `,"fallbacks":[`...)
		for i, f := range r.Fallbacks {
			if i > 0 {
				b = append(b, ',')
			}
			b = api.AppendString(b, f)
		}
		b = append(b, ']')
	}
	return append(b, '}'), true
}

func appendMessage(b []byte, m *api.Message) ([]byte, bool) {
	if len(m.Extra) > 0 || len(m.ToolCalls) > 0 || m.Content.IsParts {
		return b, false
	}
	b = append(b, `{"role":`...)
	b = api.AppendString(b, m.Role)
	b = append(b, `,"content":`...)
	if m.Content.Null && m.Content.Text == "" {
		b = append(b, "null"...)
	} else {
		b = api.AppendString(b, m.Content.Text)
	}
	if m.Name != "" {
		b = append(b, `,"name":`...)
		b = api.AppendString(b, m.Name)
	}
	if m.ToolCallID != "" {
		b = append(b, `,"tool_call_id":`...)
		b = api.AppendString(b, m.ToolCallID)
	}
	if m.Refusal != "" {
		b = append(b, `,"refusal":`...)
		b = api.AppendString(b, m.Refusal)
	}
	return append(b, '}'), true
}

func appendInt(b []byte, key string, v *int) []byte {
	if v == nil {
		return b
	}
	b = append(b, key...)
	return strconv.AppendInt(b, int64(*v), 10)
}

// appendFloat writes a float64 as encoding/json does in its plain ('f') range; outside
// it (tiny or huge magnitudes, NaN, infinities) it reports false.
func appendFloat(b []byte, key string, v *float64) ([]byte, bool) {
	if v == nil {
		return b, true
	}
	f := *v
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return b, false
	}
	b = append(b, key...)
	return strconv.AppendFloat(b, f, 'f', -1, 64), true
}
