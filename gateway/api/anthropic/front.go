package anthropic

import (
	"encoding/json"
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
)

// DecodeRequest decodes and checks the body of POST /v1/messages. Every failure is an
// *api.Error (400) naming the field at fault.
func DecodeRequest(body []byte) (*Request, error) {
	var r Request
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, invalid("", "invalid JSON body: "+err.Error())
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Validate checks what the Messages API requires.
func (r *Request) Validate() error {
	switch {
	case r.Model == "":
		return invalid("model", "model is required")
	case r.MaxTokens <= 0:
		return invalid("max_tokens", "max_tokens is required and must be positive")
	case len(r.Messages) == 0:
		return invalid("messages", "messages must not be empty")
	}
	for i := range r.Messages {
		if role := r.Messages[i].Role; role != "user" && role != "assistant" {
			return invalid("messages", "message role must be user or assistant, not "+role)
		}
	}
	return nil
}

// MessagesToChat translates an Anthropic Messages request into an OpenAI chat request:
// the system prompt becomes a system message, tool_result blocks become tool messages
// (placed before the rest of their user turn), tool_use blocks become tool_calls, image
// blocks become image_url parts (base64 as data: URLs), stop_sequences becomes stop,
// metadata.user_id becomes user, tool_choice any becomes "required" and
// disable_parallel_tool_use parallel_tool_calls=false, top_k and thinking are kept in
// Extra. A streamed request asks for include_usage, so the final events carry usage.
func MessagesToChat(r *Request) (*api.ChatRequest, error) {
	out := &api.ChatRequest{Model: r.Model, Stream: r.Stream, Temperature: r.Temperature, TopP: r.TopP}
	if r.MaxTokens > 0 {
		mt := r.MaxTokens
		out.MaxTokens = &mt
	}
	if r.Stream {
		out.StreamOptions = &api.StreamOptions{IncludeUsage: true}
	}
	if len(r.StopSequences) > 0 {
		b, _ := json.Marshal(r.StopSequences)
		out.Stop = b
	}
	if r.Metadata != nil {
		out.User = r.Metadata.UserID
	}
	if r.TopK != nil || len(r.Thinking) > 0 || len(r.Extra) > 0 {
		out.Extra = make(api.Extra, len(r.Extra)+2)
		for k, v := range r.Extra {
			out.Extra[k] = v
		}
		if r.TopK != nil {
			b, _ := json.Marshal(*r.TopK)
			out.Extra["top_k"] = b
		}
		if len(r.Thinking) > 0 {
			out.Extra["thinking"] = r.Thinking
		}
	}
	if r.System != nil {
		if s := r.System.String(); s != "" {
			out.Messages = append(out.Messages, api.Message{Role: "system", Content: api.TextContent(s)})
		}
	}
	for i := range r.Messages {
		msgs, err := chatMessages(&r.Messages[i])
		if err != nil {
			return nil, err
		}
		out.Messages = append(out.Messages, msgs...)
	}
	for _, t := range r.Tools {
		if t.Type != "" && t.Type != "custom" {
			return nil, &api.Error{Status: 400, Type: api.ErrUnsupported, Param: "tools",
				Message: "server tool " + t.Type + " cannot be routed to other providers"}
		}
		out.Tools = append(out.Tools, api.Tool{Type: "function", Function: api.ToolFunction{
			Name: t.Name, Description: t.Description, Parameters: t.InputSchema}})
	}
	if tc := r.ToolChoice; tc != nil {
		switch tc.Type {
		case "auto":
			out.ToolChoice = json.RawMessage(`"auto"`)
		case "any":
			out.ToolChoice = json.RawMessage(`"required"`)
		case "none":
			out.ToolChoice = json.RawMessage(`"none"`)
		case "tool":
			b := appendString([]byte(`{"type":"function","function":{"name":`), tc.Name)
			out.ToolChoice = append(b, "}}"...)
		default:
			return nil, invalid("tool_choice", "unknown tool_choice type "+tc.Type)
		}
		if tc.DisableParallelToolUse {
			f := false
			out.ParallelToolCalls = &f
		}
	}
	return out, nil
}

func chatMessages(m *Message) ([]api.Message, error) {
	if !m.Content.IsBlocks {
		return []api.Message{{Role: m.Role, Content: api.TextContent(m.Content.Text)}}, nil
	}
	var out []api.Message
	var parts []api.ContentPart
	var calls []api.ToolCall
	for _, b := range m.Content.Blocks {
		switch b.Type {
		case "text":
			parts = append(parts, api.ContentPart{Type: "text", Text: b.Text})
		case "image":
			if b.Source == nil {
				return nil, invalid("messages", "image block without a source")
			}
			u := b.Source.URL
			if b.Source.Type == "base64" {
				u = "data:" + b.Source.MediaType + ";base64," + b.Source.Data
			}
			if u == "" {
				return nil, invalid("messages", "image block without data or url")
			}
			parts = append(parts, api.ContentPart{Type: "image_url", ImageURL: &api.ImageURL{URL: u}})
		case "tool_use":
			args := string(b.Input)
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			calls = append(calls, api.ToolCall{ID: b.ID, Type: "function", Function: api.ToolCallFunction{Name: b.Name, Arguments: args}})
		case "tool_result":
			text := ""
			if b.Content != nil {
				text = b.Content.String()
			}
			if b.IsError && !strings.HasPrefix(text, "Error") {
				text = "Error: " + text
			}
			out = append(out, api.Message{Role: "tool", ToolCallID: b.ToolUseID, Content: api.TextContent(text)})
		case "thinking", "redacted_thinking":
			// Reasoning of a previous turn: other providers cannot take it back.
		default:
			return nil, &api.Error{Status: 400, Type: api.ErrUnsupported, Param: "messages",
				Message: "content block type " + b.Type + " cannot be routed to other providers"}
		}
	}
	if len(parts) == 0 && len(calls) == 0 {
		return out, nil
	}
	msg := api.Message{Role: m.Role, ToolCalls: calls}
	switch {
	case len(parts) == 0:
		msg.Content = api.Content{Null: true}
	case m.Role == "assistant" || allText(parts):
		var sb strings.Builder
		for i, p := range parts {
			if i > 0 {
				sb.WriteByte('\n')
			}
			sb.WriteString(p.Text)
		}
		msg.Content = api.TextContent(sb.String())
	default:
		msg.Content = api.Content{Parts: parts, IsParts: true}
	}
	return append(out, msg), nil
}

func allText(parts []api.ContentPart) bool {
	for _, p := range parts {
		if p.Type != "text" {
			return false
		}
	}
	return true
}

// ChatToResponse translates an OpenAI chat response (first choice) into an Anthropic
// message for model: text becomes a text block, tool_calls tool_use blocks,
// finish_reason the stop_reason, usage is split back into input, cache read and cache
// creation tokens.
func ChatToResponse(resp *api.ChatResponse, model string) *Response {
	out := &Response{ID: messageID(resp.ID), Type: "message", Role: "assistant", Model: model, Content: []Block{}}
	stop := "end_turn"
	if len(resp.Choices) > 0 {
		ch := &resp.Choices[0]
		if reasoning := reasoningText(ch.Message.Extra); reasoning != "" {
			out.Content = append(out.Content, Block{Type: "thinking", Thinking: reasoning})
		}
		if s := ch.Message.Content.String(); s != "" {
			out.Content = append(out.Content, Block{Type: "text", Text: s})
		}
		for _, tc := range ch.Message.ToolCalls {
			out.Content = append(out.Content, Block{Type: "tool_use", ID: toolUseID(tc.ID), Name: tc.Function.Name, Input: toolInput(tc.Function.Arguments)})
		}
		stop = StopReason(ch.FinishReason)
	}
	out.StopReason = &stop
	out.Usage = UsageFromChat(resp.Usage)
	return out
}

func reasoningText(extra api.Extra) string {
	raw, ok := extra["reasoning_content"]
	if !ok {
		return ""
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

func messageID(id string) string {
	if id == "" || strings.HasPrefix(id, "msg_") {
		if id == "" {
			return "msg_muninn"
		}
		return id
	}
	return "msg_" + id
}

func toolUseID(id string) string {
	if id == "" {
		return "toolu_muninn"
	}
	return id
}

// toolInput returns the arguments as a JSON object, {} when they are not one.
func toolInput(args string) json.RawMessage {
	a := strings.TrimSpace(args)
	if a == "" || a[0] != '{' || !json.Valid([]byte(a)) {
		return json.RawMessage("{}")
	}
	return json.RawMessage(a)
}

// StopReason maps an OpenAI finish_reason to an Anthropic stop_reason.
func StopReason(finish string) string {
	switch finish {
	case "length":
		return "max_tokens"
	case "tool_calls", "function_call":
		return "tool_use"
	case "content_filter":
		return "refusal"
	default:
		return "end_turn"
	}
}

// FinishReason maps an Anthropic stop_reason to an OpenAI finish_reason.
func FinishReason(stop string) string {
	switch stop {
	case "max_tokens", "model_context_window_exceeded":
		return "length"
	case "tool_use":
		return "tool_calls"
	case "refusal":
		return "content_filter"
	default: // end_turn, stop_sequence, pause_turn
		return "stop"
	}
}

// UsageFromChat splits OpenAI usage (prompt tokens including cached ones) into
// Anthropic's (input tokens excluding cache reads and writes).
func UsageFromChat(u *api.Usage) Usage {
	if u == nil {
		return Usage{}
	}
	read, created := u.CachedTokens(), u.CacheCreationTokens()
	return Usage{InputTokens: max(u.PromptTokens-read-created, 0), OutputTokens: u.CompletionTokens,
		CacheReadInputTokens: read, CacheCreationInputTokens: created}
}

// ChatUsage normalises Anthropic usage to OpenAI's: prompt_tokens = input + cache read +
// cache creation, cached_tokens = cache read, cache_creation_tokens = cache creation.
func ChatUsage(u Usage) *api.Usage {
	prompt := u.InputTokens + u.CacheReadInputTokens + u.CacheCreationInputTokens
	return &api.Usage{
		PromptTokens: prompt, CompletionTokens: u.OutputTokens, TotalTokens: prompt + u.OutputTokens,
		PromptTokensDetails: &api.PromptTokensDetails{CachedTokens: u.CacheReadInputTokens, CacheCreationTokens: u.CacheCreationInputTokens},
	}
}

// ErrorType maps a stable api error type to Anthropic's error type, for the front.
func ErrorType(t string) string {
	switch t {
	case api.ErrInvalidRequest, api.ErrContextLength, api.ErrContentFilter, api.ErrUnsupported:
		return "invalid_request_error"
	case api.ErrAuthentication:
		return "authentication_error"
	case api.ErrPermission:
		return "permission_error"
	case api.ErrModelNotFound, api.ErrNotFound:
		return "not_found_error"
	case api.ErrRateLimit:
		return "rate_limit_error"
	case api.ErrOverloaded:
		return "overloaded_error"
	case api.ErrUpstreamTimeout:
		return "timeout_error"
	default:
		return "api_error"
	}
}

// ErrorJSON is the Anthropic-shaped body of e, for the front.
func ErrorJSON(e *api.Error) []byte {
	b := append([]byte(`{"type":"error","error":{"type":`), `"`+ErrorType(e.Type)+`"`...)
	b = append(b, `,"message":`...)
	b = appendString(b, e.Message)
	return append(b, "}}"...)
}
