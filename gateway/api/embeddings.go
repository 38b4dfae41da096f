package api

import (
	"bytes"
	"encoding/json"
	"errors"
)

// EmbeddingRequest is the body of POST /v1/embeddings.
type EmbeddingRequest struct {
	Model string         `json:"model"`
	Input EmbeddingInput `json:"input"`
	// EncodingFormat is "float" (default) or "base64". Providers are always asked for
	// floats; the gateway encodes base64 for the client when asked.
	EncodingFormat string `json:"encoding_format,omitempty"`
	Dimensions     *int   `json:"dimensions,omitempty"`
	User           string `json:"user,omitempty"`
	Extra          Extra  `json:"-"`
}

// EmbeddingInput is a string, an array of strings, or (passed through verbatim) token
// arrays.
type EmbeddingInput struct {
	Texts []string
	// Raw holds token-array inputs, which are passed upstream untouched.
	Raw json.RawMessage
	// Single records that the input was a single string.
	Single bool
}

func (in EmbeddingInput) MarshalJSON() ([]byte, error) {
	if in.Raw != nil {
		return in.Raw, nil
	}
	if in.Single && len(in.Texts) == 1 {
		return json.Marshal(in.Texts[0])
	}
	if in.Texts == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(in.Texts)
}

var errEmbeddingInput = errors.New("input must be a string, an array of strings, or an array of token arrays")

func (in *EmbeddingInput) UnmarshalJSON(data []byte) error {
	*in = EmbeddingInput{}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errEmbeddingInput
	}
	switch data[0] {
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		in.Texts, in.Single = []string{s}, true
		return nil
	case '[':
		var texts []string
		if err := json.Unmarshal(data, &texts); err == nil {
			in.Texts = texts
			return nil
		}
		var tokens []json.RawMessage
		if err := json.Unmarshal(data, &tokens); err != nil {
			return errEmbeddingInput
		}
		in.Raw = append(json.RawMessage(nil), data...)
		return nil
	default:
		return errEmbeddingInput
	}
}

// EmbeddingResponse is the body answering POST /v1/embeddings.
type EmbeddingResponse struct {
	Object string          `json:"object"` // "list"
	Data   []Embedding     `json:"data"`
	Model  string          `json:"model"`
	Usage  *EmbeddingUsage `json:"usage,omitempty"`
}

// Embedding is one vector of an embeddings response, at the position of its input.
type Embedding struct {
	Object    string    `json:"object"` // "embedding"
	Index     int       `json:"index"`
	Embedding []float32 `json:"embedding"`
}

// EmbeddingUsage is the token accounting of an embeddings response.
type EmbeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

var embeddingRequestKeys = keySet("model", "input", "encoding_format", "dimensions", "user")

type embeddingRequestAlias EmbeddingRequest

func (r EmbeddingRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(embeddingRequestAlias(r))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, r.Extra)
}

func (r *EmbeddingRequest) UnmarshalJSON(data []byte) error {
	var a embeddingRequestAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, embeddingRequestKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*r = EmbeddingRequest(a)
	return nil
}

// CompletionRequest is the body of the legacy POST /v1/completions. Only what the gateway
// routes on is named; everything else is passed through to OpenAI-compatible upstreams.
type CompletionRequest struct {
	Model         string          `json:"model"`
	Prompt        json.RawMessage `json:"prompt,omitempty"`
	Stream        bool            `json:"stream,omitempty"`
	StreamOptions *StreamOptions  `json:"stream_options,omitempty"`
	MaxTokens     *int            `json:"max_tokens,omitempty"`
	N             *int            `json:"n,omitempty"`
	Temperature   *float64        `json:"temperature,omitempty"`
	Fallbacks     []string        `json:"fallbacks,omitempty"`
	Extra         Extra           `json:"-"`
}

var completionRequestKeys = keySet("model", "prompt", "stream", "stream_options",
	"max_tokens", "n", "temperature", "fallbacks")

type completionRequestAlias CompletionRequest

func (r CompletionRequest) MarshalJSON() ([]byte, error) {
	a := completionRequestAlias(r)
	a.Fallbacks = nil
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return appendExtra(b, r.Extra)
}

func (r *CompletionRequest) UnmarshalJSON(data []byte) error {
	var a completionRequestAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, completionRequestKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*r = CompletionRequest(a)
	return nil
}

// ModelList is the body answering GET /v1/models.
type ModelList struct {
	Object string  `json:"object"` // "list"
	Data   []Model `json:"data"`
}

// Model is one entry of GET /v1/models.
type Model struct {
	ID      string `json:"id"`
	Object  string `json:"object"` // "model"
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}
