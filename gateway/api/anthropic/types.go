package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Request is the body of POST /v1/messages.
type Request struct {
	Model         string          `json:"model"`
	System        *Content        `json:"system,omitempty"` // a string or text blocks
	Messages      []Message       `json:"messages"`
	MaxTokens     int             `json:"max_tokens"`
	Temperature   *float64        `json:"temperature,omitempty"`
	TopP          *float64        `json:"top_p,omitempty"`
	TopK          *int            `json:"top_k,omitempty"`
	StopSequences []string        `json:"stop_sequences,omitempty"`
	Stream        bool            `json:"stream,omitempty"`
	Metadata      *Metadata       `json:"metadata,omitempty"`
	Tools         []Tool          `json:"tools,omitempty"`
	ToolChoice    *ToolChoice     `json:"tool_choice,omitempty"`
	Thinking      json.RawMessage `json:"thinking,omitempty"`
	// Extra keeps members not named above; they are sent upstream unchanged.
	Extra api.Extra `json:"-"`
}

// Metadata is the request's metadata.
type Metadata struct {
	UserID string `json:"user_id,omitempty"`
}

// Message is one turn: role "user" or "assistant".
type Message struct {
	Role    string  `json:"role"`
	Content Content `json:"content"`
}

// Content is a plain string or an array of blocks (message content, system prompt,
// tool_result content).
type Content struct {
	Text     string
	Blocks   []Block
	IsBlocks bool
}

// Text returns the text of the content: the string, or its text blocks joined by "\n".
func (c *Content) String() string {
	if !c.IsBlocks {
		return c.Text
	}
	var b []byte
	for _, bl := range c.Blocks {
		if bl.Type != "text" {
			continue
		}
		if len(b) > 0 {
			b = append(b, '\n')
		}
		b = append(b, bl.Text...)
	}
	return string(b)
}

func (c Content) MarshalJSON() ([]byte, error) {
	if c.IsBlocks {
		if c.Blocks == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(c.Blocks)
	}
	return json.Marshal(c.Text)
}

var errContent = errors.New("content must be a string or an array of content blocks")

func (c *Content) UnmarshalJSON(data []byte) error {
	*c = Content{}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errContent
	}
	switch data[0] {
	case '"':
		return json.Unmarshal(data, &c.Text)
	case '[':
		c.IsBlocks = true
		return json.Unmarshal(data, &c.Blocks)
	case 'n':
		if string(data) == "null" {
			return nil
		}
	}
	return errContent
}

// Block is one content block: text, image, tool_use, tool_result, thinking,
// redacted_thinking, document, ...
type Block struct {
	Type string `json:"type"`
	// text
	Text string `json:"text,omitempty"`
	// image, document
	Source *Source `json:"source,omitempty"`
	// tool_use
	ID    string          `json:"id,omitempty"`
	Name  string          `json:"name,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
	// tool_result
	ToolUseID string   `json:"tool_use_id,omitempty"`
	Content   *Content `json:"content,omitempty"`
	IsError   bool     `json:"is_error,omitempty"`
	// thinking
	Thinking  string `json:"thinking,omitempty"`
	Signature string `json:"signature,omitempty"`
	Data      string `json:"data,omitempty"` // redacted_thinking

	CacheControl json.RawMessage `json:"cache_control,omitempty"`
}

type blockAlias Block

// MarshalJSON writes the members each block type requires even when empty (a text
// block's "text", a tool_use's "input").
func (b Block) MarshalJSON() ([]byte, error) {
	switch b.Type {
	case "text":
		return json.Marshal(struct {
			Type         string          `json:"type"`
			Text         string          `json:"text"`
			CacheControl json.RawMessage `json:"cache_control,omitempty"`
		}{b.Type, b.Text, b.CacheControl})
	case "tool_use":
		in := b.Input
		if len(bytes.TrimSpace(in)) == 0 {
			in = json.RawMessage("{}")
		}
		return json.Marshal(struct {
			Type         string          `json:"type"`
			ID           string          `json:"id"`
			Name         string          `json:"name"`
			Input        json.RawMessage `json:"input"`
			CacheControl json.RawMessage `json:"cache_control,omitempty"`
		}{b.Type, b.ID, b.Name, in, b.CacheControl})
	case "thinking":
		return json.Marshal(struct {
			Type      string `json:"type"`
			Thinking  string `json:"thinking"`
			Signature string `json:"signature"`
		}{b.Type, b.Thinking, b.Signature})
	}
	return json.Marshal(blockAlias(b))
}

// Source is an image's (or document's) source.
type Source struct {
	Type      string `json:"type"` // "base64" or "url"
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Tool is a tool the model may use.
type Tool struct {
	Type         string          `json:"type,omitempty"` // empty for custom tools; server tools have one
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	InputSchema  json.RawMessage `json:"input_schema,omitempty"`
	CacheControl json.RawMessage `json:"cache_control,omitempty"`
}

// ToolChoice is how the model must use tools: auto, any, tool (with Name) or none.
type ToolChoice struct {
	Type                   string `json:"type"`
	Name                   string `json:"name,omitempty"`
	DisableParallelToolUse bool   `json:"disable_parallel_tool_use,omitempty"`
}

// Response is the body of a non-streamed message.
type Response struct {
	ID           string  `json:"id"`
	Type         string  `json:"type"` // "message"
	Role         string  `json:"role"` // "assistant"
	Model        string  `json:"model"`
	Content      []Block `json:"content"`
	StopReason   *string `json:"stop_reason"`
	StopSequence *string `json:"stop_sequence"`
	Usage        Usage   `json:"usage"`
}

// Usage is Anthropic's token accounting: input_tokens excludes the cache reads and
// writes, which are reported apart.
type Usage struct {
	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens,omitempty"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens,omitempty"`
}

// StreamEvent is one event of a streamed message (the data of an SSE event; its type is
// repeated in the "event:" field).
type StreamEvent struct {
	Type         string       `json:"type"`
	Message      *Response    `json:"message,omitempty"`       // message_start
	Index        int          `json:"index"`                   // content_block_*
	ContentBlock *Block       `json:"content_block,omitempty"` // content_block_start
	Delta        *Delta       `json:"delta,omitempty"`         // content_block_delta, message_delta
	Usage        *Usage       `json:"usage,omitempty"`         // message_delta (cumulative)
	Error        *ErrorDetail `json:"error,omitempty"`         // error
}

// Delta is the delta of a content_block_delta (text_delta, input_json_delta,
// thinking_delta, signature_delta) or of a message_delta (stop_reason).
type Delta struct {
	Type         string  `json:"type,omitempty"`
	Text         string  `json:"text,omitempty"`
	PartialJSON  string  `json:"partial_json,omitempty"`
	Thinking     string  `json:"thinking,omitempty"`
	Signature    string  `json:"signature,omitempty"`
	StopReason   string  `json:"stop_reason,omitempty"`
	StopSequence *string `json:"stop_sequence,omitempty"`
}

// ErrorBody is Anthropic's error envelope.
type ErrorBody struct {
	Type  string      `json:"type"` // "error"
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of the envelope.
type ErrorDetail struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

var requestKeys = api.KeySet("model", "system", "messages", "max_tokens", "temperature", "top_p",
	"top_k", "stop_sequences", "stream", "metadata", "tools", "tool_choice", "thinking")

type requestAlias Request

func (r Request) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(requestAlias(r))
	if err != nil {
		return nil, err
	}
	return api.AppendExtra(b, r.Extra)
}

func (r *Request) UnmarshalJSON(data []byte) error {
	var a requestAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := api.SplitExtra(data, requestKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*r = Request(a)
	return nil
}
