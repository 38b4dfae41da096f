package cache

import (
	"context"
	"math"
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
)

func TestContentOverlap(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"How do I reverse a list in Python?", "What's the way to reverse a Python list?", 1},
		{"Can you explain what a light-year is?", "What is a light year?", 1},
		{"Can you explain async/await in JavaScript?", "How does async await work in JavaScript?", 1},
		{"How do I rename a remote git branch?", "How do I undo the last git commit?", 0.33}, // "git" of [undo git commit]
		{"What is 2+2?", "What is 2+3?", 1},                                                  // no content words: left to the near-miss kinds
	} {
		if got := ContentOverlap(ExtractFeatures(tc.a), ExtractFeatures(tc.b)); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("%q / %q: overlap %.2f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	q := ExtractFeatures("How do I rename a remote git branch?")
	for _, tc := range []struct {
		cand    string
		sim     float32
		lexical bool
		want    string
	}{
		{"How do I rename my wifi network?", 0.75, true, GuardLowOverlap},
		{"How do I rename my wifi network?", 0.75, false, ""},
		{"How do I rename my wifi network?", LexicalBand, true, ""},    // above the band: the vector decides
		{"How do I undo the last git commit?", 0.95, true, KindEntity}, // another task
		{"How can I rename a remote branch in git?", 0.75, true, ""},
		{"How do I rename a local git branch?", 0.95, true, KindEntity},
	} {
		if got := Verdict(q, ExtractFeatures(tc.cand), tc.sim, nil, tc.lexical); got != tc.want {
			t.Errorf("%q at %.2f (lexical %v): %q, want %q", tc.cand, tc.sim, tc.lexical, got, tc.want)
		}
	}
}

// vecEmbedder returns fixed vectors, to place prompts at chosen similarities.
type vecEmbedder struct{ vecs map[string][]float32 }

func (v *vecEmbedder) Model() string { return "test/fixed" }
func (v *vecEmbedder) Dim() int      { return 3 }
func (v *vecEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		x := v.vecs[t]
		if x == nil {
			x = []float32{0, 0, 1}
		}
		var n float64
		for _, f := range x {
			n += float64(f * f)
		}
		out[i] = make([]float32, len(x))
		for j, f := range x {
			out[i][j] = f / float32(math.Sqrt(n))
		}
	}
	return out, nil
}

func TestBestCandidateOnly(t *testing.T) {
	const (
		local  = "How do I rename a local git branch?"
		other  = "How can I rename a remote branch in git?"
		remote = "How do I rename a remote git branch?"
	)
	emb := &vecEmbedder{vecs: map[string][]float32{
		local:  {1, 0, 0},
		other:  {0.62, 0.785, 0},
		remote: {1, 0.33, 0},
	}}
	clk := newClock()
	st := &bruteStore{now: clk.Now, ns: map[string]map[string]vectorstore.Point{}}
	c, err := New(Config{Threshold: 0.7}, Options{Store: st, Embedder: emb, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	e := &env{c: c, store: st, clk: clk}
	e.fill(t, userReq("a", local), `{"n":"local"}`)
	e.fill(t, userReq("a", other), `{"n":"other"}`)

	res := e.lookup(userReq("a", remote), LookupOptions{Explain: true})
	if res.Hit() || res.Reason != GuardNearMiss || res.NearMissKind != KindEntity {
		t.Fatalf("remote: %s reason %q kind %q", res.Status, res.Reason, res.NearMissKind)
	}
	if len(res.Candidates) != 2 || res.Candidates[1].Rejected != "" || float64(res.Candidates[1].Similarity) < 0.7 {
		t.Fatalf("the second candidate should pass on its own: %+v", res.Candidates)
	}
}
