package api

import "encoding/json"

// ChatRequest is the body of POST /v1/chat/completions.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []Message       `json:"messages"`
	Stream              bool            `json:"stream,omitempty"`
	StreamOptions       *StreamOptions  `json:"stream_options,omitempty"`
	Temperature         *float64        `json:"temperature,omitempty"`
	TopP                *float64        `json:"top_p,omitempty"`
	N                   *int            `json:"n,omitempty"`
	MaxTokens           *int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int            `json:"max_completion_tokens,omitempty"`
	Stop                json.RawMessage `json:"stop,omitempty"` // a string or an array of strings
	PresencePenalty     *float64        `json:"presence_penalty,omitempty"`
	FrequencyPenalty    *float64        `json:"frequency_penalty,omitempty"`
	Seed                *int64          `json:"seed,omitempty"`
	User                string          `json:"user,omitempty"`
	Tools               []Tool          `json:"tools,omitempty"`
	ToolChoice          json.RawMessage `json:"tool_choice,omitempty"`
	ParallelToolCalls   *bool           `json:"parallel_tool_calls,omitempty"`
	ResponseFormat      json.RawMessage `json:"response_format,omitempty"`
	// Fallbacks is Muninn's extension: models to try, in order, when the requested one
	// fails with a retryable error. It is never sent upstream.
	Fallbacks []string `json:"fallbacks,omitempty"`
	// Extra keeps every member not named above; it is sent upstream unchanged.
	Extra Extra `json:"-"`
}

// StreamOptions are the options of a streamed request.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage,omitempty"`
}

// Message is one chat message.
type Message struct {
	Role       string     `json:"role"`
	Content    Content    `json:"content"`
	Name       string     `json:"name,omitempty"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	Refusal    string     `json:"refusal,omitempty"`
	// Extra keeps members not named above (audio, reasoning_content, ...).
	Extra Extra `json:"-"`
}

// Tool is a tool the model may call.
type Tool struct {
	Type     string       `json:"type"` // "function"
	Function ToolFunction `json:"function"`
	Extra    Extra        `json:"-"`
}

// ToolFunction describes a callable function; Parameters is a JSON Schema kept verbatim.
type ToolFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// ToolCall is a call the model made. In stream deltas Index is set and the other fields
// arrive in pieces.
type ToolCall struct {
	Index    *int             `json:"index,omitempty"`
	ID       string           `json:"id,omitempty"`
	Type     string           `json:"type,omitempty"`
	Function ToolCallFunction `json:"function"`
}

// ToolCallFunction is the function and JSON-encoded arguments of a tool call.
type ToolCallFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// ChatResponse is the body of a non-streamed chat completion.
type ChatResponse struct {
	ID                string   `json:"id"`
	Object            string   `json:"object"` // "chat.completion"
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	Choices           []Choice `json:"choices"`
	Usage             *Usage   `json:"usage,omitempty"`
	SystemFingerprint string   `json:"system_fingerprint,omitempty"`
	ServiceTier       string   `json:"service_tier,omitempty"`
	Extra             Extra    `json:"-"`
}

// Choice is one completion choice.
type Choice struct {
	Index        int             `json:"index"`
	Message      Message         `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs,omitempty"`
}

// Usage is the token accounting of a response. PromptTokens includes cached tokens, as
// OpenAI reports it; providers that report them apart (Anthropic) are normalised to this.
type Usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	PromptTokensDetails     *PromptTokensDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *CompletionTokensDetails `json:"completion_tokens_details,omitempty"`
}

// PromptTokensDetails splits the prompt tokens.
type PromptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens,omitempty"`
	// CacheCreationTokens are prompt tokens written to the provider's prompt cache
	// (Anthropic's cache_creation_input_tokens). Not an OpenAI field; omitted when zero.
	CacheCreationTokens int `json:"cache_creation_tokens,omitempty"`
}

// CompletionTokensDetails splits the completion tokens.
type CompletionTokensDetails struct {
	ReasoningTokens          int `json:"reasoning_tokens"`
	AudioTokens              int `json:"audio_tokens,omitempty"`
	AcceptedPredictionTokens int `json:"accepted_prediction_tokens,omitempty"`
	RejectedPredictionTokens int `json:"rejected_prediction_tokens,omitempty"`
}

// CachedTokens returns the prompt tokens read from the provider's prompt cache.
func (u *Usage) CachedTokens() int {
	if u == nil || u.PromptTokensDetails == nil {
		return 0
	}
	return u.PromptTokensDetails.CachedTokens
}

// CacheCreationTokens returns the prompt tokens written to the provider's prompt cache.
func (u *Usage) CacheCreationTokens() int {
	if u == nil || u.PromptTokensDetails == nil {
		return 0
	}
	return u.PromptTokensDetails.CacheCreationTokens
}

// ReasoningTokens returns the completion tokens spent on reasoning.
func (u *Usage) ReasoningTokens() int {
	if u == nil || u.CompletionTokensDetails == nil {
		return 0
	}
	return u.CompletionTokensDetails.ReasoningTokens
}

var (
	chatRequestKeys = keySet("model", "messages", "stream", "stream_options", "temperature",
		"top_p", "n", "max_tokens", "max_completion_tokens", "stop", "presence_penalty",
		"frequency_penalty", "seed", "user", "tools", "tool_choice", "parallel_tool_calls",
		"response_format", "fallbacks")
	messageKeys  = keySet("role", "content", "name", "tool_calls", "tool_call_id", "refusal")
	toolKeys     = keySet("type", "function")
	chatRespKeys = keySet("id", "object", "created", "model", "choices", "usage",
		"system_fingerprint", "service_tier")
)

type (
	chatRequestAlias  ChatRequest
	messageAlias      Message
	toolAlias         Tool
	chatResponseAlias ChatResponse
)

func (r ChatRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(chatRequestAlias(r))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, r.Extra)
}

func (r *ChatRequest) UnmarshalJSON(data []byte) error {
	var a chatRequestAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, chatRequestKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*r = ChatRequest(a)
	return nil
}

func (m Message) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(messageAlias(m))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, m.Extra)
}

func (m *Message) UnmarshalJSON(data []byte) error {
	var a messageAlias
	a.Content.Null = true // an absent content is a null content
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, messageKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*m = Message(a)
	return nil
}

func (t Tool) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(toolAlias(t))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, t.Extra)
}

func (t *Tool) UnmarshalJSON(data []byte) error {
	var a toolAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, toolKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*t = Tool(a)
	return nil
}

func (r ChatResponse) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(chatResponseAlias(r))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, r.Extra)
}

func (r *ChatResponse) UnmarshalJSON(data []byte) error {
	var a chatResponseAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, chatRespKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*r = ChatResponse(a)
	return nil
}
