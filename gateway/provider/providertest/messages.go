package providertest

import (
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// defaultMessages answers Anthropic's POST /v1/messages.
func (s *Server) defaultMessages(ctx *fasthttp.RequestCtx, body *reqBody, delay time.Duration) {
	reply, pw := body.conversation()
	cw := words(reply)
	if !body.Stream {
		bp := getBuf()
		b := append(*bp, `{"id":"msg_fake","type":"message","role":"assistant","model":`...)
		b = appendQuote(b, body.Model)
		b = append(b, `,"content":[{"type":"text","text":`...)
		b = appendQuote(b, reply)
		b = append(b, `}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":`...)
		b = strconv.AppendInt(b, int64(pw), 10)
		b = append(b, `,"output_tokens":`...)
		b = strconv.AppendInt(b, int64(cw), 10)
		b = append(b, `}}`...)
		ctx.SetContentType("application/json")
		ctx.SetBody(b)
		*bp = b
		putBuf(bp)
		return
	}
	model := body.Model
	s.sseEvents(ctx, delay, func(emit func(string, []byte) bool) {
		var b []byte
		b = append(b, `{"type":"message_start","message":{"id":"msg_fake","type":"message","role":"assistant","model":`...)
		b = appendQuote(b, model)
		b = append(b, `,"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":`...)
		b = strconv.AppendInt(b, int64(pw), 10)
		b = append(b, `,"output_tokens":1}}}`...)
		if !emit("message_start", b) ||
			!emit("content_block_start", []byte(`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)) ||
			!emit("ping", []byte(`{"type":"ping"}`)) {
			return
		}
		for _, p := range pieces(reply) {
			b = append(b[:0], `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`...)
			b = appendQuote(b, p)
			b = append(b, "}}"...)
			if !emit("content_block_delta", b) {
				return
			}
		}
		if !emit("content_block_stop", []byte(`{"type":"content_block_stop","index":0}`)) {
			return
		}
		b = append(b[:0], `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":`...)
		b = strconv.AppendInt(b, int64(cw), 10)
		b = append(b, "}}"...)
		if !emit("message_delta", b) {
			return
		}
		emit("message_stop", []byte(`{"type":"message_stop"}`))
	})
}
