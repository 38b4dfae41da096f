package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/api/anthropic"
	"github.com/valyala/fasthttp"
)

var prefixAnthropic = []byte("/anthropic/")

// serveMessages is the Anthropic Messages front: the request is translated into a chat
// request and goes through the same pipeline and router as /v1/chat/completions, to any
// provider; the answer is translated back (JSON, or Anthropic's SSE events).
func (s *Server) serveMessages(ctx *fasthttp.RequestCtx) {
	x := s.begin(ctx, EndpointMessages)
	if x == nil {
		return
	}
	x.anthropic = true
	body, e := requestBody(ctx)
	if e != nil {
		x.fail(e)
		return
	}
	areq, err := anthropic.DecodeRequest(body)
	if err != nil {
		x.fail(asRequestError(err))
		return
	}
	chat, err := anthropic.MessagesToChat(areq)
	if err != nil {
		x.fail(asRequestError(err))
		return
	}
	x.req = *chat
	if raw, ok := x.req.Extra["fallbacks"]; ok {
		// Muninn's own member: honoured here as on the OpenAI front, never sent upstream.
		if err := json.Unmarshal(raw, &x.req.Fallbacks); err != nil {
			x.fail(invalid("fallbacks", "fallbacks: expected an array of model names"))
			return
		}
		delete(x.req.Extra, "fallbacks")
	}
	if e := validateChat(&x.req, s.limits.maxTokens, s.limits.maxN); e != nil {
		x.fail(e)
		return
	}
	s.chatDecoded(x)
}

// asRequestError is asAPIError for errors about the client's request: anything that is
// not already an *api.Error is a 400.
func asRequestError(err error) *api.Error {
	var ae *api.Error
	if errors.As(err, &ae) {
		return asAPIError(ae)
	}
	return invalid("", "invalid request body")
}

// writeAnthropicError writes e in Anthropic's error shape.
func writeAnthropicError(ctx *fasthttp.RequestCtx, e *api.Error) {
	status := e.Status
	if status == 0 {
		status = statusOf[e.Type]
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType(contentJSON)
	if e.RetryAfter > 0 {
		ctx.Response.Header.Set("Retry-After", retryAfterValue(e.RetryAfter))
	}
	ctx.SetBody(anthropic.ErrorJSON(e))
}

// writeAnthropicResponse writes a chat response as an Anthropic message.
func writeAnthropicResponse(ctx *fasthttp.RequestCtx, c *Call, resp *api.ChatResponse) bool {
	b, err := json.Marshal(anthropic.ChatToResponse(resp, c.RequestedModel))
	if err != nil {
		return false
	}
	setCallHeaders(ctx, c)
	ctx.SetStatusCode(http.StatusOK)
	ctx.SetContentType(contentJSON)
	ctx.SetBody(b)
	return true
}

// anthropicEncoder turns chat chunks into Anthropic stream events: message_start, then
// per content block (thinking, text, tool_use) content_block_start, deltas and
// content_block_stop, then message_delta (stop reason, usage) and message_stop.
type anthropicEncoder struct {
	model   string
	started bool
	open    string // kind of the open block: "", "text", "thinking", "tool_use"
	index   int    // index of the open block
	next    int    // index of the next block
	tool    int    // OpenAI index of the open tool call
	stop    string
	usage   *api.Usage
}

func newAnthropicEncoder(x *exchange) sseEncoder {
	return &anthropicEncoder{model: x.call.RequestedModel, tool: -1}
}

type anthropicBlockStart struct {
	Type         string          `json:"type"`
	Index        int             `json:"index"`
	ContentBlock anthropic.Block `json:"content_block"`
}

type anthropicBlockDelta struct {
	Type  string          `json:"type"`
	Index int             `json:"index"`
	Delta anthropic.Delta `json:"delta"`
}

type anthropicIndex struct {
	Type  string `json:"type"`
	Index int    `json:"index"`
}

type anthropicMessageStart struct {
	Type    string             `json:"type"`
	Message anthropic.Response `json:"message"`
}

type anthropicMessageDelta struct {
	Type  string `json:"type"`
	Delta struct {
		StopReason   string  `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	} `json:"delta"`
	Usage anthropic.Usage `json:"usage"`
}

func appendEvent(buf []byte, name string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return buf
	}
	buf = append(buf, "event: "...)
	buf = append(buf, name...)
	buf = append(buf, "\ndata: "...)
	buf = append(buf, b...)
	return append(buf, sseEnd...)
}

func (a *anthropicEncoder) start(buf []byte, id string) []byte {
	a.started = true
	if id == "" {
		id = "muninn"
	}
	if !bytes.HasPrefix([]byte(id), []byte("msg_")) {
		id = "msg_" + id
	}
	return appendEvent(buf, "message_start", anthropicMessageStart{Type: "message_start", Message: anthropic.Response{
		ID: id, Type: "message", Role: "assistant", Model: a.model, Content: []anthropic.Block{},
	}})
}

func (a *anthropicEncoder) closeBlock(buf []byte) []byte {
	if a.open == "" {
		return buf
	}
	a.open = ""
	return appendEvent(buf, "content_block_stop", anthropicIndex{Type: "content_block_stop", Index: a.index})
}

func (a *anthropicEncoder) openBlock(buf []byte, b anthropic.Block) []byte {
	buf = a.closeBlock(buf)
	a.open, a.index = b.Type, a.next
	a.next++
	return appendEvent(buf, "content_block_start", anthropicBlockStart{Type: "content_block_start", Index: a.index, ContentBlock: b})
}

func (a *anthropicEncoder) delta(buf []byte, d anthropic.Delta) []byte {
	return appendEvent(buf, "content_block_delta", anthropicBlockDelta{Type: "content_block_delta", Index: a.index, Delta: d})
}

func (a *anthropicEncoder) chunk(buf []byte, ch *api.ChatChunk) ([]byte, error) {
	if !a.started {
		buf = a.start(buf, ch.ID)
	}
	if ch.Usage != nil {
		a.usage = ch.Usage
	}
	for i := range ch.Choices {
		c := &ch.Choices[i]
		if c.Index != 0 {
			continue // Anthropic messages have one choice
		}
		d := &c.Delta
		if raw, ok := d.Extra["reasoning_content"]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil && s != "" {
				if a.open != "thinking" {
					buf = a.openBlock(buf, anthropic.Block{Type: "thinking"})
				}
				buf = a.delta(buf, anthropic.Delta{Type: "thinking_delta", Thinking: s})
			}
		}
		if d.Content != nil && *d.Content != "" {
			if a.open != "text" {
				buf = a.openBlock(buf, anthropic.Block{Type: "text"})
			}
			buf = a.delta(buf, anthropic.Delta{Type: "text_delta", Text: *d.Content})
		}
		for _, tc := range d.ToolCalls {
			idx := 0
			if tc.Index != nil {
				idx = *tc.Index
			}
			if a.open != "tool_use" || a.tool != idx {
				id := tc.ID
				if id == "" {
					id = "toolu_muninn"
				}
				buf = a.openBlock(buf, anthropic.Block{Type: "tool_use", ID: id, Name: tc.Function.Name, Input: json.RawMessage("{}")})
				a.tool = idx
			}
			if tc.Function.Arguments != "" {
				buf = a.delta(buf, anthropic.Delta{Type: "input_json_delta", PartialJSON: tc.Function.Arguments})
			}
		}
		if c.FinishReason != nil && *c.FinishReason != "" {
			a.stop = anthropic.StopReason(*c.FinishReason)
		}
	}
	return buf, nil
}

func (a *anthropicEncoder) end(buf []byte, asm *assembler, c *Call) []byte {
	if !a.started {
		buf = a.start(buf, "")
	}
	buf = a.closeBlock(buf)
	md := anthropicMessageDelta{Type: "message_delta"}
	md.Delta.StopReason = a.stop
	if md.Delta.StopReason == "" {
		md.Delta.StopReason = "end_turn"
	}
	usage := a.usage
	if usage == nil {
		usage = c.Usage
	}
	md.Usage = anthropic.UsageFromChat(usage)
	buf = appendEvent(buf, "message_delta", md)
	return appendEvent(buf, "message_stop", struct {
		Type string `json:"type"`
	}{"message_stop"})
}

func (a *anthropicEncoder) fail(buf []byte, e *api.Error) []byte {
	buf = append(buf, "event: error\ndata: "...)
	buf = append(buf, anthropic.ErrorJSON(e)...)
	return append(buf, sseEnd...)
}

func retryAfterValue(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
