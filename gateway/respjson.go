package gateway

import (
	"strconv"

	"github.com/muninn-gw/muninn/gateway/api"
)

// appendResponseJSON appends resp as JSON, as json.Marshal would write it. Plain text
// and tool-call answers are written by hand; anything with vendor extensions, content
// parts or logprobs goes through encoding/json.
func appendResponseJSON(buf []byte, resp *api.ChatResponse) ([]byte, error) {
	if !plainResponse(resp) {
		return appendMarshal(buf, resp)
	}
	buf = append(buf, `{"id":`...)
	buf = api.AppendString(buf, resp.ID)
	buf = append(buf, `,"object":`...)
	buf = api.AppendString(buf, resp.Object)
	buf = append(buf, `,"created":`...)
	buf = strconv.AppendInt(buf, resp.Created, 10)
	buf = append(buf, `,"model":`...)
	buf = api.AppendString(buf, resp.Model)
	buf = append(buf, `,"choices":`...)
	if resp.Choices == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for i := range resp.Choices {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendChoice(buf, &resp.Choices[i]); err != nil {
				return buf, err
			}
		}
		buf = append(buf, ']')
	}
	if resp.Usage != nil {
		buf = append(buf, `,"usage":`...)
		var err error
		if buf, err = appendUsage(buf, resp.Usage); err != nil {
			return buf, err
		}
	}
	if resp.SystemFingerprint != "" {
		buf = append(buf, `,"system_fingerprint":`...)
		buf = api.AppendString(buf, resp.SystemFingerprint)
	}
	if resp.ServiceTier != "" {
		buf = append(buf, `,"service_tier":`...)
		buf = api.AppendString(buf, resp.ServiceTier)
	}
	return append(buf, '}'), nil
}

func plainResponse(resp *api.ChatResponse) bool {
	if len(resp.Extra) > 0 {
		return false
	}
	for i := range resp.Choices {
		c := &resp.Choices[i]
		if len(c.Logprobs) > 0 || len(c.Message.Extra) > 0 || c.Message.Content.IsParts {
			return false
		}
	}
	return true
}

func appendChoice(buf []byte, c *api.Choice) ([]byte, error) {
	buf = append(buf, `{"index":`...)
	buf = strconv.AppendInt(buf, int64(c.Index), 10)
	m := &c.Message
	buf = append(buf, `,"message":{"role":`...)
	buf = api.AppendString(buf, m.Role)
	buf = append(buf, `,"content":`...)
	if m.Content.Null && m.Content.Text == "" {
		buf = append(buf, "null"...)
	} else {
		buf = api.AppendString(buf, m.Content.Text)
	}
	if m.Name != "" {
		buf = append(buf, `,"name":`...)
		buf = api.AppendString(buf, m.Name)
	}
	if len(m.ToolCalls) > 0 {
		buf = append(buf, `,"tool_calls":`...)
		var err error
		if buf, err = appendMarshal(buf, m.ToolCalls); err != nil {
			return buf, err
		}
	}
	if m.ToolCallID != "" {
		buf = append(buf, `,"tool_call_id":`...)
		buf = api.AppendString(buf, m.ToolCallID)
	}
	if m.Refusal != "" {
		buf = append(buf, `,"refusal":`...)
		buf = api.AppendString(buf, m.Refusal)
	}
	buf = append(buf, `},"finish_reason":`...)
	buf = api.AppendString(buf, c.FinishReason)
	return append(buf, '}'), nil
}

// appendUsage writes the common usage by hand (detail blocks through encoding/json).
func appendUsage(buf []byte, u *api.Usage) ([]byte, error) {
	if u.PromptTokensDetails != nil || u.CompletionTokensDetails != nil {
		return appendMarshal(buf, u)
	}
	buf = append(buf, `{"prompt_tokens":`...)
	buf = strconv.AppendInt(buf, int64(u.PromptTokens), 10)
	buf = append(buf, `,"completion_tokens":`...)
	buf = strconv.AppendInt(buf, int64(u.CompletionTokens), 10)
	buf = append(buf, `,"total_tokens":`...)
	buf = strconv.AppendInt(buf, int64(u.TotalTokens), 10)
	return append(buf, '}'), nil
}
