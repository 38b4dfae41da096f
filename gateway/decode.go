package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/valyala/fasthttp"
)

const (
	maxModelLen     = 256
	maxFallbacks    = 8
	maxEmbedInputs  = 2048
	headerFallbacks = "x-muninn-fallbacks"
)

var (
	errUnsupportedType = &api.Error{Status: http.StatusUnsupportedMediaType, Type: api.ErrInvalidRequest, Code: "unsupported_media_type",
		Message: "the request body must be JSON (Content-Type: application/json)"}
	errEmptyBody   = invalid("", "the request body is empty; send a JSON object")
	errInvalidUTF8 = invalid("", "the request body is not valid UTF-8")
	validRoles     = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true, "function": true}
)

// requestBody checks the content type and encoding of a POST body and returns it.
func requestBody(ctx *fasthttp.RequestCtx) ([]byte, *api.Error) {
	if ct := ctx.Request.Header.ContentType(); len(ct) > 0 && !isJSONType(ct) {
		return nil, errUnsupportedType
	}
	body := ctx.Request.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errEmptyBody
	}
	if !utf8.Valid(body) {
		return nil, errInvalidUTF8
	}
	return body, nil
}

func isJSONType(ct []byte) bool {
	if bytes.HasPrefix(ct, []byte("application/json")) {
		rest := ct[len("application/json"):]
		return len(rest) == 0 || rest[0] == ';' || rest[0] == ' '
	}
	mt, _, err := mime.ParseMediaType(string(ct))
	return err == nil && (mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")))
}

// decodeJSON decodes body into v and turns decoding failures into a 400 naming the
// field when there is one.
func decodeJSON(body []byte, v any) *api.Error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return invalid("", "malformed JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		if te.Field == "" {
			return invalid("", "the request body must be a JSON object, not %s", jsonValueName(te.Value))
		}
		return invalid(te.Field, "field %s: expected %s, got %s", te.Field, goTypeName(te.Type), jsonValueName(te.Value))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	param := ""
	switch {
	case strings.HasPrefix(msg, "content must be"):
		param = "messages"
		msg = "messages[].content: " + msg
	case strings.HasPrefix(msg, "input must be"):
		param = "input"
	}
	return invalid(param, "invalid request body: %s", msg)
}

func jsonValueName(v string) string {
	switch v {
	case "object", "array", "string", "number", "bool":
		if v == "bool" {
			return "a boolean"
		}
		if v == "object" || v == "array" {
			return "an " + v
		}
		return "a " + v
	}
	if strings.HasPrefix(v, "number") {
		return "the number " + strings.TrimSpace(strings.TrimPrefix(v, "number"))
	}
	return v
}

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// DecodeChatRequest decodes and validates a chat completion request. It is exported for
// the fuzz test and for fronts that translate into chat requests.
func DecodeChatRequest(body []byte, req *api.ChatRequest, maxTokens, maxN int) *api.Error {
	if !utf8.Valid(body) {
		return errInvalidUTF8
	}
	if !fastDecodeChat(body, req) {
		if e := decodeJSON(body, req); e != nil {
			return e
		}
	}
	return validateChat(req, maxTokens, maxN)
}

func validateChat(req *api.ChatRequest, maxTokens, maxN int) *api.Error {
	if e := validateModel(req.Model); e != nil {
		return e
	}
	if len(req.Messages) == 0 {
		return invalid("messages", "messages: must contain at least one message")
	}
	for i := range req.Messages {
		m := &req.Messages[i]
		if m.Role == "" {
			return invalid("messages", "messages[%d].role: required", i)
		}
		if !validRoles[m.Role] {
			return invalid("messages", "messages[%d].role: %q is not one of system, developer, user, assistant, tool", i, truncate(m.Role, 40))
		}
	}
	if e := checkCount("max_tokens", req.MaxTokens, maxTokens); e != nil {
		return e
	}
	if e := checkCount("max_completion_tokens", req.MaxCompletionTokens, maxTokens); e != nil {
		return e
	}
	if e := checkCount("n", req.N, maxN); e != nil {
		return e
	}
	if req.Temperature != nil && (*req.Temperature < 0 || *req.Temperature > 2) {
		return invalid("temperature", "temperature: must be between 0 and 2")
	}
	if req.TopP != nil && (*req.TopP < 0 || *req.TopP > 1) {
		return invalid("top_p", "top_p: must be between 0 and 1")
	}
	for i, t := range req.Tools {
		if t.Type == "function" && t.Function.Name == "" {
			return invalid("tools", "tools[%d].function.name: required", i)
		}
	}
	return validateFallbacks(req.Fallbacks)
}

func validateModel(model string) *api.Error {
	switch {
	case strings.TrimSpace(model) == "":
		return invalid("model", "model: required")
	case len(model) > maxModelLen:
		return invalid("model", "model: longer than %d characters", maxModelLen)
	}
	return nil
}

func validateFallbacks(fb []string) *api.Error {
	if len(fb) > maxFallbacks {
		return invalid("fallbacks", "fallbacks: at most %d models", maxFallbacks)
	}
	for i, m := range fb {
		if strings.TrimSpace(m) == "" || len(m) > maxModelLen {
			return invalid("fallbacks", "fallbacks[%d]: must be a model name", i)
		}
	}
	return nil
}

func checkCount(field string, v *int, max int) *api.Error {
	if v == nil {
		return nil
	}
	if *v < 1 || *v > max {
		return invalid(field, "%s: %d is out of range (1 to %d)", field, *v, max)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// headerFallbackList parses x-muninn-fallbacks (comma-separated models).
func headerFallbackList(ctx *fasthttp.RequestCtx) ([]string, *api.Error) {
	v := ctx.Request.Header.Peek(headerFallbacks)
	if len(v) == 0 {
		return nil, nil
	}
	var out []string
	for _, part := range strings.Split(string(v), ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	if e := validateFallbacks(out); e != nil {
		e.Message = headerFallbacks + " header: " + e.Message
		return nil, e
	}
	return out, nil
}

// DecodeEmbeddingRequest decodes and validates an embeddings request.
func DecodeEmbeddingRequest(body []byte, req *api.EmbeddingRequest) *api.Error {
	if e := decodeJSON(body, req); e != nil {
		return e
	}
	if e := validateModel(req.Model); e != nil {
		return e
	}
	switch {
	case req.Input.Raw == nil && len(req.Input.Texts) == 0:
		return invalid("input", "input: required (a string or an array of strings)")
	case len(req.Input.Texts) > maxEmbedInputs:
		return invalid("input", "input: at most %d inputs", maxEmbedInputs)
	case req.EncodingFormat != "" && req.EncodingFormat != "float" && req.EncodingFormat != "base64":
		return invalid("encoding_format", "encoding_format: must be \"float\" or \"base64\"")
	case req.Dimensions != nil && (*req.Dimensions < 1 || *req.Dimensions > 65536):
		return invalid("dimensions", "dimensions: out of range")
	}
	return nil
}

// DecodeCompletionRequest decodes and validates a legacy completions request.
func DecodeCompletionRequest(body []byte, req *api.CompletionRequest, maxTokens, maxN int) *api.Error {
	if e := decodeJSON(body, req); e != nil {
		return e
	}
	if e := validateModel(req.Model); e != nil {
		return e
	}
	if len(req.Prompt) == 0 || string(req.Prompt) == "null" {
		return invalid("prompt", "prompt: required")
	}
	if e := checkCount("max_tokens", req.MaxTokens, maxTokens); e != nil {
		return e
	}
	if e := checkCount("n", req.N, maxN); e != nil {
		return e
	}
	return validateFallbacks(req.Fallbacks)
}
