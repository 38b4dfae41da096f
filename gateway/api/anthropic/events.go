package anthropic

import (
	"strconv"

	"github.com/muninn-gw/muninn/gateway/api"
)

// EventWriter turns a stream of OpenAI chunks into Anthropic SSE events, for the
// gateway's /anthropic/v1/messages front. It is stateful (one per stream) and not safe
// for concurrent use. Each method appends complete SSE events ("event: ...\ndata: ...\n\n")
// to dst and returns it; nothing is buffered between calls except what message_delta
// needs (the stop reason and the usage, which OpenAI streams send last).
//
//	first chunk        -> message_start (usage unknown yet: zeros)
//	content            -> content_block_start (text) once, then text_delta events
//	tool_calls         -> content_block_start (tool_use, id, name), input_json_delta events
//	finish_reason      -> remembered
//	usage              -> remembered
//	Finish             -> content_block_stop for the open block, message_delta (stop_reason,
//	                      usage), message_stop
//
// Opening a new block closes the previous one, so blocks are strictly sequential.
type EventWriter struct {
	model     string
	started   bool
	finished  bool
	open      bool   // a content block is open
	openType  string // "text", "tool_use"
	openTool  int    // the OpenAI tool index of the open tool_use block
	nextBlock int
	stop      string
	usage     *api.Usage
	usageBuf  api.Usage
	id        string
}

// NewEventWriter returns a writer for a stream answering model (the model the client
// asked for).
func NewEventWriter(model string) *EventWriter { return &EventWriter{model: model} }

func event(dst []byte, name string) []byte {
	dst = append(dst, "event: "...)
	dst = append(dst, name...)
	return append(dst, "\ndata: "...)
}

func (w *EventWriter) start(dst []byte, id string) []byte {
	w.started = true
	w.id = messageID(id)
	dst = event(dst, "message_start")
	dst = append(dst, `{"type":"message_start","message":{"id":`...)
	dst = appendString(dst, w.id)
	dst = append(dst, `,"type":"message","role":"assistant","model":`...)
	dst = appendString(dst, w.model)
	dst = append(dst, `,"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}`+"\n\n"...)
	return dst
}

func (w *EventWriter) closeBlock(dst []byte) []byte {
	if !w.open {
		return dst
	}
	w.open = false
	dst = event(dst, "content_block_stop")
	dst = append(dst, `{"type":"content_block_stop","index":`...)
	dst = strconv.AppendInt(dst, int64(w.nextBlock-1), 10)
	return append(dst, "}\n\n"...)
}

func (w *EventWriter) blockStart(dst []byte, typ string) []byte {
	dst = w.closeBlock(dst)
	w.open, w.openType = true, typ
	dst = event(dst, "content_block_start")
	dst = append(dst, `{"type":"content_block_start","index":`...)
	dst = strconv.AppendInt(dst, int64(w.nextBlock), 10)
	w.nextBlock++
	return append(dst, `,"content_block":`...)
}

func (w *EventWriter) delta(dst []byte) []byte {
	dst = event(dst, "content_block_delta")
	dst = append(dst, `{"type":"content_block_delta","index":`...)
	dst = strconv.AppendInt(dst, int64(w.nextBlock-1), 10)
	return append(dst, `,"delta":`...)
}

// Chunk appends the events for one chunk.
func (w *EventWriter) Chunk(dst []byte, c *api.ChatChunk) []byte {
	if w.finished {
		return dst
	}
	if !w.started {
		dst = w.start(dst, c.ID)
	}
	if c.Usage != nil {
		w.usageBuf = *c.Usage
		w.usage = &w.usageBuf
	}
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Index != 0 {
			continue // Anthropic messages have one choice
		}
		if ch.Delta.Content != nil && *ch.Delta.Content != "" {
			if !w.open || w.openType != "text" {
				dst = w.blockStart(dst, "text")
				dst = append(dst, `{"type":"text","text":""}}`+"\n\n"...)
			}
			dst = w.delta(dst)
			dst = append(dst, `{"type":"text_delta","text":`...)
			dst = appendString(dst, *ch.Delta.Content)
			dst = append(dst, "}}\n\n"...)
		}
		for j := range ch.Delta.ToolCalls {
			dst = w.toolCall(dst, &ch.Delta.ToolCalls[j])
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			w.stop = StopReason(*ch.FinishReason)
		}
	}
	return dst
}

func (w *EventWriter) toolCall(dst []byte, tc *api.ToolCall) []byte {
	idx := 0
	if tc.Index != nil {
		idx = *tc.Index
	}
	if tc.ID != "" || !w.open || w.openType != "tool_use" || w.openTool != idx {
		if tc.ID == "" && tc.Function.Name == "" && w.open && w.openType == "tool_use" {
			// A continuation of another call than the open one: Anthropic blocks are
			// sequential, so the arguments go to the open block.
			idx = w.openTool
		} else {
			dst = w.blockStart(dst, "tool_use")
			w.openTool = idx
			dst = append(dst, `{"type":"tool_use","id":`...)
			dst = appendString(dst, toolUseID(tc.ID))
			dst = append(dst, `,"name":`...)
			dst = appendString(dst, tc.Function.Name)
			dst = append(dst, `,"input":{}}}`+"\n\n"...)
		}
	}
	if tc.Function.Arguments != "" {
		dst = w.delta(dst)
		dst = append(dst, `{"type":"input_json_delta","partial_json":`...)
		dst = appendString(dst, tc.Function.Arguments)
		dst = append(dst, "}}\n\n"...)
	}
	return dst
}

// Finish appends the closing events: content_block_stop, message_delta with the stop
// reason and usage, message_stop. Call it once, when the upstream stream ended normally.
func (w *EventWriter) Finish(dst []byte) []byte {
	if w.finished {
		return dst
	}
	if !w.started {
		dst = w.start(dst, "")
	}
	w.finished = true
	dst = w.closeBlock(dst)
	stop := w.stop
	if stop == "" {
		stop = "end_turn"
	}
	u := UsageFromChat(w.usage)
	dst = event(dst, "message_delta")
	dst = append(dst, `{"type":"message_delta","delta":{"stop_reason":`...)
	dst = appendString(dst, stop)
	dst = append(dst, `,"stop_sequence":null},"usage":{"input_tokens":`...)
	dst = strconv.AppendInt(dst, int64(u.InputTokens), 10)
	dst = append(dst, `,"output_tokens":`...)
	dst = strconv.AppendInt(dst, int64(u.OutputTokens), 10)
	if u.CacheReadInputTokens > 0 {
		dst = append(dst, `,"cache_read_input_tokens":`...)
		dst = strconv.AppendInt(dst, int64(u.CacheReadInputTokens), 10)
	}
	if u.CacheCreationInputTokens > 0 {
		dst = append(dst, `,"cache_creation_input_tokens":`...)
		dst = strconv.AppendInt(dst, int64(u.CacheCreationInputTokens), 10)
	}
	dst = append(dst, "}}\n\n"...)
	dst = event(dst, "message_stop")
	return append(dst, `{"type":"message_stop"}`+"\n\n"...)
}

// Error appends an error event (for a stream that fails after it started).
func (w *EventWriter) Error(dst []byte, e *api.Error) []byte {
	w.finished = true
	dst = event(dst, "error")
	dst = append(dst, ErrorJSON(e)...)
	return append(dst, "\n\n"...)
}

// Ping appends a ping event (a keep-alive the gateway may send on quiet streams).
func (w *EventWriter) Ping(dst []byte) []byte {
	return append(event(dst, "ping"), `{"type":"ping"}`+"\n\n"...)
}
