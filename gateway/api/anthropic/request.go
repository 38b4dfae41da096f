package anthropic

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
)

// DefaultMaxTokens is the max_tokens sent to Anthropic when an OpenAI-shaped request sets
// none (Anthropic requires it).
const DefaultMaxTokens = 4096

func invalid(param, msg string) *api.Error {
	return &api.Error{Status: 400, Type: api.ErrInvalidRequest, Param: param, Message: msg}
}

// ChatToMessages translates an OpenAI chat request into an Anthropic Messages request
// for the model named in req.Model.
//
// System and developer messages become the system prompt; tool messages become
// tool_result blocks in a user turn; assistant tool_calls become tool_use blocks;
// image_url parts become image blocks (data: URLs as base64, others as url sources);
// consecutive turns of one role are merged. max_tokens defaults to DefaultMaxTokens,
// temperature is clamped to Anthropic's [0, 1], stop becomes stop_sequences, user
// becomes metadata.user_id, tool_choice "required" becomes "any" and
// parallel_tool_calls=false disable_parallel_tool_use. Extra members "top_k", "thinking"
// and "metadata" are carried over; other OpenAI-only members are dropped. n > 1 and
// non-image media parts are refused with an *api.Error.
func ChatToMessages(req *api.ChatRequest) (*Request, error) {
	out := &Request{Model: req.Model, Stream: req.Stream, TopP: req.TopP}
	if req.N != nil && *req.N > 1 {
		return nil, &api.Error{Status: 400, Type: api.ErrUnsupported, Param: "n", Message: "n > 1 is not supported by Anthropic models"}
	}
	switch {
	case req.MaxCompletionTokens != nil:
		out.MaxTokens = *req.MaxCompletionTokens
	case req.MaxTokens != nil:
		out.MaxTokens = *req.MaxTokens
	default:
		out.MaxTokens = DefaultMaxTokens
	}
	if req.Temperature != nil {
		t := min(max(*req.Temperature, 0), 1)
		out.Temperature = &t
	}
	if len(req.Stop) > 0 && string(req.Stop) != "null" {
		stops, err := stopList(req.Stop)
		if err != nil {
			return nil, err
		}
		out.StopSequences = stops
	}
	if req.User != "" {
		out.Metadata = &Metadata{UserID: req.User}
	}
	for k, v := range req.Extra {
		switch k {
		case "top_k":
			var n int
			if json.Unmarshal(v, &n) == nil {
				out.TopK = &n
			}
		case "thinking":
			out.Thinking = v
		case "metadata":
			var m Metadata
			if json.Unmarshal(v, &m) == nil && m.UserID != "" {
				out.Metadata = &m
			}
		}
	}
	if err := chatTools(req, out); err != nil {
		return nil, err
	}
	var system []Block
	for i := range req.Messages {
		m := &req.Messages[i]
		switch m.Role {
		case "system", "developer":
			system = append(system, textBlocks(m.Content)...)
		case "user":
			blocks, err := userBlocks(m.Content)
			if err != nil {
				return nil, err
			}
			out.appendTurn("user", blocks)
		case "assistant":
			blocks := textBlocks(m.Content)
			for _, tc := range m.ToolCalls {
				in := json.RawMessage(strings.TrimSpace(tc.Function.Arguments))
				if len(in) == 0 {
					in = json.RawMessage("{}")
				} else if !json.Valid(in) || in[0] != '{' {
					return nil, invalid("messages", "assistant tool call "+tc.ID+": arguments are not a JSON object")
				}
				blocks = append(blocks, Block{Type: "tool_use", ID: tc.ID, Name: tc.Function.Name, Input: in})
			}
			if len(blocks) == 0 {
				continue
			}
			out.appendTurn("assistant", blocks)
		case "tool", "function":
			res := &Content{Text: m.Content.String()}
			out.appendTurn("user", []Block{{Type: "tool_result", ToolUseID: m.ToolCallID, Content: res}})
		default:
			return nil, invalid("messages", "unknown message role "+m.Role)
		}
	}
	if len(system) > 0 {
		if len(system) == 1 && system[0].CacheControl == nil {
			out.System = &Content{Text: system[0].Text}
		} else {
			out.System = &Content{Blocks: system, IsBlocks: true}
		}
	}
	if len(out.Messages) == 0 {
		return nil, invalid("messages", "at least one user or assistant message is required")
	}
	return out, nil
}

// appendTurn adds blocks as a turn of role, merging with the previous turn of that role.
func (r *Request) appendTurn(role string, blocks []Block) {
	if n := len(r.Messages); n > 0 && r.Messages[n-1].Role == role {
		prev := &r.Messages[n-1].Content
		prev.Blocks = append(prev.Blocks, blocks...)
		return
	}
	r.Messages = append(r.Messages, Message{Role: role, Content: Content{Blocks: blocks, IsBlocks: true}})
}

func stopList(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, invalid("stop", "stop must be a string or an array of strings")
		}
		return []string{s}, nil
	}
	var ss []string
	if err := json.Unmarshal(raw, &ss); err != nil {
		return nil, invalid("stop", "stop must be a string or an array of strings")
	}
	return ss, nil
}

// textBlocks returns the text of an OpenAI content as text blocks (keeping a part's
// cache_control, which Anthropic-aware clients send through OpenAI-shaped requests).
func textBlocks(c api.Content) []Block {
	if !c.IsParts {
		if c.Text == "" {
			return nil
		}
		return []Block{{Type: "text", Text: c.Text}}
	}
	var out []Block
	for _, p := range c.Parts {
		if (p.Type == "text" || p.Type == "input_text") && p.Text != "" {
			out = append(out, Block{Type: "text", Text: p.Text, CacheControl: p.Extra["cache_control"]})
		}
	}
	return out
}

func userBlocks(c api.Content) ([]Block, error) {
	if !c.IsParts {
		return []Block{{Type: "text", Text: c.Text}}, nil
	}
	out := make([]Block, 0, len(c.Parts))
	for _, p := range c.Parts {
		switch p.Type {
		case "text", "input_text":
			out = append(out, Block{Type: "text", Text: p.Text, CacheControl: p.Extra["cache_control"]})
		case "image_url":
			if p.ImageURL == nil || p.ImageURL.URL == "" {
				return nil, invalid("messages", "image_url part without a url")
			}
			src, err := imageSource(p.ImageURL.URL)
			if err != nil {
				return nil, err
			}
			out = append(out, Block{Type: "image", Source: src, CacheControl: p.Extra["cache_control"]})
		default:
			return nil, &api.Error{Status: 400, Type: api.ErrUnsupported, Param: "messages",
				Message: "content part type " + p.Type + " is not supported by Anthropic models"}
		}
	}
	return out, nil
}

// imageSource turns an image URL into a source: data URLs into base64 sources.
func imageSource(u string) (*Source, error) {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return &Source{Type: "url", URL: u}, nil
	}
	meta, data, ok := strings.Cut(rest, ",")
	mediaType, isB64 := strings.CutSuffix(meta, ";base64")
	if !ok || !isB64 || mediaType == "" {
		return nil, invalid("messages", "image data URL must be data:<media type>;base64,<data>")
	}
	return &Source{Type: "base64", MediaType: mediaType, Data: data}, nil
}

func chatTools(req *api.ChatRequest, out *Request) error {
	for _, t := range req.Tools {
		if t.Type != "" && t.Type != "function" {
			return &api.Error{Status: 400, Type: api.ErrUnsupported, Param: "tools", Message: "tool type " + t.Type + " is not supported by Anthropic models"}
		}
		schema := t.Function.Parameters
		if len(bytes.TrimSpace(schema)) == 0 || string(schema) == "null" {
			schema = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		out.Tools = append(out.Tools, Tool{Name: t.Function.Name, Description: t.Function.Description,
			InputSchema: schema, CacheControl: t.Extra["cache_control"]})
	}
	tc := bytes.TrimSpace(req.ToolChoice)
	if len(tc) > 0 && string(tc) != "null" {
		var choice ToolChoice
		if tc[0] == '"' {
			var s string
			_ = json.Unmarshal(tc, &s)
			switch s {
			case "auto":
				choice.Type = "auto"
			case "none":
				choice.Type = "none"
			case "required", "any":
				choice.Type = "any"
			default:
				return invalid("tool_choice", "unknown tool_choice "+s)
			}
		} else {
			var obj struct {
				Type     string `json:"type"`
				Function struct {
					Name string `json:"name"`
				} `json:"function"`
			}
			if err := json.Unmarshal(tc, &obj); err != nil || obj.Function.Name == "" {
				return invalid("tool_choice", "tool_choice must be a string or {\"type\":\"function\",\"function\":{\"name\":...}}")
			}
			choice = ToolChoice{Type: "tool", Name: obj.Function.Name}
		}
		out.ToolChoice = &choice
	}
	if req.ParallelToolCalls != nil && !*req.ParallelToolCalls && len(out.Tools) > 0 {
		if out.ToolChoice == nil {
			out.ToolChoice = &ToolChoice{Type: "auto"}
		}
		if out.ToolChoice.Type != "none" {
			out.ToolChoice.DisableParallelToolUse = true
		}
	}
	return nil
}
