package gateway

import (
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
)

// The parts of a chat request below the top level, for fastDecodeChat.

func (d *decoder) messages(dst *[]api.Message) bool {
	out := make([]api.Message, 0, 4)
	isNull, ok := d.array(func() bool {
		out = append(out, api.Message{})
		return d.message(&out[len(out)-1])
	})
	if !ok {
		return false
	}
	if isNull {
		*dst = nil
	} else {
		*dst = out
	}
	return true
}

func (d *decoder) message(m *api.Message) bool {
	if d.peek() != '{' {
		return false // a null message: leave it to encoding/json
	}
	m.Content.Null = true // an absent content is a null content
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "role":
			return d.str(&m.Role)
		case "content":
			return d.content(&m.Content)
		case "name":
			return d.str(&m.Name)
		case "tool_calls":
			return d.toolCalls(&m.ToolCalls)
		case "tool_call_id":
			return d.str(&m.ToolCallID)
		case "refusal":
			return d.str(&m.Refusal)
		}
		return d.extra(&m.Extra, key, messageKeys)
	})
}

func (d *decoder) content(c *api.Content) bool {
	*c = api.Content{}
	switch d.peek() {
	case 'n':
		if !d.null() {
			return false
		}
		c.Null = true
		return true
	case '"':
		return d.str(&c.Text)
	case '[':
		c.IsParts = true
		parts := make([]api.ContentPart, 0, 2)
		_, ok := d.array(func() bool {
			parts = append(parts, api.ContentPart{})
			return d.part(&parts[len(parts)-1])
		})
		c.Parts = parts
		return ok
	}
	return false
}

func (d *decoder) part(p *api.ContentPart) bool {
	if d.peek() != '{' {
		return false
	}
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return d.str(&p.Type)
		case "text":
			return d.str(&p.Text)
		case "image_url":
			if d.null() {
				p.ImageURL = nil
				return true
			}
			u := &api.ImageURL{}
			p.ImageURL = u
			return d.object(func(key []byte) bool {
				switch string(key) {
				case "url":
					return d.str(&u.URL)
				case "detail":
					return d.str(&u.Detail)
				}
				return d.ignore(key, "url", "detail")
			})
		}
		return d.extra(&p.Extra, key, partKeys)
	})
}

func (d *decoder) toolCalls(dst *[]api.ToolCall) bool {
	var out []api.ToolCall
	isNull, ok := d.array(func() bool {
		out = append(out, api.ToolCall{})
		tc := &out[len(out)-1]
		if d.peek() != '{' {
			return false
		}
		return d.object(func(key []byte) bool {
			switch string(key) {
			case "index":
				return d.intPtr(&tc.Index)
			case "id":
				return d.str(&tc.ID)
			case "type":
				return d.str(&tc.Type)
			case "function":
				f := &tc.Function
				return d.object(func(key []byte) bool {
					switch string(key) {
					case "name":
						return d.str(&f.Name)
					case "arguments":
						return d.str(&f.Arguments)
					}
					return d.ignore(key, "name", "arguments")
				})
			}
			return d.ignore(key, "index", "id", "type", "function")
		})
	})
	if !ok {
		return false
	}
	if isNull {
		*dst = nil
	} else {
		if out == nil {
			out = []api.ToolCall{}
		}
		*dst = out
	}
	return true
}

func (d *decoder) tools(dst *[]api.Tool) bool {
	var out []api.Tool
	isNull, ok := d.array(func() bool {
		out = append(out, api.Tool{})
		t := &out[len(out)-1]
		if d.peek() != '{' {
			return false
		}
		return d.object(func(key []byte) bool {
			switch string(key) {
			case "type":
				return d.str(&t.Type)
			case "function":
				f := &t.Function
				return d.object(func(key []byte) bool {
					switch string(key) {
					case "name":
						return d.str(&f.Name)
					case "description":
						return d.str(&f.Description)
					case "parameters":
						return d.raw(&f.Parameters)
					case "strict":
						return d.boolPtr(&f.Strict)
					}
					return d.ignore(key, "name", "description", "parameters", "strict")
				})
			}
			return d.extra(&t.Extra, key, toolKeys)
		})
	})
	if !ok {
		return false
	}
	if isNull {
		*dst = nil
	} else {
		if out == nil {
			out = []api.Tool{}
		}
		*dst = out
	}
	return true
}

func (d *decoder) streamOptions(dst **api.StreamOptions) bool {
	if d.null() {
		*dst = nil
		return true
	}
	o := &api.StreamOptions{}
	*dst = o
	return d.object(func(key []byte) bool {
		if string(key) == "include_usage" {
			return d.boolean(&o.IncludeUsage)
		}
		return d.ignore(key, "include_usage")
	})
}

// ignore skips a member that the Go type does not have (encoding/json ignores it),
// unless it names a field in another case.
func (d *decoder) ignore(key []byte, fields ...string) bool {
	for _, f := range fields {
		if strings.EqualFold(f, string(key)) {
			return false
		}
	}
	_, ok := d.skip()
	return ok
}
