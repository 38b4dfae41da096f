package appliance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

// Gateway keys of the two tenants the deploy configs define.
const (
	appKey   = "muninn-test-app-key"
	adminKey = "muninn-test-admin-key"
)

// Models of the traffic: priced ones from the offline catalog, and one no catalog knows
// (a fine-tune, routed by default_provider), whose cost is unknown.
const (
	modelMini    = "gpt-4o-mini"
	modelFull    = "gpt-4o"
	modelNano    = "gpt-4.1-nano"
	modelUnknown = "acme-finetune-7b"
)

// chatCall is one request of the traffic and what came back.
type chatCall struct {
	Tenant  string
	Model   string
	Status  int
	Cache   string // x-muninn-cache
	ReqID   string // x-request-id
	Content string
}

type trafficClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

type chatOpts struct {
	temperature *float64
	stream      bool
	header      map[string]string
}

func f64(v float64) *float64 { return &v }

// chat sends one chat completion as tenant (its key) and returns the outcome.
func (c *trafficClient) chat(tenant, model, prompt string, o chatOpts) chatCall {
	c.t.Helper()
	body := map[string]any{
		"model":    model,
		"messages": []map[string]string{{"role": "user", "content": prompt}},
	}
	if o.temperature != nil {
		body["temperature"] = *o.temperature
	} else {
		body["temperature"] = 0
	}
	if o.stream {
		body["stream"] = true
		body["stream_options"] = map[string]bool{"include_usage": true}
	}
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.base+"/v1/chat/completions", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	key := appKey
	if tenant == "admin" {
		key = adminKey
	}
	req.Header.Set("Authorization", "Bearer "+key)
	for k, v := range o.header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("POST chat (%s, %s): %v", tenant, model, err)
	}
	defer resp.Body.Close()
	call := chatCall{Tenant: tenant, Model: model, Status: resp.StatusCode,
		Cache: resp.Header.Get("x-muninn-cache"), ReqID: resp.Header.Get("x-request-id")}
	if o.stream && resp.StatusCode == 200 {
		call.Content = readStream(c.t, resp.Body)
		return call
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read chat answer: %v", err)
	}
	if resp.StatusCode == 200 {
		var out struct {
			Choices []struct {
				Message struct {
					Content string `json:"content"`
				} `json:"message"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(b, &out); err != nil || len(out.Choices) == 0 {
			c.t.Fatalf("chat answer (%s, %s): %v: %s", tenant, model, err, b)
		}
		call.Content = out.Choices[0].Message.Content
	} else {
		call.Content = string(b)
	}
	return call
}

// readStream reads an SSE chat stream to [DONE] and returns the text.
func readStream(t *testing.T, r io.Reader) string {
	t.Helper()
	var text strings.Builder
	sc := bufio.NewScanner(r)
	done := false
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if data == "[DONE]" {
			done = true
			break
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			t.Fatalf("stream chunk %q: %v", data, err)
		}
		for _, ch := range chunk.Choices {
			text.WriteString(ch.Delta.Content)
		}
	}
	if !done {
		t.Fatalf("stream ended without [DONE]: %v", sc.Err())
	}
	return text.String()
}

// chatUntil repeats a request until its cache outcome is want (the cache stores
// answers asynchronously, so the first repeat may still miss), at most 50 times.
func (c *trafficClient) chatUntil(want, tenant, model, prompt string, o chatOpts) []chatCall {
	c.t.Helper()
	var calls []chatCall
	for i := 0; i < 50; i++ {
		call := c.chat(tenant, model, prompt, o)
		calls = append(calls, call)
		if call.Status != 200 {
			c.t.Fatalf("%s %s %q: status %d: %s", tenant, model, prompt, call.Status, call.Content)
		}
		if call.Cache == want {
			return calls
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("%s %s %q: never %s (last: %q)", tenant, model, prompt, want, calls[len(calls)-1].Cache)
	return nil
}

// semanticHit asks paraphrases in turn until one is a semantic hit.
func (c *trafficClient) semanticHit(tenant, model string, paraphrases []string) chatCall {
	c.t.Helper()
	var last chatCall
	for i := 0; i < 60; i++ {
		last = c.chat(tenant, model, paraphrases[i%len(paraphrases)], chatOpts{})
		if last.Status != 200 {
			c.t.Fatalf("%s %s: status %d: %s", tenant, model, last.Status, last.Content)
		}
		if last.Cache == "hit-semantic" {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("%s %s: no paraphrase became a semantic hit (last: %q)", tenant, model, last.Cache)
	return last
}

// sendTraffic sends what a small team's day looks like: two tenants, several models
// (one without a known price), first requests and exact repeats, paraphrases, a stream,
// a temperature > 0 request (semantic matching skipped), a request bypassing the cache,
// and upstream errors. It returns every call made.
func sendTraffic(t *testing.T, base string, up *providertest.Server) []chatCall {
	c := &trafficClient{t: t, base: base, hc: &http.Client{Timeout: 60 * time.Second}}
	var calls []chatCall
	add := func(cs ...chatCall) { calls = append(calls, cs...) }
	for _, tenant := range []string{"app", "admin"} {
		for i, model := range []string{modelMini, modelFull, modelNano, modelUnknown} {
			prompt := fmt.Sprintf("Summarise ticket %d for %s in two sentences.", i, tenant)
			first := c.chat(tenant, model, prompt, chatOpts{})
			if first.Status != 200 || first.Cache != "miss" {
				t.Fatalf("%s %s first request: status %d cache %q: %s", tenant, model, first.Status, first.Cache, first.Content)
			}
			add(first)
			add(c.chatUntil("hit-exact", tenant, model, prompt, chatOpts{})...)
		}
		// Paraphrases: served from the semantic tier once the original is stored.
		for _, p := range [][2]string{
			{"How do I reverse a list in Python?", "how do i reverse a python list"},
			{"What is the capital of France?", "What's the capital of France?"},
		} {
			add(c.chatUntil("hit-exact", tenant, modelMini, p[0], chatOpts{})...)
			add(c.chatUntil("hit-semantic", tenant, modelMini, p[1], chatOpts{})...)
		}
		add(c.chat(tenant, modelMini, "Stream a haiku about ravens for "+tenant, chatOpts{stream: true}))
		add(c.chat(tenant, modelMini, "Write a limerick about "+tenant, chatOpts{temperature: f64(0.9)}))
		add(c.chat(tenant, modelMini, "What time is it in Oslo for "+tenant+"?", chatOpts{header: map[string]string{"x-muninn-cache": "off"}}))
	}
	// Upstream trouble: a refused request (an error for the client) and a rate limit
	// (retried by the gateway).
	up.Script(
		providertest.Step{Model: modelFull, Status: 400, Body: `{"error":{"message":"bad request from the test","type":"invalid_request_error"}}`},
		providertest.Step{Model: modelNano, Status: 429, Header: map[string]string{"Retry-After": "0"},
			Body: `{"error":{"message":"slow down","type":"rate_limit_error"}}`},
	)
	noCache := chatOpts{header: map[string]string{"x-muninn-cache": "off"}}
	e := c.chat("app", modelFull, "This one is refused upstream", noCache)
	if e.Status != 400 {
		t.Fatalf("scripted upstream 400: got status %d: %s", e.Status, e.Content)
	}
	add(e, c.chat("admin", modelNano, "This one is rate limited once", noCache))
	// gpt-4o failing on every attempt falls back to gpt-4o-mini (the deploy configs'
	// fallbacks). Last, so no unused failure is left for later requests.
	for i := 0; i <= 2; i++ { // the first attempt and the default two retries
		up.Script(providertest.Step{Model: modelFull, Status: 503, Body: `{"error":{"message":"overloaded","type":"server_error"}}`})
	}
	fb := c.chat("app", modelFull, "This one falls back", noCache)
	if fb.Status != 200 {
		t.Fatalf("fallback from %s: status %d: %s", modelFull, fb.Status, fb.Content)
	}
	add(fb)
	if n := up.Pending(); n != 0 {
		t.Fatalf("%d scripted upstream failures were not used", n)
	}
	for _, cl := range calls {
		if cl.ReqID == "" {
			t.Fatalf("a response without x-request-id: %+v", cl)
		}
	}
	return calls
}
