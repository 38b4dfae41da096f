package gatewaytest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

var client = gatewaytest.Client()

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) apiError(t *testing.T) api.ErrorDetail {
	t.Helper()
	var b api.ErrorBody
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error.Type == "" {
		t.Fatalf("status %d: body is not an OpenAI error: %s", r.status, r.body)
	}
	return b.Error
}

func do(t *testing.T, method, url, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func post(t *testing.T, url, body string, headers ...string) reply {
	t.Helper()
	return do(t, http.MethodPost, url, body, headers...)
}

// sseEvents splits an SSE body into its data payloads.
func sseEvents(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, p)
		}
	}
	return out
}

// streamText concatenates the content deltas of OpenAI chunks and returns the usage
// chunk, if any.
func streamText(t *testing.T, events []string) (string, *api.Usage, string) {
	t.Helper()
	var text strings.Builder
	var usage *api.Usage
	finish := ""
	for _, e := range events {
		if e == "[DONE]" {
			continue
		}
		var ch api.ChatChunk
		if err := json.Unmarshal([]byte(e), &ch); err != nil {
			t.Fatalf("bad chunk %q: %v", e, err)
		}
		for _, c := range ch.Choices {
			if c.Delta.Content != nil {
				text.WriteString(*c.Delta.Content)
			}
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
		}
		if ch.Usage != nil {
			usage = ch.Usage
		}
	}
	return text.String(), usage, finish
}

func chatBody(model, text string, extra ...string) string {
	b := `{"model":` + quote(model) + `,"messages":[{"role":"user","content":` + quote(text) + `}]`
	for _, e := range extra {
		b += "," + e
	}
	return b + "}"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// fakeConfig is a config with one fake provider per name, each serving model "m1".
func fakeConfig(names ...string) *gateway.Config {
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{}}
	for _, n := range names {
		cfg.Providers[n] = &gateway.ProviderConfig{Type: "fake", Models: []string{"m1"}}
	}
	return cfg
}

func decodeChat(t *testing.T, r reply) api.ChatResponse {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var resp api.ChatResponse
	if err := json.Unmarshal(r.body, &resp); err != nil {
		t.Fatalf("decode: %v: %s", err, r.body)
	}
	return resp
}
