package semcache_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	"github.com/muninn-gw/muninn/gateway/plugins/semcache"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

// rig is a real gateway on loopback with the semantic cache (built-in embedder and
// built-in vector store) in front of a scripted fake provider.
type rig struct {
	rec   *recorder
	gw    *gatewaytest.Gateway
	fake  *gatewaytest.Fake
	cache *cache.Cache
	store *memory.Store
	clock *clock
}

type clock struct{ t atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

const (
	keyAlice = "sk-alice-0123456789" // admin
	keyBob   = "sk-bob-0123456789"
)

type rigOpts struct {
	cfg      cache.Config
	cacheDir string
	storeDir string
	// wrap, when set, wraps the built-in embedder (benchmarks count embeddings with it).
	wrap func(embed.Embedder) embed.Embedder
}

func newRig(t testing.TB, o rigOpts) *rig {
	t.Helper()
	emb, err := uselite.Default()
	if err != nil {
		t.Fatal(err)
	}
	var em embed.Embedder = emb
	if o.wrap != nil {
		em = o.wrap(emb)
	}
	clk := &clock{}
	clk.t.Store(time.Now().UnixNano())
	st, err := memory.New(memory.Config{Dir: o.storeDir, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.cfg
	cfg.DataDir = o.cacheDir
	c, err := cache.New(cfg, cache.Options{Store: st, Embedder: em, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	p := semcache.New(c, semcache.Options{Now: clk.Now})
	fake := gatewaytest.NewFake("fake", "m1")
	gcfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{
		"fake": {Type: "fake", Models: []string{"m1"}}}}
	gcfg.Auth.Keys = []gateway.GatewayKey{{Name: "alice", Value: keyAlice, Admin: true}, {Name: "bob", Value: keyBob}}
	rec := &recorder{}
	gw := gatewaytest.Start(t, gcfg, gateway.Options{Plugins: []gateway.Plugin{rec, p}, Routes: p.Routes()}, fake)
	r := &rig{rec: rec, gw: gw, fake: fake, cache: c, store: st, clock: clk}
	t.Cleanup(r.close)
	return r
}

func (r *rig) close() {
	r.gw.Close()
	r.cache.Close(context.Background())
	r.store.Close()
}

var client = gatewaytest.Client()

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) cacheStatus() string { return r.header.Get(semcache.HeaderCache) }

func (r reply) chat(t testing.TB) api.ChatResponse {
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

func (r *rig) do(t testing.TB, method, path, key, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, r.gw.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

// ask sends a one-message chat request as alice, temperature 0, and waits for the cache's
// asynchronous store so the next request sees it.
func (r *rig) ask(t testing.TB, prompt string, headers ...string) reply {
	t.Helper()
	return r.askAs(t, keyAlice, body(prompt), headers...)
}

func (r *rig) askAs(t testing.TB, key, reqBody string, headers ...string) reply {
	t.Helper()
	rep := r.do(t, http.MethodPost, "/v1/chat/completions", key, reqBody, headers...)
	if err := r.cache.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rep
}

func body(prompt string, extra ...string) string {
	p, _ := json.Marshal(prompt)
	return `{"model":"fake/m1","temperature":0,"messages":[{"role":"user","content":` + string(p) + `}]` +
		strings.Join(extra, "") + `}`
}

func (r *rig) upstreamCalls() int { return len(r.fake.Calls()) }

// sse reads an SSE body into its data payloads.
func sse(t testing.TB, b []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

// recorder runs before the cache plugin, so its post-hook runs after the cache's and
// sees what the cache recorded in Call.Cache.
type recorder struct {
	mu   sync.Mutex
	last gateway.CacheInfo
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) PostHook(_ context.Context, c *gateway.Call) error {
	r.mu.Lock()
	r.last = c.Cache
	if u := c.Cache.SavedUsage; u != nil {
		cp := *u
		r.last.SavedUsage = &cp
	}
	r.mu.Unlock()
	return nil
}

func (r *recorder) info() gateway.CacheInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}
