package anthropic

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

// ResponseToChat translates an Anthropic message into an OpenAI chat response: text
// blocks joined into the content, tool_use blocks into tool_calls, thinking into the
// message's reasoning_content, stop_reason into finish_reason, usage normalised with
// ChatUsage.
func ResponseToChat(r *Response) *api.ChatResponse {
	msg := api.Message{Role: "assistant"}
	var text, thinking strings.Builder
	for _, b := range r.Content {
		switch b.Type {
		case "text":
			text.WriteString(b.Text)
		case "thinking":
			thinking.WriteString(b.Thinking)
		case "tool_use":
			args := string(b.Input)
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			msg.ToolCalls = append(msg.ToolCalls, api.ToolCall{ID: b.ID, Type: "function",
				Function: api.ToolCallFunction{Name: b.Name, Arguments: args}})
		}
	}
	if text.Len() > 0 || len(msg.ToolCalls) == 0 {
		msg.Content = api.TextContent(text.String())
	} else {
		msg.Content = api.Content{Null: true}
	}
	if thinking.Len() > 0 {
		b, _ := json.Marshal(thinking.String())
		msg.Extra = api.Extra{"reasoning_content": b}
	}
	stop := ""
	if r.StopReason != nil {
		stop = *r.StopReason
	}
	return &api.ChatResponse{
		ID: r.ID, Object: "chat.completion", Created: time.Now().Unix(), Model: r.Model,
		Choices: []api.Choice{{Index: 0, Message: msg, FinishReason: FinishReason(stop)}},
		Usage:   ChatUsage(r.Usage),
	}
}

// ChunkConverter turns the events of an Anthropic stream into OpenAI chunks. It is
// stateful (one per stream) and not safe for concurrent use.
//
//	message_start        -> a chunk with the role (usage so far is remembered)
//	content_block_start  -> tool_use: a chunk opening the tool call (id, name)
//	content_block_delta  -> text_delta: content; input_json_delta: tool call arguments;
//	                        thinking_delta: delta.reasoning_content
//	message_delta        -> a chunk with finish_reason (usage is remembered)
//	message_stop         -> a usage-only chunk (no choices), then the stream is done
//	ping, content_block_stop, unknown events -> nothing
//	error                -> an *api.Error (upstream_error; overloaded_error is retryable)
type ChunkConverter struct {
	id, model string
	created   int64
	usage     Usage
	tools     map[int]int // content block index -> tool call index
	nextTool  int
	chunk     api.ChatChunk
	choice    [1]api.ChunkChoice
	call      [1]api.ToolCall
	idx       int
	str       string
	fin       string
	done      bool
}

// NewChunkConverter returns a converter for one stream.
func NewChunkConverter() *ChunkConverter {
	return &ChunkConverter{created: time.Now().Unix()}
}

// Done reports whether message_stop was seen.
func (c *ChunkConverter) Done() bool { return c.done }

// Usage is the usage reported so far, normalised.
func (c *ChunkConverter) Usage() *api.Usage { return ChatUsage(c.usage) }

func (c *ChunkConverter) base() *api.ChatChunk {
	c.chunk = api.ChatChunk{ID: c.id, Object: "chat.completion.chunk", Created: c.created, Model: c.model}
	c.choice[0] = api.ChunkChoice{}
	c.chunk.Choices = c.choice[:]
	return &c.chunk
}

// Event converts one event. It returns nil when the event yields no chunk. The chunk is
// owned by the converter until the next call.
func (c *ChunkConverter) Event(ev *StreamEvent) (*api.ChatChunk, error) {
	switch ev.Type {
	case "message_start":
		if ev.Message != nil {
			c.id, c.model = ev.Message.ID, ev.Message.Model
			c.usage = ev.Message.Usage
		}
		ch := c.base()
		ch.Choices[0].Delta.Role = "assistant"
		c.str = ""
		ch.Choices[0].Delta.Content = &c.str
		return ch, nil
	case "content_block_start":
		if ev.ContentBlock == nil || ev.ContentBlock.Type != "tool_use" {
			return nil, nil
		}
		if c.tools == nil {
			c.tools = make(map[int]int, 2)
		}
		c.tools[ev.Index] = c.nextTool
		ch := c.base()
		c.idx = c.nextTool
		c.nextTool++
		c.call[0] = api.ToolCall{Index: &c.idx, ID: ev.ContentBlock.ID, Type: "function",
			Function: api.ToolCallFunction{Name: ev.ContentBlock.Name}}
		ch.Choices[0].Delta.ToolCalls = c.call[:]
		return ch, nil
	case "content_block_delta":
		if ev.Delta == nil {
			return nil, nil
		}
		switch ev.Delta.Type {
		case "text_delta":
			ch := c.base()
			c.str = ev.Delta.Text
			ch.Choices[0].Delta.Content = &c.str
			return ch, nil
		case "input_json_delta":
			ti, ok := c.tools[ev.Index]
			if !ok || ev.Delta.PartialJSON == "" {
				return nil, nil
			}
			ch := c.base()
			c.idx = ti
			c.call[0] = api.ToolCall{Index: &c.idx, Function: api.ToolCallFunction{Arguments: ev.Delta.PartialJSON}}
			ch.Choices[0].Delta.ToolCalls = c.call[:]
			return ch, nil
		case "thinking_delta":
			ch := c.base()
			b, _ := json.Marshal(ev.Delta.Thinking)
			ch.Choices[0].Delta.Extra = api.Extra{"reasoning_content": b}
			return ch, nil
		}
		return nil, nil
	case "message_delta":
		if ev.Usage != nil {
			mergeUsage(&c.usage, ev.Usage)
		}
		if ev.Delta == nil || ev.Delta.StopReason == "" {
			return nil, nil
		}
		ch := c.base()
		c.fin = FinishReason(ev.Delta.StopReason)
		ch.Choices[0].FinishReason = &c.fin
		return ch, nil
	case "message_stop":
		c.done = true
		ch := c.base()
		ch.Choices = ch.Choices[:0]
		ch.Usage = ChatUsage(c.usage)
		return ch, nil
	case "error":
		return nil, EventError(ev.Error)
	}
	return nil, nil
}

// mergeUsage applies a message_delta's cumulative usage: output tokens always, input and
// cache counts when the event carries them.
func mergeUsage(dst, u *Usage) {
	dst.OutputTokens = u.OutputTokens
	if u.InputTokens > 0 {
		dst.InputTokens = u.InputTokens
	}
	if u.CacheReadInputTokens > 0 {
		dst.CacheReadInputTokens = u.CacheReadInputTokens
	}
	if u.CacheCreationInputTokens > 0 {
		dst.CacheCreationInputTokens = u.CacheCreationInputTokens
	}
}

// EventError turns an error event's detail into an *api.Error.
func EventError(d *ErrorDetail) *api.Error {
	if d == nil {
		return &api.Error{Status: 502, Type: api.ErrUpstream, Message: "upstream stream error"}
	}
	e := &api.Error{Status: 502, Type: api.ErrUpstream, Message: d.Type + ": " + d.Message}
	switch d.Type {
	case "rate_limit_error":
		e.Status, e.Type = 429, api.ErrRateLimit
	case "invalid_request_error":
		e.Status, e.Type = 400, api.ErrInvalidRequest
	case "overloaded_error":
		e.Code = "overloaded"
	}
	return e
}
