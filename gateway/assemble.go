package gateway

import (
	"io"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
)

// assembler rebuilds a ChatResponse from stream chunks: content, refusals, tool calls,
// finish reasons and usage.
type assembler struct {
	resp    *api.ChatResponse
	choices []choiceAsm
}

type choiceAsm struct {
	index   int
	role    string
	content strings.Builder
	refusal strings.Builder
	hasText bool
	tools   []api.ToolCall
	finish  string
}

func (a *assembler) add(ch *api.ChatChunk) {
	if a.resp == nil {
		a.resp = &api.ChatResponse{ID: ch.ID, Object: "chat.completion", Created: ch.Created, Model: ch.Model}
	}
	r := a.resp
	if r.ID == "" {
		r.ID = ch.ID
	}
	if r.Model == "" {
		r.Model = ch.Model
	}
	if ch.SystemFingerprint != "" {
		r.SystemFingerprint = ch.SystemFingerprint
	}
	if ch.ServiceTier != "" {
		r.ServiceTier = ch.ServiceTier
	}
	if ch.Usage != nil {
		u := *ch.Usage
		r.Usage = &u
	}
	for i := range ch.Choices {
		cc := &ch.Choices[i]
		ca := a.choice(cc.Index)
		d := &cc.Delta
		if d.Role != "" {
			ca.role = d.Role
		}
		if d.Content != nil {
			ca.content.WriteString(*d.Content)
			ca.hasText = true
		}
		if d.Refusal != nil {
			ca.refusal.WriteString(*d.Refusal)
		}
		for _, tc := range d.ToolCalls {
			idx := len(ca.tools)
			if tc.Index != nil {
				idx = *tc.Index
			}
			if idx < 0 || idx > 1024 {
				continue
			}
			for len(ca.tools) <= idx {
				ca.tools = append(ca.tools, api.ToolCall{Type: "function"})
			}
			t := &ca.tools[idx]
			if tc.ID != "" {
				t.ID = tc.ID
			}
			if tc.Type != "" {
				t.Type = tc.Type
			}
			if tc.Function.Name != "" {
				t.Function.Name += tc.Function.Name
			}
			t.Function.Arguments += tc.Function.Arguments
		}
		if cc.FinishReason != nil && *cc.FinishReason != "" {
			ca.finish = *cc.FinishReason
		}
	}
}

func (a *assembler) choice(index int) *choiceAsm {
	for i := range a.choices {
		if a.choices[i].index == index {
			return &a.choices[i]
		}
	}
	a.choices = append(a.choices, choiceAsm{index: index})
	return &a.choices[len(a.choices)-1]
}

// finished reports whether every choice got a finish reason.
func (a *assembler) finished() bool {
	if len(a.choices) == 0 {
		return false
	}
	for i := range a.choices {
		if a.choices[i].finish == "" {
			return false
		}
	}
	return true
}

// response returns the assembled response, nil when no chunk arrived.
func (a *assembler) response() *api.ChatResponse {
	if a.resp == nil {
		return nil
	}
	r := a.resp
	r.Choices = make([]api.Choice, len(a.choices))
	for i := range a.choices {
		ca := &a.choices[i]
		role := ca.role
		if role == "" {
			role = "assistant"
		}
		m := api.Message{Role: role, ToolCalls: ca.tools, Refusal: ca.refusal.String()}
		if ca.hasText {
			m.Content = api.TextContent(ca.content.String())
		} else {
			m.Content.Null = true
		}
		for j := range m.ToolCalls {
			m.ToolCalls[j].Index = nil
		}
		r.Choices[i] = api.Choice{Index: ca.index, Message: m, FinishReason: ca.finish}
	}
	return r
}

// replay turns a complete ChatResponse into the chunks a stream would have carried:
// per choice a role chunk, a content chunk, a tool-call chunk and a finish chunk, then a
// usage-only chunk when usage is known.
type replay struct {
	chunks []api.ChatChunk
	next   int
}

func newReplay(resp *api.ChatResponse) *replay {
	if resp == nil {
		return &replay{}
	}
	created := resp.Created
	if created == 0 {
		created = time.Now().Unix()
	}
	base := api.ChatChunk{ID: resp.ID, Object: "chat.completion.chunk", Created: created, Model: resp.Model,
		SystemFingerprint: resp.SystemFingerprint}
	r := &replay{}
	add := func(idx int, d api.Delta, finish *string) {
		ch := base
		ch.Choices = []api.ChunkChoice{{Index: idx, Delta: d, FinishReason: finish}}
		r.chunks = append(r.chunks, ch)
	}
	for _, choice := range resp.Choices {
		m := choice.Message
		role := m.Role
		if role == "" {
			role = "assistant"
		}
		empty := ""
		add(choice.Index, api.Delta{Role: role, Content: &empty}, nil)
		if text := m.Content.String(); text != "" {
			add(choice.Index, api.Delta{Content: &text}, nil)
		}
		if m.Refusal != "" {
			ref := m.Refusal
			add(choice.Index, api.Delta{Refusal: &ref}, nil)
		}
		if len(m.ToolCalls) > 0 {
			calls := make([]api.ToolCall, len(m.ToolCalls))
			for i, tc := range m.ToolCalls {
				idx := i
				tc.Index = &idx
				calls[i] = tc
			}
			add(choice.Index, api.Delta{ToolCalls: calls}, nil)
		}
		finish := choice.FinishReason
		if finish == "" {
			finish = "stop"
		}
		add(choice.Index, api.Delta{}, &finish)
	}
	if resp.Usage != nil {
		ch := base
		ch.Choices = []api.ChunkChoice{}
		ch.Usage = resp.Usage
		r.chunks = append(r.chunks, ch)
	}
	return r
}

func (r *replay) Next() (*api.ChatChunk, error) {
	if r.next >= len(r.chunks) {
		return nil, io.EOF
	}
	r.next++
	return &r.chunks[r.next-1], nil
}

func (r *replay) Close() error { return nil }

// Buffered reports that the next chunk is at hand (it always is, until the end).
func (r *replay) Buffered() bool { return r.next < len(r.chunks) }
