package cache

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

// replicas are caches with their own memory and data directory over one vector store, as
// gateway processes sharing a database are.
type replicas struct {
	st  *memory.Store
	clk *clock
	c   []*Cache
}

func newReplicas(t *testing.T, n int, cfg Config) *replicas {
	t.Helper()
	clk := newClock()
	st, err := memory.New(memory.Config{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	on := true
	cfg.SharedStore = &on
	r := &replicas{st: st, clk: clk}
	for range n {
		cfg.DataDir = t.TempDir()
		c, err := New(cfg, Options{Store: st, Embedder: &bowEmbedder{blind: "한국"}, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		r.c = append(r.c, c)
	}
	return r
}

func (r *replicas) fill(t *testing.T, i int, req *Request, body string, ttl time.Duration) *Result {
	t.Helper()
	e := &env{c: r.c[i], clk: r.clk}
	return e.fill(t, req, body, StoreInput{Provider: "openai", UpstreamModel: "gpt-4o-mini-2024",
		Latency: 750 * time.Millisecond, PromptTokens: 11, CompletionTokens: 22, TTL: ttl})
}

func (r *replicas) lookup(i int, req *Request) *Result {
	res := r.c[i].Lookup(context.Background(), req, LookupOptions{})
	r.c[i].Release(res)
	return res
}

func TestReplicasShareEntries(t *testing.T) {
	r := newReplicas(t, 2, Config{Threshold: 0.6})
	body := `{"choices":[{"message":{"content":"` + strings.Repeat("Paris. ", 800) + `"}}]}`
	filled := r.fill(t, 0, userReq("alice", "What is the capital of France?"), body, time.Hour)
	r.fill(t, 0, userReq("alice", "How do I reverse a list in Python?"), `{"a":"reverse"}`, 0)
	stored, _ := r.c[0].Get(filled.Keys.Exact)

	tests := []struct {
		name   string
		req    *Request
		status string
		reason string
		body   string
	}{
		{"exact repeat", userReq("alice", "What is the capital of France?"), StatusHitExact, "", body},
		{"paraphrase", userReq("alice", "how do i reverse a python list"), StatusHitSemantic, "", `{"a":"reverse"}`},
		{"near miss", userReq("alice", "What is the capital of Germany?"), StatusMiss, GuardNearMiss, ""},
		{"other tenant", userReq("bob", "What is the capital of France?"), StatusMiss, "", ""},
		{"other tenant paraphrase", userReq("bob", "how do i reverse a python list"), StatusMiss, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := r.lookup(1, tc.req)
			if res.Status != tc.status || res.Reason != tc.reason {
				t.Fatalf("got %s (reason %q), want %s (%q)", res.Status, res.Reason, tc.status, tc.reason)
			}
			if tc.body != "" && string(res.Entry.Response) != tc.body {
				t.Fatalf("served %.60q", res.Entry.Response)
			}
		})
	}

	got, ok := r.c[1].Get(filled.Keys.Exact)
	if !ok {
		t.Fatal("the entry served from the shared store was not kept locally")
	}
	if got.Scope != stored.Scope || got.Tenant != stored.Tenant || got.Model != stored.Model ||
		got.Prompt != stored.Prompt || got.Provider != stored.Provider || got.UpstreamModel != stored.UpstreamModel ||
		got.Latency != stored.Latency || got.PromptTokens != 11 || got.CompletionTokens != 22 ||
		!got.Created.Equal(stored.Created) || !got.Expires.Equal(stored.Expires) || !got.Semantic {
		t.Fatalf("rebuilt entry differs:\n got %+v\nwant %+v", got, stored)
	}
	st := r.c[1].Stats()
	if st.Adopted != 2 || st.HitsExact != 1 || st.HitsSemantic != 1 || st.Entries != 2 || st.SavedCompletionTokens != 44 {
		t.Fatalf("replica stats: %+v", st)
	}
	// The adopted copy is served locally now.
	if res := r.lookup(1, userReq("alice", "What is the capital of France?")); res.Status != StatusHitExact || r.c[1].Stats().Adopted != 2 {
		t.Fatalf("second lookup: %s, stats %+v", res.Status, r.c[1].Stats())
	}
	// The built-in store counts the payload (the response) in its bytes.
	if vs, err := r.st.Stats(context.Background()); err != nil || vs.Bytes < int64(len(body)) {
		t.Fatalf("store bytes %d < response %d (%v)", vs.Bytes, len(body), err)
	}
}

func TestReplicasExpiryAndDelete(t *testing.T) {
	r := newReplicas(t, 3, Config{Threshold: 0.6})
	ctx := context.Background()
	short := r.fill(t, 0, userReq("a", "short lived question"), `{}`, time.Minute)
	r.fill(t, 0, userReq("a", "long lived question about oceans"), `{}`, time.Hour)
	del := r.fill(t, 0, userReq("a", "a question to delete"), `{}`, time.Hour)
	m := userReq("a", "a question in another model")
	m.Model = "anthropic/claude"
	r.fill(t, 0, m, `{}`, time.Hour)

	r.clk.Advance(2 * time.Minute)
	if res := r.lookup(1, userReq("a", "short lived question")); res.Hit() {
		t.Fatalf("expired entry served: %s %s", res.Status, short.Keys.Exact)
	}
	if n, err := r.c[0].Delete(ctx, Selector{ID: del.Keys.Exact}); n != 1 || err != nil {
		t.Fatalf("delete by id: %d %v", n, err)
	}
	if res := r.lookup(1, userReq("a", "a question to delete")); res.Hit() {
		t.Fatalf("deleted entry served: %s", res.Status)
	}
	// Deleting a scope on a replica that never saw its entries deletes them in the store.
	if n, err := r.c[2].Delete(ctx, Selector{Scope: ComputeKeys(m, "test/bow", false).Scope}); n != 1 || err != nil {
		t.Fatalf("delete by scope: %d %v", n, err)
	}
	if res := r.lookup(1, m); res.Hit() {
		t.Fatalf("entry deleted by scope served: %s", res.Status)
	}
	if res := r.lookup(1, userReq("a", "long lived question about oceans")); res.Status != StatusHitExact {
		t.Fatalf("live entry: %s", res.Status)
	}
}

func TestReplicaEvictionKeepsSharedPoints(t *testing.T) {
	r := newReplicas(t, 2, Config{MaxEntries: 1})
	r.fill(t, 0, userReq("a", "first question"), `{"n":1}`, 0)
	r.clk.Advance(time.Second)
	r.fill(t, 0, userReq("a", "second question"), `{"n":2}`, 0)
	if st := r.c[0].Stats(); st.Entries != 1 || st.Evictions != 1 {
		t.Fatalf("%+v", st)
	}
	if res := r.lookup(1, userReq("a", "first question")); res.Status != StatusHitExact || string(res.Entry.Response) != `{"n":1}` {
		t.Fatalf("entry evicted on one replica must stay in the shared store: %s", res.Status)
	}
	// And the evicting replica gets it back from the store.
	if res := r.lookup(0, userReq("a", "first question")); res.Status != StatusHitExact {
		t.Fatalf("evicted then found in the store: %s", res.Status)
	}
}

// A store other processes may write to has to be searched even when this process never
// stored into the scope; a process-local one does not.
func TestSharedStoreDetection(t *testing.T) {
	mem, err := memory.New(memory.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	on, off := true, false
	tests := []struct {
		name string
		st   vectorstore.Store
		set  *bool
		want bool
	}{
		{"built-in store", mem, nil, false},
		{"test store", &bruteStore{}, nil, false},
		{"remote store", remoteStore{mem}, nil, true},
		{"remote store, set off", remoteStore{mem}, &off, false},
		{"built-in store, set on", mem, &on, true},
		{"no store", nil, &on, false},
	}
	for _, tc := range tests {
		if got := sharedStore(Config{SharedStore: tc.set}, tc.st); got != tc.want {
			t.Errorf("%s: shared = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A single process (a process-local store) keeps only the filter fields in the payload,
// as before: the response lives in its own memory only.
func TestLocalStorePayloadHasFilterFieldsOnly(t *testing.T) {
	e := newEnv(t, Config{})
	e.fill(t, userReq("alice", "What is the capital of France?"), `{"a":"Paris"}`)
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	n := 0
	for _, pts := range e.store.ns {
		for _, p := range pts {
			n++
			if len(p.Payload) != 2 || p.Payload["tenant"] != "alice" || p.Payload["model"] != "openai/gpt-4o-mini" {
				t.Fatalf("payload %v", p.Payload)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d points", n)
	}
}

func TestDecodeSharedStore(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want *bool
	}{{`{}`, nil}, {`{"shared_store":false}`, new(bool)}, {`{"shared_store":true}`, func() *bool { b := true; return &b }()}} {
		cfg, err := DecodeConfig([]byte(tc.raw))
		if err != nil || (cfg.SharedStore == nil) != (tc.want == nil) || (tc.want != nil && *cfg.SharedStore != *tc.want) {
			t.Errorf("%s: %v, %v", tc.raw, cfg.SharedStore, err)
		}
	}
	if _, err := DecodeConfig([]byte(`{"shared_store":"auto"}`)); err == nil {
		t.Error(`"auto" must be refused: leave the field unset`)
	}
}

// remoteStore hides the built-in store's ProcessLocal, as a database-backed store has none.
type remoteStore struct{ vectorstore.Store }

func TestEntryFromPointRejectsBadPayloads(t *testing.T) {
	good := entryPayload(&Entry{Model: "m", Response: []byte(`{}`), Latency: time.Second, PromptTokens: 3, Created: time.Unix(5, 0)})
	tests := []struct {
		name    string
		payload map[string]string
		ok      bool
	}{
		{"complete", good, true},
		{"filter fields only (older version)", map[string]string{"model": "m", "tenant": ""}, false},
		{"bad number", map[string]string{pfResponse: "{}", pfLatency: "fast"}, false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		e, err := entryFromPoint("id", "scope", tc.payload, time.Time{})
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if tc.ok && (e.Latency != time.Second || e.PromptTokens != 3 || !e.Created.Equal(time.Unix(5, 0))) {
			t.Errorf("%s: %+v", tc.name, e)
		}
	}
}
