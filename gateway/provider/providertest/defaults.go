package providertest

import (
	"bufio"
	"encoding/json"
	"errors"
	"github.com/muninn-gw/muninn/gateway/api"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// reqBody is what the built-in replies read from a request.
type reqBody struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	System     json.RawMessage `json:"system"`
	Prompt     json.RawMessage `json:"prompt"`
	Input      json.RawMessage `json:"input"`
	Dimensions int             `json:"dimensions"`
}

func (b *reqBody) parse(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, b); err != nil {
		return errors.New("bad JSON body: " + err.Error())
	}
	return nil
}

func (b *reqBody) includeUsage() bool { return b.StreamOptions != nil && b.StreamOptions.IncludeUsage }

// text returns the text of a content: a string, or the text of an array of parts/blocks.
func text(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	if raw[0] != '[' {
		return ""
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var sb strings.Builder
	for _, p := range parts {
		if p.Text == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(p.Text)
	}
	return sb.String()
}

// words counts whitespace-separated words without allocating.
func words(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

// conversation returns the reply text and the prompt word count.
func (b *reqBody) conversation() (reply string, promptWords int) {
	last := ""
	promptWords = words(text(b.System))
	for i := range b.Messages {
		t := text(b.Messages[i].Content)
		promptWords += words(t)
		if b.Messages[i].Role == "user" {
			last = t
		}
	}
	return "echo: " + last, promptWords
}

// pieces splits s into stream pieces at word starts; concatenated they give s back.
func pieces(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] == ' ' && s[i-1] != ' ' {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte  { return bufPool.Get().(*[]byte) }
func putBuf(b *[]byte) { *b = (*b)[:0]; bufPool.Put(b) }

const created = "1700000000"

func appendUsage(b []byte, prompt, completion int) []byte {
	b = append(b, `{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(prompt), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(completion), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(prompt+completion), 10)
	return append(b, '}')
}

func (s *Server) defaultChat(ctx *fasthttp.RequestCtx, body *reqBody, delay time.Duration) {
	reply, pw := body.conversation()
	cw := words(reply)
	if !body.Stream {
		bp := getBuf()
		b := append(*bp, `{"id":"chatcmpl-fake","object":"chat.completion","created":`+created+`,"model":`...)
		b = appendQuote(b, body.Model)
		b = append(b, `,"choices":[{"index":0,"message":{"role":"assistant","content":`...)
		b = appendQuote(b, reply)
		b = append(b, `},"finish_reason":"stop"}],"usage":`...)
		b = appendUsage(b, pw, cw)
		b = append(b, '}')
		ctx.SetContentType("application/json")
		ctx.SetBody(b)
		*bp = b
		putBuf(bp)
		return
	}
	model, usage := body.Model, body.includeUsage()
	s.sse(ctx, delay, func(emit func([]byte) bool) {
		bp := getBuf()
		defer putBuf(bp)
		head := func(b []byte) []byte {
			b = append(b[:0], `{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":`+created+`,"model":`...)
			b = appendQuote(b, model)
			return append(b, `,"choices":[`...)
		}
		b := head(*bp)
		b = append(b, `{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`...)
		if !emit(b) {
			return
		}
		for _, p := range pieces(reply) {
			b = head(b)
			b = append(b, `{"index":0,"delta":{"content":`...)
			b = appendQuote(b, p)
			b = append(b, `},"finish_reason":null}]}`...)
			if !emit(b) {
				return
			}
		}
		b = head(b)
		b = append(b, `{"index":0,"delta":{},"finish_reason":"stop"}]}`...)
		if !emit(b) {
			return
		}
		if usage {
			b = head(b)
			b = append(b, `],"usage":`...)
			b = appendUsage(b, pw, cw)
			b = append(b, '}')
			if !emit(b) {
				return
			}
		}
		*bp = b
		emit(done)
	})
}

var done = []byte("[DONE]")

// sse streams the payloads produced by gen, flushing each event.
func (s *Server) sse(ctx *fasthttp.RequestCtx, delay time.Duration, gen func(emit func([]byte) bool)) {
	ctx.SetContentType("text/event-stream")
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		gen(func(p []byte) bool {
			if delay > 0 && !s.sleep(delay) {
				return false
			}
			w.WriteString("data: ")
			w.Write(p)
			w.WriteString("\n\n")
			return s.flushed(w)
		})
	})
}

// flushed flushes w, counting a failure as a client gone away.
func (s *Server) flushed(w *bufio.Writer) bool {
	if w.Flush() != nil {
		s.canceled.Add(1)
		return false
	}
	return true
}

// sseEvents streams Anthropic-style events (event: name + data: payload).
func (s *Server) sseEvents(ctx *fasthttp.RequestCtx, delay time.Duration, gen func(emit func(event string, p []byte) bool)) {
	ctx.SetContentType("text/event-stream")
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		gen(func(ev string, p []byte) bool {
			if delay > 0 && !s.sleep(delay) {
				return false
			}
			w.WriteString("event: ")
			w.WriteString(ev)
			w.WriteString("\ndata: ")
			w.Write(p)
			w.WriteString("\n\n")
			return s.flushed(w)
		})
	})
}

func (s *Server) defaultCompletion(ctx *fasthttp.RequestCtx, body *reqBody, delay time.Duration) {
	prompt := text(body.Prompt)
	if prompt == "" && len(body.Prompt) > 0 && body.Prompt[0] == '[' {
		var ps []string
		if json.Unmarshal(body.Prompt, &ps) == nil && len(ps) > 0 {
			prompt = ps[0]
		}
	}
	reply := "echo: " + prompt
	pw, cw := words(prompt), words(reply)
	if !body.Stream {
		bp := getBuf()
		b := append(*bp, `{"id":"cmpl-fake","object":"text_completion","created":`+created+`,"model":`...)
		b = appendQuote(b, body.Model)
		b = append(b, `,"choices":[{"text":`...)
		b = appendQuote(b, reply)
		b = append(b, `,"index":0,"logprobs":null,"finish_reason":"stop"}],"usage":`...)
		b = appendUsage(b, pw, cw)
		b = append(b, '}')
		ctx.SetContentType("application/json")
		ctx.SetBody(b)
		*bp = b
		putBuf(bp)
		return
	}
	model, usage := body.Model, body.includeUsage()
	s.sse(ctx, delay, func(emit func([]byte) bool) {
		var b []byte
		head := func() {
			b = append(b[:0], `{"id":"cmpl-fake","object":"text_completion","created":`+created+`,"model":`...)
			b = appendQuote(b, model)
			b = append(b, `,"choices":[`...)
		}
		for _, p := range pieces(reply) {
			head()
			b = append(b, `{"text":`...)
			b = appendQuote(b, p)
			b = append(b, `,"index":0,"logprobs":null,"finish_reason":null}]}`...)
			if !emit(b) {
				return
			}
		}
		head()
		b = append(b, `{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}`...)
		if !emit(b) {
			return
		}
		if usage {
			head()
			b = append(b, `],"usage":`...)
			b = appendUsage(b, pw, cw)
			b = append(b, '}')
			if !emit(b) {
				return
			}
		}
		emit(done)
	})
}

// Vector returns the built-in embedding of text: a deterministic unit vector of dims
// dimensions (16 when dims <= 0). Tests can compare what a provider returns against it.
func Vector(text string, dims int) []float32 {
	if dims <= 0 {
		dims = 16
	}
	h := fnv.New64a()
	h.Write([]byte(text))
	x := h.Sum64() | 1
	v := make([]float32, dims)
	var norm float64
	for i := range v {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f := float64(int64(x>>11))/float64(1<<52) - 1
		v[i] = float32(f)
		norm += f * f
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		v[0], norm = 1, 1
	}
	for i := range v {
		v[i] = float32(float64(v[i]) / norm)
	}
	return v
}

func defaultEmbeddings(ctx *fasthttp.RequestCtx, body *reqBody) {
	var inputs []string
	if len(body.Input) > 0 && body.Input[0] == '"' {
		inputs = []string{text(body.Input)}
	} else if err := json.Unmarshal(body.Input, &inputs); err != nil {
		writeError(ctx, 400, "invalid_request_error", "providertest: input must be a string or an array of strings")
		return
	}
	bp := getBuf()
	b := append(*bp, `{"object":"list","data":[`...)
	tokens := 0
	for i, in := range inputs {
		tokens += words(in)
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"object":"embedding","index":`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `,"embedding":[`...)
		for j, f := range Vector(in, body.Dimensions) {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, float64(f), 'g', -1, 32)
		}
		b = append(b, "]}"...)
	}
	b = append(b, `],"model":`...)
	b = appendQuote(b, body.Model)
	b = append(b, `,"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(tokens), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(tokens), 10)
	b = append(b, "}}"...)
	ctx.SetContentType("application/json")
	ctx.SetBody(b)
	*bp = b
	putBuf(bp)
}

// appendQuote appends s as a JSON string.
func appendQuote(b []byte, s string) []byte { return api.AppendString(b, s) }

func quote(s string) []byte { return appendQuote(nil, s) }
