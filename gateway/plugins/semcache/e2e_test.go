package semcache_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	"github.com/muninn-gw/muninn/gateway/plugins/semcache"
)

func TestExactHit(t *testing.T) {
	r := newRig(t, rigOpts{})
	first := r.ask(t, "How do I reverse a list in Python?")
	if first.cacheStatus() != semcache.StatusMiss || first.header.Get(semcache.HeaderID) == "" {
		t.Fatalf("first: %q id=%q", first.cacheStatus(), first.header.Get(semcache.HeaderID))
	}
	second := r.ask(t, "How do I reverse a list in Python?")
	if second.cacheStatus() != semcache.StatusHitExact {
		t.Fatalf("second: %q (%s)", second.cacheStatus(), second.body)
	}
	if r.upstreamCalls() != 1 {
		t.Fatalf("%d upstream calls, want 1", r.upstreamCalls())
	}
	a, b := first.chat(t), second.chat(t)
	if a.ID == b.ID || b.ID == "" || b.Created == 0 {
		t.Fatalf("a hit must have a fresh id: %q vs %q", a.ID, b.ID)
	}
	if b.Choices[0].Message.Content.String() != a.Choices[0].Message.Content.String() || *b.Usage != *a.Usage {
		t.Fatalf("hit differs from the original: %+v vs %+v", b, a)
	}
	h := second.header
	if h.Get(semcache.HeaderID) != first.header.Get(semcache.HeaderID) || h.Get(semcache.HeaderAge) != "0" ||
		h.Get(semcache.HeaderSimilarity) != "" {
		t.Fatalf("headers: %v", h)
	}
	r.clock.Advance(90 * time.Second)
	if got := r.ask(t, "How do I reverse a list in Python?").header.Get(semcache.HeaderAge); got != "90" {
		t.Fatalf("age %q, want 90", got)
	}
}

func TestParaphraseHitAndNearMiss(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.ask(t, "How do I reverse a list in Python?")
	r.ask(t, "What is the capital of France?")

	para := r.ask(t, "How can I reverse a list in Python?")
	if para.cacheStatus() != semcache.StatusHitSemantic {
		t.Fatalf("paraphrase: %q reason=%q", para.cacheStatus(), para.header.Get(semcache.HeaderReason))
	}
	if s := para.header.Get(semcache.HeaderSimilarity); s == "" || s < "0.70" {
		t.Fatalf("similarity header %q", s)
	}
	if !strings.Contains(para.chat(t).Choices[0].Message.Content.String(), "reverse a list in Python") {
		t.Fatalf("served the wrong entry: %s", para.body)
	}
	near := r.ask(t, "What is the capital of Germany?")
	if near.cacheStatus() != semcache.StatusMiss {
		t.Fatalf("near-miss served: %q", near.cacheStatus())
	}
	if !strings.Contains(near.chat(t).Choices[0].Message.Content.String(), "Germany") {
		t.Fatalf("near-miss answer: %s", near.body)
	}
	if r.upstreamCalls() != 3 {
		t.Fatalf("%d upstream calls, want 3", r.upstreamCalls())
	}
}

func TestTenantIsolation(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.askAs(t, keyAlice, body("What is the capital of France?"))
	for _, p := range []string{"What is the capital of France?", "What's the capital of France?"} {
		rep := r.askAs(t, keyBob, body(p), "x-muninn-cache", "no-store") // bob stores nothing of his own
		if st := rep.cacheStatus(); st != semcache.StatusMiss {
			t.Fatalf("bob got %q for %q: two gateway keys must never share an entry", st, p)
		}
	}
	if r.upstreamCalls() != 3 {
		t.Fatalf("%d upstream calls, want 3", r.upstreamCalls())
	}
}

func TestSystemPromptAndHistoryScoping(t *testing.T) {
	r := newRig(t, rigOpts{})
	conv := func(system, earlier, last string) string {
		msgs := []map[string]string{}
		if system != "" {
			msgs = append(msgs, map[string]string{"role": "system", "content": system})
		}
		if earlier != "" {
			msgs = append(msgs, map[string]string{"role": "user", "content": earlier},
				map[string]string{"role": "assistant", "content": "Sure."})
		}
		msgs = append(msgs, map[string]string{"role": "user", "content": last})
		b, _ := json.Marshal(map[string]any{"model": "fake/m1", "temperature": 0, "messages": msgs})
		return string(b)
	}
	r.askAs(t, keyAlice, conv("You are a pirate.", "", "How do I reverse a list in Python?"))
	r.askAs(t, keyAlice, conv("You are a pirate.", "Let's talk about Python.", "How do I reverse a list?"))
	tests := []struct {
		name, body, want string
	}{
		{"same system prompt", conv("You are a pirate.", "", "How can I reverse a list in Python?"), semcache.StatusHitSemantic},
		{"other system prompt", conv("You are a lawyer.", "", "How do I reverse a list in Python?"), semcache.StatusMiss},
		{"same history", conv("You are a pirate.", "Let's talk about Python.", "How do I reverse a list?"), semcache.StatusHitExact},
		{"other history", conv("You are a pirate.", "Let's talk about Rust.", "How do I reverse a list?"), semcache.StatusMiss},
	}
	for _, tt := range tests {
		if got := r.askAs(t, keyAlice, tt.body).cacheStatus(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestGuardsThroughServer(t *testing.T) {
	r := newRig(t, rigOpts{})
	long := strings.Repeat("Please explain the following in great detail. ", 40)
	tests := []struct {
		name, body, reason string
	}{
		{"temperature", `{"model":"fake/m1","temperature":0.9,"messages":[{"role":"user","content":"Tell me a joke"}]}`, cache.GuardTemperature},
		{"n", `{"model":"fake/m1","n":2,"messages":[{"role":"user","content":"Tell me a joke"}]}`, cache.GuardN},
		{"tools", `{"model":"fake/m1","temperature":0,"messages":[{"role":"user","content":"weather?"},` +
			`{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{}"}}]},` +
			`{"role":"tool","tool_call_id":"c1","content":"sunny"},{"role":"user","content":"and tomorrow?"}]}`, cache.GuardTools},
		{"image", `{"model":"fake/m1","temperature":0,"messages":[{"role":"user","content":[{"type":"text","text":"what is this"},` +
			`{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}`, cache.GuardNonText},
		{"prefill", `{"model":"fake/m1","temperature":0,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Hel"}]}`, cache.GuardNotUser},
		{"window", body(long), cache.GuardTruncated},
		{"korean", body("비밀번호를 어떻게 재설정하나요?"), cache.GuardUncovered},
	}
	for _, tt := range tests {
		rep := r.askAs(t, keyAlice, tt.body)
		if rep.status != http.StatusOK || rep.cacheStatus() != semcache.StatusMiss || rep.header.Get(semcache.HeaderReason) != tt.reason {
			t.Errorf("%s: status %d, %q reason %q, want miss %q", tt.name, rep.status, rep.cacheStatus(),
				rep.header.Get(semcache.HeaderReason), tt.reason)
		}
		// Guards skip the semantic tier only: the identical request still hits exactly.
		if again := r.askAs(t, keyAlice, tt.body); again.cacheStatus() != semcache.StatusHitExact {
			t.Errorf("%s again: %q", tt.name, again.cacheStatus())
		}
	}
	st := r.cache.Stats()
	for _, tt := range tests {
		if st.Guards[tt.reason] == 0 {
			t.Errorf("guard %s not counted: %v", tt.reason, st.Guards)
		}
	}
}

func TestRequestControls(t *testing.T) {
	r := newRig(t, rigOpts{})
	prompt := "What time zone is Seoul in?"
	tests := []struct {
		name            string
		headers         []string
		status, reason  string
		upstream, store bool
	}{
		{"off", []string{"x-muninn-cache", "off"}, semcache.StatusBypass, "off", true, false},
		{"no-store", []string{"x-muninn-cache", "no-store"}, semcache.StatusMiss, "", true, false},
		{"cache-control no-store", []string{"Cache-Control", "no-store"}, semcache.StatusMiss, "", true, false},
		{"store", nil, semcache.StatusMiss, "", true, true},
		{"hit", nil, semcache.StatusHitExact, "", false, false},
		{"off skips the hit", []string{"x-muninn-cache", "off"}, semcache.StatusBypass, "off", true, false},
		{"refresh", []string{"x-muninn-cache", "refresh"}, semcache.StatusBypass, "refresh", true, true},
		{"cache-control no-cache", []string{"Cache-Control", "no-cache"}, semcache.StatusBypass, "no-cache", true, true},
		{"threshold may tighten", []string{"x-muninn-cache-threshold", "0.99"}, semcache.StatusHitExact, "", false, false},
	}
	for _, tt := range tests {
		before, stores := r.upstreamCalls(), r.cache.Stats().Stores
		rep := r.ask(t, prompt, tt.headers...)
		if rep.status != http.StatusOK || rep.cacheStatus() != tt.status || rep.header.Get(semcache.HeaderReason) != tt.reason {
			t.Fatalf("%s: status %d %q reason %q", tt.name, rep.status, rep.cacheStatus(), rep.header.Get(semcache.HeaderReason))
		}
		if called := r.upstreamCalls() > before; called != tt.upstream {
			t.Fatalf("%s: upstream called=%v", tt.name, called)
		}
		if stored := r.cache.Stats().Stores > stores; stored != tt.store {
			t.Fatalf("%s: stored=%v", tt.name, stored)
		}
	}
}

func TestBadControlHeaders(t *testing.T) {
	r := newRig(t, rigOpts{})
	for _, h := range [][]string{
		{"x-muninn-cache", "sometimes"}, {"x-muninn-cache-ttl", "-5"}, {"x-muninn-cache-ttl", "soon"},
		{"x-muninn-cache-threshold", "1.5"}, {"x-muninn-cache-threshold", "high"},
	} {
		rep := r.ask(t, "hello", h...)
		var eb api.ErrorBody
		if rep.status != http.StatusBadRequest || json.Unmarshal(rep.body, &eb) != nil || eb.Error.Type != api.ErrInvalidRequest ||
			!strings.Contains(eb.Error.Message, h[0]) {
			t.Errorf("%v: status %d %s", h, rep.status, rep.body)
		}
	}
	if r.upstreamCalls() != 0 {
		t.Fatal("a bad header reached the provider")
	}
}

func TestTTL(t *testing.T) {
	r := newRig(t, rigOpts{cfg: cache.Config{TTL: time.Hour}})
	r.ask(t, "What is a monad?")
	r.ask(t, "What is a functor?", "x-muninn-cache-ttl", "60")
	r.clock.Advance(2 * time.Minute)
	if got := r.ask(t, "What is a functor?").cacheStatus(); got != semcache.StatusMiss {
		t.Fatalf("per-request TTL: %q", got)
	}
	if got := r.ask(t, "What is a monad?").cacheStatus(); got != semcache.StatusHitExact {
		t.Fatalf("default TTL: %q", got)
	}
	r.clock.Advance(2 * time.Hour)
	if got := r.ask(t, "What is a monad?").cacheStatus(); got != semcache.StatusMiss {
		t.Fatalf("expired entry served: %q", got)
	}
}

func TestOnlyCompleteSuccessfulResponsesAreStored(t *testing.T) {
	r := newRig(t, rigOpts{})
	truncated := gatewaytest.Echo(&api.ChatRequest{}, "m1")
	truncated.Choices[0].FinishReason = "length"
	r.fake.Script(
		gatewaytest.Step{Err: &api.Error{Status: 500, Type: api.ErrUpstream, Message: "boom"}},
		gatewaytest.Step{Err: &api.Error{Status: 500, Type: api.ErrUpstream, Message: "boom"}},
		gatewaytest.Step{Err: &api.Error{Status: 500, Type: api.ErrUpstream, Message: "boom"}},
		gatewaytest.Step{Response: truncated},
	)
	if rep := r.ask(t, "Tell me about owls"); rep.status == http.StatusOK {
		t.Fatalf("scripted error not returned: %s", rep.body)
	}
	if rep := r.ask(t, "Tell me about owls"); rep.status != http.StatusOK || rep.cacheStatus() != semcache.StatusMiss {
		t.Fatalf("after an error: %d %q (errors must not be cached)", rep.status, rep.cacheStatus())
	}
	// The truncated answer above was not stored, so this goes upstream and is stored.
	if rep := r.ask(t, "Tell me about owls"); rep.cacheStatus() != semcache.StatusMiss {
		t.Fatalf("truncated answer was cached: %q", rep.cacheStatus())
	}
	if rep := r.ask(t, "Tell me about owls"); rep.cacheStatus() != semcache.StatusHitExact {
		t.Fatalf("complete answer not cached: %q", rep.cacheStatus())
	}
	// A stream cut by the upstream is not stored either.
	chunks := gatewaytest.EchoChunks(&api.ChatRequest{Messages: []api.Message{{Role: "user", Content: api.TextContent("a b c d")}}}, "m1")
	r.fake.Script(gatewaytest.Step{Chunks: chunks, FailAfter: 2, StreamErr: context.DeadlineExceeded})
	r.askAs(t, keyAlice, body("Stream about bats", `,"stream":true`))
	if st := r.ask(t, "Stream about bats").cacheStatus(); st != semcache.StatusMiss {
		t.Fatalf("a cut stream was cached: %q", st)
	}
}

func TestStreamingReplay(t *testing.T) {
	r := newRig(t, rigOpts{})
	orig := r.ask(t, "Name three primary colors").chat(t)
	rep := r.askAs(t, keyAlice, body("Name three primary colors", `,"stream":true,"stream_options":{"include_usage":true}`))
	if rep.cacheStatus() != semcache.StatusHitExact || !strings.HasPrefix(rep.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%q %q", rep.cacheStatus(), rep.header.Get("Content-Type"))
	}
	events := sse(t, rep.body)
	if len(events) < 3 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events: %q", events)
	}
	var text strings.Builder
	var usage *api.Usage
	finish := ""
	for _, e := range events[:len(events)-1] {
		var ch api.ChatChunk
		if err := json.Unmarshal([]byte(e), &ch); err != nil {
			t.Fatalf("chunk %s: %v", e, err)
		}
		if ch.Object != "chat.completion.chunk" || ch.ID == orig.ID {
			t.Fatalf("chunk shape: %s", e)
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
	if text.String() != orig.Choices[0].Message.Content.String() || finish != "stop" || usage == nil || *usage != *orig.Usage {
		t.Fatalf("replay: %q finish %q usage %+v; original %q %+v", text.String(), finish, usage,
			orig.Choices[0].Message.Content.String(), orig.Usage)
	}
	// A stream that completes is stored and then serves a plain request.
	r.askAs(t, keyAlice, body("Name three birds", `,"stream":true`))
	if st := r.ask(t, "Name three birds").cacheStatus(); st != semcache.StatusHitExact {
		t.Fatalf("completed stream not cached: %q", st)
	}
}

func TestStampedeCollapse(t *testing.T) {
	r := newRig(t, rigOpts{})
	gate := make(chan struct{})
	r.fake.Script(gatewaytest.Step{Gate: gate})
	const n = 6
	var wg sync.WaitGroup
	statuses := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := r.do(t, http.MethodPost, "/v1/chat/completions", keyAlice, body("Summarise the plot of Hamlet"))
			rep.chat(t)
			statuses[i] = rep.cacheStatus()
		}()
	}
	// Wait until every request has reached the cache: one leads, the rest wait on it.
	deadline := time.Now().Add(30 * time.Second)
	for r.cache.Stats().Lookups < n {
		if time.Now().After(deadline) {
			close(gate)
			t.Fatalf("only %d of %d requests reached the cache", r.cache.Stats().Lookups, n)
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	if r.upstreamCalls() != 1 {
		t.Fatalf("%d upstream calls for %d identical concurrent misses, want 1", r.upstreamCalls(), n)
	}
	hits := 0
	for _, s := range statuses {
		if s == semcache.StatusHitExact {
			hits++
		}
	}
	if hits != n-1 || r.cache.Stats().Collapsed != n-1 {
		t.Fatalf("statuses %v, collapsed %d", statuses, r.cache.Stats().Collapsed)
	}
}

func TestRestartWithWarmCache(t *testing.T) {
	o := rigOpts{cacheDir: t.TempDir(), storeDir: t.TempDir()}
	r := newRig(t, o)
	r.ask(t, "How do I reverse a list in Python?")
	r.close()

	r2 := newRig(t, o)
	if st := r2.ask(t, "How do I reverse a list in Python?").cacheStatus(); st != semcache.StatusHitExact {
		t.Fatalf("exact after restart: %q", st)
	}
	if st := r2.ask(t, "How can I reverse a list in Python?").cacheStatus(); st != semcache.StatusHitSemantic {
		t.Fatalf("semantic after restart: %q", st)
	}
	if r2.upstreamCalls() != 0 {
		t.Fatalf("%d upstream calls after restart", r2.upstreamCalls())
	}
}

func TestAdminAPI(t *testing.T) {
	r := newRig(t, rigOpts{})
	id := r.ask(t, "What is the capital of France?").header.Get(semcache.HeaderID)
	r.askAs(t, keyBob, body("What is the capital of Spain?"))
	r.ask(t, "What is the capital of France?")

	if rep := r.do(t, http.MethodGet, "/api/cache/stats", keyBob, ""); rep.status != http.StatusForbidden && rep.status != http.StatusUnauthorized {
		t.Fatalf("stats without an admin key: %d", rep.status)
	}
	rep := r.do(t, http.MethodGet, "/api/cache/stats", keyAlice, "")
	var st struct {
		cache.Stats
		Embedder  string  `json:"embedder"`
		Threshold float64 `json:"threshold"`
		Vectors   *struct {
			Points int `json:"points"`
		} `json:"vector_store"`
	}
	if rep.status != http.StatusOK || json.Unmarshal(rep.body, &st) != nil || st.Entries != 2 || st.HitsExact != 1 ||
		st.Embedder == "" || st.Threshold != cache.DefaultThreshold || st.Vectors == nil || st.Vectors.Points != 2 {
		t.Fatalf("stats %d: %s", rep.status, rep.body)
	}
	if rep := r.do(t, http.MethodDelete, "/api/cache", keyAlice, ""); rep.status != http.StatusBadRequest {
		t.Fatalf("delete without a selector: %d", rep.status)
	}
	if rep := r.do(t, http.MethodDelete, "/api/cache?id="+id, keyAlice, ""); rep.status != http.StatusOK || !strings.Contains(string(rep.body), `"deleted":1`) {
		t.Fatalf("delete by id: %d %s", rep.status, rep.body)
	}
	if got := r.ask(t, "What is the capital of France?", "x-muninn-cache", "no-store").cacheStatus(); got != semcache.StatusMiss {
		t.Fatalf("deleted entry served: %q", got)
	}
	if rep := r.do(t, http.MethodDelete, "/api/cache?tenant=bob", keyAlice, ""); !strings.Contains(string(rep.body), `"deleted":1`) {
		t.Fatalf("delete by tenant: %s", rep.body)
	}
	if rep := r.do(t, http.MethodDelete, "/api/cache?model=fake/m1", keyAlice, ""); rep.status != http.StatusOK {
		t.Fatalf("delete by model: %d", rep.status)
	}
}

func TestCallCacheInfo(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.fake.Script(gatewaytest.Step{Delay: 20 * time.Millisecond})
	orig := r.ask(t, "How do I reverse a list in Python?").chat(t)
	miss := r.rec.info()
	if miss.Status != semcache.StatusMiss || miss.EntryID == "" || miss.SavedUsage != nil || miss.LookupDuration <= 0 {
		t.Fatalf("miss info: %+v", miss)
	}
	r.ask(t, "How can I reverse a list in Python?")
	hit := r.rec.info()
	if hit.Status != semcache.StatusHitSemantic || hit.EntryID != miss.EntryID || hit.Similarity < float32(cache.DefaultThreshold) ||
		hit.SavedLatency < 20*time.Millisecond || hit.SavedUsage == nil || *hit.SavedUsage != *orig.Usage ||
		hit.SavedProvider != "fake" || hit.SavedModel != "m1" || hit.EmbedDuration <= 0 || hit.LookupDuration < hit.EmbedDuration {
		t.Fatalf("hit info: %+v", hit)
	}
	r.ask(t, "x", "x-muninn-cache", "off")
	if off := r.rec.info(); off.Status != semcache.StatusBypass || off.Reason != "off" {
		t.Fatalf("bypass info: %+v", off)
	}
}

// TestLowOverlapMiss: a candidate in the uncertain similarity band (below
// cache.LexicalBand, reachable with a threshold under the default) that shares too few
// content words is not served, and the reason says so.
func TestLowOverlapMiss(t *testing.T) {
	r := newRig(t, rigOpts{cfg: cache.Config{Threshold: 0.70}})
	r.ask(t, "How often should I water a snake plant?")
	rep := r.ask(t, "How often should I water a fiddle leaf fig?")
	if rep.cacheStatus() != semcache.StatusMiss || rep.header.Get(semcache.HeaderReason) != cache.GuardLowOverlap {
		t.Fatalf("%q reason %q", rep.cacheStatus(), rep.header.Get(semcache.HeaderReason))
	}
	if r.upstreamCalls() != 2 {
		t.Fatalf("%d upstream calls, want 2", r.upstreamCalls())
	}
	if n := r.cache.Stats().Guards[cache.GuardLowOverlap]; n != 1 {
		t.Fatalf("low-overlap counted %d times", n)
	}
}
