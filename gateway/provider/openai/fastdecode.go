package openai

import (
	"encoding/json"

	"github.com/muninn-gw/muninn/gateway/api"
)

// Fast decoding of upstream chunks and responses.
//
// The api types keep unknown members in Extra, which costs them a second full parse per
// object. Upstream payloads almost always carry only known members, so the provider first
// scans the member names (no allocation): when every name is one the fast path handles, it
// decodes once into mirror structs without custom unmarshalers; otherwise it falls back
// to the api types. Both paths give identical results (TestFastDecodeMatches,
// FuzzFastDecode).

// topKeys are the members of a chunk or response object handled by the fast path.
var topKeys = keys("id", "object", "created", "model", "choices", "usage",
	"system_fingerprint", "service_tier", "obfuscation")

// deepKeys are the members allowed below the top level.
var deepKeys = keys("index", "delta", "message", "finish_reason", "logprobs",
	"role", "content", "tool_calls", "refusal", "annotations", "reasoning_content",
	"id", "type", "function", "name", "arguments",
	"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details",
	"completion_tokens_details", "cached_tokens", "audio_tokens", "reasoning_tokens",
	"accepted_prediction_tokens", "rejected_prediction_tokens", "cache_creation_tokens",
	"token", "logprob", "bytes", "top_logprobs")

func keys(names ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(names))
	for _, n := range names {
		m[n] = struct{}{}
	}
	return m
}

// knownKeys reports whether data is a JSON object whose member names are all in top (at
// the top level) or deep (below it), none of them escaped. It does not validate JSON;
// the decoder does.
func knownKeys(data []byte) bool {
	var stack [24]bool // per depth: is an object
	depth := 0
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			j, esc := i+1, false
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					esc = true
					j++
				}
				j++
			}
			if j >= len(data) {
				return false
			}
			if expectKey {
				if esc {
					return false
				}
				set := deepKeys
				if depth == 1 {
					set = topKeys
				}
				if _, ok := set[string(data[i+1:j])]; !ok {
					return false
				}
				expectKey = false
			}
			i = j
		case '{', '[':
			depth++
			if depth >= len(stack) {
				return false
			}
			stack[depth] = c == '{'
			expectKey = c == '{'
		case '}', ']':
			if depth == 0 {
				return false
			}
			depth--
			expectKey = false
		case ',':
			expectKey = depth > 0 && stack[depth]
		}
	}
	return true
}

type fastChunk struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Created           int64             `json:"created"`
	Model             string            `json:"model"`
	Choices           []fastChunkChoice `json:"choices"`
	Usage             *api.Usage        `json:"usage"`
	SystemFingerprint string            `json:"system_fingerprint"`
	ServiceTier       string            `json:"service_tier"`
	Obfuscation       json.RawMessage   `json:"obfuscation"`
}

type fastChunkChoice struct {
	Index        int             `json:"index"`
	Delta        fastDelta       `json:"delta"`
	FinishReason *string         `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs"`
}

type fastDelta struct {
	Role             string          `json:"role"`
	Content          *string         `json:"content"`
	ToolCalls        []api.ToolCall  `json:"tool_calls"`
	Refusal          *string         `json:"refusal"`
	ReasoningContent json.RawMessage `json:"reasoning_content"`
	Annotations      json.RawMessage `json:"annotations"`
}

// chunkDecoder decodes chunks, reusing its buffers between calls.
type chunkDecoder struct {
	fc      fastChunk
	choices []api.ChunkChoice
}

// decode fills dst from data (dst is overwritten).
func (d *chunkDecoder) decode(data []byte, dst *api.ChatChunk) error {
	if d.scanChunk(data, dst) {
		return nil
	}
	if !knownKeys(data) {
		*dst = api.ChatChunk{}
		return json.Unmarshal(data, dst)
	}
	d.fc = fastChunk{} // fresh: an absent "choices" must stay nil, an empty one empty
	if err := json.Unmarshal(data, &d.fc); err != nil {
		return err
	}
	fc := &d.fc
	*dst = api.ChatChunk{ID: fc.ID, Object: fc.Object, Created: fc.Created, Model: fc.Model,
		Usage: fc.Usage, SystemFingerprint: fc.SystemFingerprint, ServiceTier: fc.ServiceTier}
	if fc.Obfuscation != nil {
		dst.Extra = api.Extra{"obfuscation": fc.Obfuscation}
	}
	if fc.Choices != nil {
		if d.choices == nil {
			d.choices = make([]api.ChunkChoice, 0, len(fc.Choices)+1)
		}
		d.choices = d.choices[:0]
		for i := range fc.Choices {
			c := &fc.Choices[i]
			cc := api.ChunkChoice{Index: c.Index, FinishReason: c.FinishReason, Logprobs: c.Logprobs,
				Delta: api.Delta{Role: c.Delta.Role, Content: c.Delta.Content, ToolCalls: c.Delta.ToolCalls, Refusal: c.Delta.Refusal}}
			cc.Delta.Extra = addExtra(cc.Delta.Extra, "reasoning_content", c.Delta.ReasoningContent)
			cc.Delta.Extra = addExtra(cc.Delta.Extra, "annotations", c.Delta.Annotations)
			d.choices = append(d.choices, cc)
		}
		dst.Choices = d.choices
	}
	return nil
}

func addExtra(e api.Extra, k string, v json.RawMessage) api.Extra {
	if v == nil {
		return e
	}
	if e == nil {
		e = make(api.Extra, 1)
	}
	e[k] = v
	return e
}

type fastResponse struct {
	ID                string           `json:"id"`
	Object            string           `json:"object"`
	Created           int64            `json:"created"`
	Model             string           `json:"model"`
	Choices           []fastRespChoice `json:"choices"`
	Usage             *api.Usage       `json:"usage"`
	SystemFingerprint string           `json:"system_fingerprint"`
	ServiceTier       string           `json:"service_tier"`
	Obfuscation       json.RawMessage  `json:"obfuscation"`
}

type fastRespChoice struct {
	Index        int             `json:"index"`
	Message      *fastMessage    `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs"`
}

type fastMessage struct {
	Role             string          `json:"role"`
	Content          *api.Content    `json:"content"`
	Name             string          `json:"name"`
	ToolCalls        []api.ToolCall  `json:"tool_calls"`
	ToolCallID       string          `json:"tool_call_id"`
	Refusal          *string         `json:"refusal"`
	ReasoningContent json.RawMessage `json:"reasoning_content"`
	Annotations      json.RawMessage `json:"annotations"`
}

// decodeResponse decodes a chat completion, by the fast path when it can.
func decodeResponse(data []byte) (*api.ChatResponse, error) {
	resp := new(api.ChatResponse)
	if scanResponse(data, resp) {
		return resp, nil
	}
	*resp = api.ChatResponse{}
	if !knownKeys(data) {
		return resp, json.Unmarshal(data, resp)
	}
	var fr fastResponse
	if err := json.Unmarshal(data, &fr); err != nil {
		return nil, err
	}
	*resp = api.ChatResponse{ID: fr.ID, Object: fr.Object, Created: fr.Created, Model: fr.Model,
		Usage: fr.Usage, SystemFingerprint: fr.SystemFingerprint, ServiceTier: fr.ServiceTier}
	resp.Extra = addExtra(nil, "obfuscation", fr.Obfuscation)
	if fr.Choices != nil {
		resp.Choices = make([]api.Choice, len(fr.Choices))
	}
	for i := range fr.Choices {
		if fr.Choices[i].Message == nil {
			// Absent and null differ (a null message has a null content): leave it to
			// the api types.
			*resp = api.ChatResponse{}
			return resp, json.Unmarshal(data, resp)
		}
	}
	for i := range fr.Choices {
		c := &fr.Choices[i]
		var m api.Message
		if fm := c.Message; fm != nil {
			m = api.Message{Role: fm.Role, Name: fm.Name, ToolCalls: fm.ToolCalls, ToolCallID: fm.ToolCallID}
			if fm.Content != nil {
				m.Content = *fm.Content
			} else {
				m.Content.Null = true // absent or null content is null, as api.Message decodes it
			}
			if fm.Refusal != nil {
				// api.Message has a plain string: a null refusal is "", any other value kept.
				m.Refusal = *fm.Refusal
			}
			m.Extra = addExtra(m.Extra, "reasoning_content", fm.ReasoningContent)
			m.Extra = addExtra(m.Extra, "annotations", fm.Annotations)
		}
		resp.Choices[i] = api.Choice{Index: c.Index, Message: m, FinishReason: c.FinishReason, Logprobs: c.Logprobs}
	}
	return resp, nil
}
