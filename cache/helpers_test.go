package cache

import (
	"cmp"
	"context"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/muninn-gw/muninn/cache/embed"
	"github.com/muninn-gw/muninn/vectorstore"
)

// bowEmbedder is a deterministic bag-of-words embedder: texts sharing words are close.
// It stands in for a sentence model where the test is about cache logic, not quality.
type bowEmbedder struct {
	calls    atomic.Int64
	blind    string // texts containing this are reported unsupported
	maxChars int    // texts longer than this are reported truncated
}

const bowDim = 64

func (b *bowEmbedder) Model() string { return "test/bow" }
func (b *bowEmbedder) Dim() int      { return bowDim }

func (b *bowEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	b.calls.Add(1)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, bowDim)
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			h := fnv.New32a()
			h.Write([]byte(w))
			v[h.Sum32()%bowDim] += 1
		}
		v[0] += 0.01
		var n float64
		for _, x := range v {
			n += float64(x * x)
		}
		n = math.Sqrt(n)
		for j := range v {
			v[j] = float32(float64(v[j]) / n)
		}
		out[i] = v
	}
	return out, nil
}

func (b *bowEmbedder) Coverage(text string) embed.Coverage {
	if b.blind != "" && strings.Contains(text, b.blind) {
		return embed.Coverage{Supported: false, Reason: "unknown script"}
	}
	if b.maxChars > 0 && len(text) > b.maxChars {
		return embed.Coverage{Supported: true, Truncated: true}
	}
	return embed.Coverage{Supported: true}
}

// clock is a settable test clock.
type clock struct{ t atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.t.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

type env struct {
	c     *Cache
	emb   *bowEmbedder
	store *bruteStore
	clk   *clock
}

func newEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	clk := newClock()
	st := &bruteStore{now: clk.Now, ns: map[string]map[string]vectorstore.Point{}}
	emb := &bowEmbedder{blind: "한국", maxChars: 2000}
	c, err := New(cfg, Options{Store: st, Embedder: emb, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return &env{c: c, emb: emb, store: st, clk: clk}
}

func userReq(tenant, prompt string) *Request {
	return &Request{Tenant: tenant, Model: "openai/gpt-4o-mini", Temperature: FloatPtr(0),
		Messages: []Message{{Role: "user", Text: prompt}}}
}

// fill stores a response for req and waits until it is written.
func (e *env) fill(t *testing.T, req *Request, body string, o ...StoreInput) *Result {
	t.Helper()
	res := e.c.Lookup(context.Background(), req, LookupOptions{})
	if res.Hit() {
		t.Fatalf("fill: unexpected %s for %q", res.Status, req.Messages[len(req.Messages)-1].Text)
	}
	in := StoreInput{Response: []byte(body), Provider: "openai", UpstreamModel: "gpt-4o-mini",
		Latency: 800 * time.Millisecond, PromptTokens: 10, CompletionTokens: 20}
	if len(o) > 0 {
		in = o[0]
		in.Response = []byte(body)
	}
	if !e.c.Store(res, in) {
		t.Fatal("store dropped")
	}
	if err := e.c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return res
}

func (e *env) lookup(req *Request, o ...LookupOptions) *Result {
	var opt LookupOptions
	if len(o) > 0 {
		opt = o[0]
	}
	res := e.c.Lookup(context.Background(), req, opt)
	e.c.Release(res)
	return res
}

// bruteStore is an exact-search in-memory vectorstore.Store for unit tests.
type bruteStore struct {
	mu  sync.Mutex
	now func() time.Time
	ns  map[string]map[string]vectorstore.Point
}

func (s *bruteStore) Upsert(_ context.Context, ns string, pts []vectorstore.Point) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.ns[ns]
	if m == nil {
		m = map[string]vectorstore.Point{}
		s.ns[ns] = m
	}
	for _, p := range pts {
		p.Vector = slices.Clone(p.Vector)
		m[p.ID] = p
	}
	return nil
}

func (s *bruteStore) Search(_ context.Context, ns string, v []float32, k int, _ vectorstore.Filter) ([]vectorstore.Match, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []vectorstore.Match
	now := s.now()
	for _, p := range s.ns[ns] {
		if !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt) {
			continue
		}
		var d float32
		for i := range v {
			d += v[i] * p.Vector[i]
		}
		out = append(out, vectorstore.Match{ID: p.ID, Score: d, Payload: p.Payload, ExpiresAt: p.ExpiresAt})
	}
	slices.SortFunc(out, func(a, b vectorstore.Match) int { return cmp.Compare(b.Score, a.Score) })
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

func (s *bruteStore) Delete(_ context.Context, ns string, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		delete(s.ns[ns], id)
	}
	return nil
}

func (s *bruteStore) Close() error { return nil }

// ProcessLocal: like the built-in store, no other process writes to it.
func (s *bruteStore) ProcessLocal() bool { return true }

func (s *bruteStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.ns {
		n += len(m)
	}
	return n
}
