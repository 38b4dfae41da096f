package cache

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

func TestExactHit(t *testing.T) {
	e := newEnv(t, Config{})
	req := userReq("a", "How do I reverse a list in Python?")
	filled := e.fill(t, req, `{"answer":1}`)
	res := e.lookup(userReq("a", "How do I reverse a list in Python?"))
	if res.Status != StatusHitExact || res.Entry.ID != filled.Keys.Exact {
		t.Fatalf("got %s %+v", res.Status, res.Entry)
	}
	if string(res.Entry.Response) != `{"answer":1}` || res.Entry.Latency != 800*time.Millisecond ||
		res.Entry.Provider != "openai" || res.Entry.PromptTokens != 10 {
		t.Fatalf("entry does not carry what was stored: %+v", res.Entry)
	}
	st := e.c.Stats()
	if st.HitsExact != 1 || st.Misses != 1 || st.SavedCompletionTokens != 20 || st.SavedLatencyMillis != 800 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestSemanticHitAndNearMiss(t *testing.T) {
	e := newEnv(t, Config{Threshold: 0.6})
	e.fill(t, userReq("a", "How do I reverse a list in Python?"), `{"a":"reverse"}`)
	e.fill(t, userReq("a", "What is the capital of France?"), `{"a":"Paris"}`)

	res := e.lookup(userReq("a", "how do i reverse a python list"))
	if res.Status != StatusHitSemantic || string(res.Entry.Response) != `{"a":"reverse"}` || res.Similarity < 0.6 {
		t.Fatalf("paraphrase: %s sim=%v", res.Status, res.Similarity)
	}
	res = e.lookup(userReq("a", "What is the capital of Germany?"))
	if res.Status != StatusMiss || res.Reason != GuardNearMiss || res.NearMissKind != KindEntity {
		t.Fatalf("near-miss: %s reason=%q kind=%q", res.Status, res.Reason, res.NearMissKind)
	}
	st := e.c.Stats()
	if st.Guards[GuardNearMiss] != 1 || st.NearMiss[KindEntity] != 1 || st.HitsSemantic != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestNearMissCheckCanBeDisabled(t *testing.T) {
	e := newEnv(t, Config{Threshold: 0.6, Guards: Guards{DisableNearMiss: true}})
	e.fill(t, userReq("a", "What is the capital of France?"), `{}`)
	if res := e.lookup(userReq("a", "What is the capital of Germany?")); res.Status != StatusHitSemantic {
		t.Fatalf("near-miss check off: got %s", res.Status)
	}
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, Config{Threshold: 0.5})
	e.fill(t, userReq("alice", "What is the capital of France?"), `{"for":"alice"}`)
	for _, p := range []string{"What is the capital of France?", "capital of France?"} {
		if res := e.lookup(userReq("bob", p)); res.Hit() {
			t.Fatalf("bob got alice's entry for %q (%s)", p, res.Status)
		}
	}
	if res := e.lookup(userReq("alice", "capital of France?")); res.Status != StatusHitSemantic {
		t.Fatalf("alice paraphrase: %s", res.Status)
	}
}

func TestShareAcrossTenants(t *testing.T) {
	e := newEnv(t, Config{ShareAcrossTenants: true})
	e.fill(t, userReq("alice", "What is the capital of France?"), `{}`)
	if res := e.lookup(userReq("bob", "What is the capital of France?")); res.Status != StatusHitExact {
		t.Fatalf("sharing on: %s", res.Status)
	}
}

func TestSystemPromptAndHistoryScoping(t *testing.T) {
	e := newEnv(t, Config{Threshold: 0.5})
	conv := func(system, earlier, last string) *Request {
		r := userReq("a", last)
		r.Messages = []Message{{Role: "system", Text: system}}
		if earlier != "" {
			r.Messages = append(r.Messages, Message{Role: "user", Text: earlier}, Message{Role: "assistant", Text: "ok"})
		}
		r.Messages = append(r.Messages, Message{Role: "user", Text: last})
		return r
	}
	e.fill(t, conv("You are a pirate.", "", "Tell me about the sea"), `{}`)
	e.fill(t, conv("You are a pirate.", "Let's talk about boats", "Tell me more about it"), `{}`)

	tests := []struct {
		name string
		req  *Request
		want string
	}{
		{"same system, paraphrase", conv("You are a pirate.", "", "tell me about the sea please"), StatusHitSemantic},
		{"other system prompt", conv("You are a lawyer.", "", "Tell me about the sea"), StatusMiss},
		{"no system prompt", userReq("a", "Tell me about the sea"), StatusMiss},
		{"same history", conv("You are a pirate.", "Let's talk about boats", "tell me more about it please"), StatusHitSemantic},
		{"other history", conv("You are a pirate.", "Let's talk about planes", "Tell me more about it"), StatusMiss},
	}
	for _, tt := range tests {
		if res := e.lookup(tt.req); res.Status != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, res.Status, tt.want)
		}
	}
}

func TestGuards(t *testing.T) {
	long := "please explain " + string(make([]byte, 0)) + repeat("word ", 500)
	tests := []struct {
		name   string
		guards Guards
		mutate func(r *Request)
		want   string // guard name, "" = semantic lookup ran
	}{
		{"none", Guards{}, func(r *Request) {}, ""},
		{"temperature", Guards{}, func(r *Request) { r.Temperature = FloatPtr(0.7) }, GuardTemperature},
		{"temperature allowed", Guards{AllowTemperature: true}, func(r *Request) { r.Temperature = FloatPtr(0.7) }, ""},
		{"temperature unset is not > 0", Guards{}, func(r *Request) { r.Temperature = nil }, ""},
		{"n", Guards{}, func(r *Request) { r.N = 3 }, GuardN},
		{"n allowed", Guards{AllowMultipleChoices: true}, func(r *Request) { r.N = 3 }, ""},
		{"tool result", Guards{}, func(r *Request) {
			r.Messages = append([]Message{{Role: "assistant", Tool: true}, {Role: "tool", Text: "42"}}, r.Messages...)
		}, GuardTools},
		{"tools allowed", Guards{AllowTools: true}, func(r *Request) {
			r.Messages = append([]Message{{Role: "tool", Text: "42"}}, r.Messages...)
		}, ""},
		{"image", Guards{}, func(r *Request) { r.Messages[0].NonText = true }, GuardNonText},
		{"last not user", Guards{}, func(r *Request) { r.Messages = append(r.Messages, Message{Role: "assistant", Text: "Sure"}) }, GuardNotUser},
		{"empty", Guards{}, func(r *Request) { r.Messages[0].Text = "  \n" }, GuardEmpty},
		{"window", Guards{}, func(r *Request) { r.Messages[0].Text = long }, GuardTruncated},
		{"window allowed", Guards{AllowTruncated: true}, func(r *Request) { r.Messages[0].Text = long }, ""},
		{"max chars", Guards{MaxPromptChars: 10}, func(r *Request) {}, GuardTruncated},
		{"uncovered", Guards{}, func(r *Request) { r.Messages[0].Text = "한국 날씨" }, GuardUncovered},
		{"uncovered allowed", Guards{AllowUncovered: true}, func(r *Request) { r.Messages[0].Text = "한국 날씨" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{Guards: tt.guards})
			r := userReq("a", "How do I reverse a list?")
			tt.mutate(r)
			res := e.lookup(r)
			if res.Reason != tt.want {
				t.Fatalf("reason %q, want %q", res.Reason, tt.want)
			}
			if res.semantic != (tt.want == "") {
				t.Fatalf("semantic=%v with guard %q", res.semantic, tt.want)
			}
			if tt.want != "" && e.c.Stats().Guards[tt.want] != 1 {
				t.Fatalf("guard %s not counted: %v", tt.want, e.c.Stats().Guards)
			}
		})
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

func TestGuardedRequestsStillHitExact(t *testing.T) {
	e := newEnv(t, Config{})
	r := userReq("a", "Tell me a joke")
	r.Temperature = FloatPtr(1)
	e.fill(t, r, `{}`)
	if res := e.lookup(r); res.Status != StatusHitExact {
		t.Fatalf("got %s", res.Status)
	}
	if e.store.count() != 0 {
		t.Fatal("a guarded request's prompt must not be indexed")
	}
}

func TestThresholds(t *testing.T) {
	e := newEnv(t, Config{Threshold: 0.5, ModelThresholds: map[string]float64{"strict/model": 0.999}})
	e.fill(t, userReq("a", "How do I reverse a list in Python?"), `{}`)
	para := "how to reverse a list in python quickly"
	if res := e.lookup(userReq("a", para)); res.Status != StatusHitSemantic {
		t.Fatalf("default threshold: %s", res.Status)
	}
	if res := e.lookup(userReq("a", para), LookupOptions{Threshold: 0.999}); res.Hit() || res.Threshold != 0.999 {
		t.Fatalf("tightened: %s threshold=%v", res.Status, res.Threshold)
	}
	if res := e.lookup(userReq("a", para), LookupOptions{Threshold: 0.1}); res.Threshold != 0.5 {
		t.Fatalf("a request loosened the threshold to %v", res.Threshold)
	}
	r := userReq("a", "How do I reverse a list in Python?")
	r.Model = "strict/model"
	e.fill(t, r, `{}`)
	r2 := userReq("a", para)
	r2.Model = "strict/model"
	if res := e.lookup(r2); res.Hit() || res.Threshold != 0.999 {
		t.Fatalf("per-model override: %s %v", res.Status, res.Threshold)
	}
}

func TestTTL(t *testing.T) {
	e := newEnv(t, Config{TTL: time.Hour, MaxTTL: 2 * time.Hour, Threshold: 0.95})
	e.fill(t, userReq("a", "What is a monad?"), `{}`)
	e.fill(t, userReq("a", "What is a functor?"), `{}`, StoreInput{TTL: 10 * time.Minute})
	e.fill(t, userReq("a", "What is a lens?"), `{}`, StoreInput{TTL: 100 * time.Hour})

	e.clk.Advance(11 * time.Minute)
	if res := e.lookup(userReq("a", "What is a functor?")); res.Hit() {
		t.Fatal("per-request TTL not honoured")
	}
	if res := e.lookup(userReq("a", "What is a monad?")); !res.Hit() {
		t.Fatal("default TTL expired too early")
	}
	e.clk.Advance(time.Hour)
	if res := e.lookup(userReq("a", "What is a monad?")); res.Hit() {
		t.Fatal("expired entry served")
	}
	if res := e.lookup(userReq("a", "what is a monad")); res.Hit() {
		t.Fatal("expired entry served semantically")
	}
	e.clk.Advance(time.Hour)
	if res := e.lookup(userReq("a", "What is a lens?")); res.Hit() {
		t.Fatal("MaxTTL not honoured")
	}
	if n := e.c.Sweep(context.Background()); n != 3 {
		t.Fatalf("sweep removed %d, want 3", n)
	}
	if st := e.c.Stats(); st.Entries != 0 || st.Expired != 3 || e.store.count() != 0 {
		t.Fatalf("after sweep: %+v, vectors=%d", st, e.store.count())
	}
}

func TestRefresh(t *testing.T) {
	e := newEnv(t, Config{})
	r := userReq("a", "What time zone is Seoul in?")
	e.fill(t, r, `{"v":1}`)
	res := e.c.Lookup(context.Background(), r, LookupOptions{Refresh: true})
	if res.Hit() || res.Reason != "refresh" {
		t.Fatalf("refresh served %s", res.Status)
	}
	e.c.Store(res, StoreInput{Response: []byte(`{"v":2}`)})
	e.c.Flush(context.Background())
	if got := e.lookup(r); string(got.Entry.Response) != `{"v":2}` {
		t.Fatalf("refresh did not replace the entry: %s", got.Entry.Response)
	}
	if st := e.c.Stats(); st.Entries != 1 {
		t.Fatalf("entries %d", st.Entries)
	}
}

func TestStampedeCollapse(t *testing.T) {
	e := newEnv(t, Config{})
	r := userReq("a", "Summarise the plot of Hamlet")
	leader := e.c.Lookup(context.Background(), r, LookupOptions{})
	if leader.Hit() || leader.flight == nil {
		t.Fatal("first miss must lead")
	}
	const n = 8
	var wg sync.WaitGroup
	results := make([]*Result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.c.Lookup(context.Background(), userReq("a", "Summarise the plot of Hamlet"), LookupOptions{})
		}()
	}
	e.c.Store(leader, StoreInput{Response: []byte(`{}`)})
	wg.Wait()
	for i, res := range results {
		if res.Status != StatusHitExact {
			t.Fatalf("follower %d: %s", i, res.Status)
		}
	}
	if st := e.c.Stats(); st.Misses != 1 {
		t.Fatalf("%d misses (upstream calls), want 1", st.Misses)
	}
}

func TestStampedeLeaderGivesUp(t *testing.T) {
	e := newEnv(t, Config{})
	r := userReq("a", "Summarise the plot of Macbeth")
	leader := e.c.Lookup(context.Background(), r, LookupOptions{})
	done := make(chan *Result)
	go func() { done <- e.c.Lookup(context.Background(), r, LookupOptions{}) }()
	e.c.Release(leader) // e.g. the upstream failed
	if res := <-done; res.Hit() {
		t.Fatalf("follower got %s after the leader failed", res.Status)
	}
}

func TestStampedeBoundedWait(t *testing.T) {
	e := newEnv(t, Config{FlightWait: 5 * time.Millisecond})
	r := userReq("a", "Summarise the plot of Othello")
	leader := e.c.Lookup(context.Background(), r, LookupOptions{})
	defer e.c.Release(leader)
	if res := e.lookup(r); res.Hit() {
		t.Fatal("unexpected hit")
	}
	if st := e.c.Stats(); st.FlightTimeouts != 1 {
		t.Fatalf("flight timeouts %d", st.FlightTimeouts)
	}
}

func TestNoStoreDoesNotLead(t *testing.T) {
	e := newEnv(t, Config{})
	res := e.c.Lookup(context.Background(), userReq("a", "x"), LookupOptions{NoStore: true})
	if res.flight != nil {
		t.Fatal("a no-store request must not lead a flight")
	}
}

// blockingEmbedder blocks Embed until released, to observe that stores are asynchronous.
type blockingEmbedder struct {
	bowEmbedder
	off     atomic.Bool // pass through without blocking
	entered chan struct{}
	release chan struct{}
}

func (b *blockingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if !b.off.Load() {
		b.entered <- struct{}{}
		<-b.release
	}
	return b.bowEmbedder.Embed(ctx, texts)
}

func TestStoreIsAsynchronous(t *testing.T) {
	emb := &blockingEmbedder{entered: make(chan struct{}, 8), release: make(chan struct{})}
	st := &bruteStore{now: time.Now, ns: map[string]map[string]vectorstore.Point{}}
	c, err := New(Config{StoreQueue: 1, StoreWorkers: 1}, Options{Store: st, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	released := false
	defer func() {
		if !released {
			close(emb.release) // let the worker finish so Close returns after a failure
		}
	}()
	r := userReq("a", "What is Rust?")
	res := c.Lookup(context.Background(), r, LookupOptions{Refresh: true}) // no embedding at lookup
	if !c.Store(res, StoreInput{Response: []byte(`{}`)}) {
		t.Fatal("store refused")
	}
	<-emb.entered // the worker is embedding, after writing the exact tier
	if got := c.Lookup(context.Background(), r, LookupOptions{}); got.Status != StatusHitExact {
		t.Fatalf("exact tier not written before embedding: %s", got.Status)
	}
	// The worker is busy and the queue holds one: further stores are dropped, not blocking.
	for i := range 3 {
		res := c.Lookup(context.Background(), userReq("a", string(rune('a'+i))), LookupOptions{Refresh: true})
		c.Store(res, StoreInput{Response: []byte(`{}`)})
	}
	if c.Stats().StoresDropped < 2 {
		t.Fatalf("dropped %d", c.Stats().StoresDropped)
	}
	close(emb.release)
	released = true
	c.Flush(context.Background())
	if st.count() < 1 {
		t.Fatal("vector not written")
	}
}

func TestCapacityEviction(t *testing.T) {
	e := newEnv(t, Config{MaxEntries: 3})
	for _, p := range []string{"one a", "two b", "three c", "four d", "five e"} {
		e.fill(t, userReq("a", p), `{}`)
		e.clk.Advance(time.Second)
	}
	st := e.c.Stats()
	if st.Entries != 3 || st.Evictions != 2 {
		t.Fatalf("%+v", st)
	}
	if e.store.count() != 3 {
		t.Fatalf("evicted vectors not deleted: %d left", e.store.count())
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	r1 := e.fill(t, userReq("alice", "q1"), `{}`)
	e.fill(t, userReq("alice", "q2"), `{}`)
	e.fill(t, userReq("bob", "q1"), `{}`)
	m := userReq("bob", "q3")
	m.Model = "anthropic/claude"
	e.fill(t, m, `{}`)

	if _, err := e.c.Delete(ctx, Selector{}); err == nil {
		t.Fatal("empty selector must be refused")
	}
	steps := []struct {
		sel  Selector
		want int
		left int
	}{
		{Selector{ID: r1.Keys.Exact}, 1, 3},
		{Selector{ID: "nope"}, 0, 3},
		{Selector{Model: "anthropic/claude"}, 1, 2},
		{Selector{Tenant: "alice"}, 1, 1},
		{Selector{All: true}, 1, 0},
	}
	for _, s := range steps {
		n, err := e.c.Delete(ctx, s.sel)
		if err != nil || n != s.want || e.c.Stats().Entries != s.left {
			t.Fatalf("%+v: deleted %d (%v), %d left", s.sel, n, err, e.c.Stats().Entries)
		}
	}
	if e.store.count() != 0 {
		t.Fatalf("%d vectors left", e.store.count())
	}
}

func TestRestartWarm(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	st := &bruteStore{now: clk.Now, ns: map[string]map[string]vectorstore.Point{}} // stands for a persistent store
	emb := &bowEmbedder{}
	open := func() *Cache {
		c, err := New(Config{DataDir: dir, Threshold: 0.5}, Options{Store: st, Embedder: emb, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := open()
	for _, p := range []string{"What is the capital of France?", "How tall is Everest?", "gone"} {
		res := c.Lookup(context.Background(), userReq("a", p), LookupOptions{})
		c.Store(res, StoreInput{Response: []byte(`{"p":"` + p + `"}`)})
	}
	c.Flush(context.Background())
	c.Delete(context.Background(), Selector{ID: ComputeKeys(userReq("a", "gone"), emb.Model(), false).Exact})
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	c = open()
	defer c.Close(context.Background())
	if res := c.Lookup(context.Background(), userReq("a", "How tall is Everest?"), LookupOptions{}); res.Status != StatusHitExact {
		t.Fatalf("after restart: %s", res.Status)
	}
	if res := c.Lookup(context.Background(), userReq("a", "what is the capital of France"), LookupOptions{}); res.Status != StatusHitSemantic {
		t.Fatalf("semantic after restart: %s", res.Status)
	}
	if res := c.Lookup(context.Background(), userReq("a", "gone"), LookupOptions{NoStore: true}); res.Hit() {
		t.Fatal("deleted entry came back after restart")
	}
}

func TestJournalCorruptTail(t *testing.T) {
	dir := t.TempDir()
	c, err := New(Config{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a", "b"} {
		res := c.Lookup(context.Background(), userReq("t", p), LookupOptions{})
		c.Store(res, StoreInput{Response: []byte(`{}`)})
	}
	c.Close(context.Background())
	path := filepath.Join(dir, journalName)
	data, _ := os.ReadFile(path)
	good := len(data)
	// A torn record (header promising more than exists) and a flipped checksum.
	os.WriteFile(path, append(data, 0x40, 0, 0, 0, 1, 2, 3, 4, 'P', '{'), 0o644)

	c, err = New(Config{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Entries != 2 || st.JournalDroppedBytes != 10 {
		t.Fatalf("%+v", st)
	}
	c.Close(context.Background())
	if fi, _ := os.Stat(path); fi.Size() != int64(good) {
		t.Fatalf("bad tail not truncated: %d vs %d", fi.Size(), good)
	}
	// Corrupt a byte inside the last record: it is dropped, the first survives.
	data[len(data)-2] ^= 0xff
	os.WriteFile(path, data, 0o644)
	c, err = New(Config{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if st := c.Stats(); st.Entries != 1 {
		t.Fatalf("entries after corrupt record: %d", st.Entries)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Threshold: 1.5}, {TTL: -time.Second}, {ModelThresholds: map[string]float64{"m": 0}},
		{Guards: Guards{NearMissOff: []string{"colour"}}}, {MaxEntries: -1},
	} {
		if _, err := New(cfg, Options{}); err == nil {
			t.Errorf("%+v: want an error", cfg)
		}
	}
}

func TestCloseIsIdempotentAndRefusesStores(t *testing.T) {
	c, err := New(Config{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := c.Lookup(context.Background(), userReq("a", "x"), LookupOptions{})
	c.Close(context.Background())
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Store(res, StoreInput{Response: []byte(`{}`)}) {
		t.Fatal("store accepted after close")
	}
}

func TestEmbedBusyGuard(t *testing.T) {
	emb := &blockingEmbedder{entered: make(chan struct{}, 8), release: make(chan struct{})}
	st := &bruteStore{now: time.Now, ns: map[string]map[string]vectorstore.Point{}}
	c, err := New(Config{MaxConcurrentEmbeds: 1}, Options{Store: st, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	emb.off.Store(true) // fill the scope, so lookups in it embed
	filled := c.Lookup(context.Background(), userReq("a", "stored question"), LookupOptions{})
	c.Store(filled, StoreInput{Response: []byte(`{}`)})
	c.Flush(context.Background())
	emb.off.Store(false)
	done := make(chan *Result)
	go func() {
		done <- c.Lookup(context.Background(), userReq("a", "first question"), LookupOptions{NoStore: true})
	}()
	<-emb.entered // the only slot is taken
	res := c.Lookup(context.Background(), userReq("a", "second question"), LookupOptions{NoStore: true})
	if res.Reason != GuardEmbedBusy || c.Stats().Guards[GuardEmbedBusy] != 1 {
		t.Fatalf("reason %q", res.Reason)
	}
	close(emb.release)
	if first := <-done; first.Reason != "" || first.EmbedDuration == 0 {
		t.Fatalf("first lookup: %q", first.Reason)
	}
}

func TestDecodeConfig(t *testing.T) {
	cfg, err := DecodeConfig([]byte(`{"ttl":"2h","max_ttl":86400,"threshold":0.85,"model_thresholds":{"m":0.9},
		"guards":{"allow_temperature":true,"near_miss_off":["format"]},"flight_wait":"5s"}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TTL != 2*time.Hour || cfg.MaxTTL != 24*time.Hour || cfg.Threshold != 0.85 || cfg.ModelThresholds["m"] != 0.9 ||
		!cfg.Guards.AllowTemperature || cfg.Guards.NearMissOff[0] != "format" || cfg.FlightWait != 5*time.Second {
		t.Fatalf("%+v", cfg)
	}
	if cfg, err := DecodeConfig(nil); err != nil || cfg.Threshold != 0 {
		t.Fatalf("empty: %+v %v", cfg, err)
	}
	for _, bad := range []string{`{"tll":"1h"}`, `{"ttl":"soon"}`, `{"threshold":2}`, `{"guards":{"allow_everything":true}}`, `[]`} {
		if _, err := DecodeConfig([]byte(bad)); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

func TestEmptyScopeSkipsEmbedding(t *testing.T) {
	e := newEnv(t, Config{})
	before := e.emb.calls.Load()
	e.lookup(userReq("a", "a first question in a new conversation"))
	if e.emb.calls.Load() != before {
		t.Fatal("embedded a prompt although its scope is empty")
	}
	e.fill(t, userReq("a", "How do I reverse a list?"), `{}`)
	before = e.emb.calls.Load()
	e.lookup(userReq("a", "how to reverse a list"))
	if e.emb.calls.Load() == before {
		t.Fatal("did not embed although the scope has entries")
	}
	e.c.Delete(context.Background(), Selector{All: true})
	before = e.emb.calls.Load()
	e.lookup(userReq("a", "how to reverse a list"))
	if e.emb.calls.Load() != before {
		t.Fatal("scope count not decremented on delete")
	}
}

func TestEachMissEmbedsOnce(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	// Empty scope: no request-path embedding; the store worker embeds in the background.
	e.fill(t, userReq("a", "How do I reverse a list?"), `{}`)
	if st := e.c.Stats(); st.EmbedsRequest != 0 || st.EmbedsBackground != 1 {
		t.Fatalf("empty scope: request %d, background %d", st.EmbedsRequest, st.EmbedsBackground)
	}
	// Populated scope: one request-path embedding, reused by the store.
	e.fill(t, userReq("a", "How do I sort a map by value?"), `{}`)
	if st := e.c.Stats(); st.EmbedsRequest != 1 || st.EmbedsBackground != 1 {
		t.Fatalf("populated scope: request %d, background %d", st.EmbedsRequest, st.EmbedsBackground)
	}
	// Many stores queued at once are written in batches; every one becomes searchable.
	var results []*Result
	for i := range 40 {
		res := e.c.Lookup(ctx, userReq("b", fmt.Sprintf("question number %d about topic %d", i, i*7)), LookupOptions{})
		results = append(results, res)
	}
	for _, res := range results {
		if !e.c.Store(res, StoreInput{Response: []byte(`{}`)}) {
			t.Fatal("store dropped")
		}
	}
	if err := e.c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.c.Stats()
	if got := st.EmbedsRequest + st.EmbedsBackground; got != 2+40 {
		t.Fatalf("%d embeddings for 42 stored misses", got)
	}
	if n := e.store.count(); n != 42 {
		t.Fatalf("%d vectors, want 42", n)
	}
}
