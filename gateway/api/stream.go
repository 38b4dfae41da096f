package api

import "encoding/json"

// ChatChunk is one server-sent event of a streamed chat completion.
type ChatChunk struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"` // "chat.completion.chunk"
	Created           int64         `json:"created"`
	Model             string        `json:"model"`
	Choices           []ChunkChoice `json:"choices"`
	Usage             *Usage        `json:"usage,omitempty"`
	SystemFingerprint string        `json:"system_fingerprint,omitempty"`
	ServiceTier       string        `json:"service_tier,omitempty"`
	Extra             Extra         `json:"-"`
}

// ChunkChoice is the delta of one choice in a chunk.
type ChunkChoice struct {
	Index        int             `json:"index"`
	Delta        Delta           `json:"delta"`
	FinishReason *string         `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs,omitempty"`
}

// Delta is the increment a chunk adds to a choice's message.
type Delta struct {
	Role      string     `json:"role,omitempty"`
	Content   *string    `json:"content,omitempty"`
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	Refusal   *string    `json:"refusal,omitempty"`
	Extra     Extra      `json:"-"`
}

var (
	chunkKeys = keySet("id", "object", "created", "model", "choices", "usage",
		"system_fingerprint", "service_tier")
	deltaKeys = keySet("role", "content", "tool_calls", "refusal")
)

type (
	chatChunkAlias ChatChunk
	deltaAlias     Delta
)

func (c ChatChunk) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(chatChunkAlias(c))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, c.Extra)
}

func (c *ChatChunk) UnmarshalJSON(data []byte) error {
	var a chatChunkAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, chunkKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*c = ChatChunk(a)
	return nil
}

func (d Delta) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(deltaAlias(d))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, d.Extra)
}

func (d *Delta) UnmarshalJSON(data []byte) error {
	var a deltaAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, deltaKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*d = Delta(a)
	return nil
}
