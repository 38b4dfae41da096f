package cacheeval

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

func TestCommittedSet(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	groups, paras, near, unrelated := set.Counts()
	if groups < 150 || unrelated < 50 {
		t.Fatalf("%d groups, %d unrelated", groups, unrelated)
	}
	langs := map[string]int{}
	kinds := map[string]int{}
	seen := map[string]string{}
	for _, g := range set.Groups {
		langs[g.Lang]++
		if len(g.Paraphrases) < 2 || len(g.Paraphrases) > 3 || len(g.NearMisses) != 2 {
			t.Errorf("%s: %d paraphrases, %d near-misses", g.ID, len(g.Paraphrases), len(g.NearMisses))
		}
		texts := append([]string{g.Anchor}, g.Paraphrases...)
		for _, n := range g.NearMisses {
			kinds[n.Kind]++
			texts = append(texts, n.Text)
		}
		for _, x := range texts {
			if other, dup := seen[x]; dup {
				t.Errorf("%q appears in %s and %s", x, other, g.ID)
			}
			seen[x] = g.ID
		}
	}
	if langs["ko"] < 24 {
		t.Errorf("Korean groups: %d", langs["ko"])
	}
	for _, k := range []string{cache.KindNumber, cache.KindEntity, cache.KindNegation, cache.KindDirection,
		cache.KindUnit, cache.KindTime, cache.KindFormat} {
		if kinds[k] < 5 {
			t.Errorf("only %d near-misses of kind %s", kinds[k], k)
		}
	}
	t.Logf("%d groups (%v), %d paraphrases, %d near-misses %v, %d unrelated", groups, langs, paras, near, kinds, unrelated)

	tune, report := set.Split()
	t2, r2 := set.Split()
	if len(tune.Groups) != len(t2.Groups) || len(report.Groups) != len(r2.Groups) {
		t.Fatal("split is not deterministic")
	}
	if n := len(report.Groups); n < 150 || n > len(tune.Groups) {
		t.Fatalf("held-out set: %d groups of %d", n, groups)
	}
}

func TestParseErrors(t *testing.T) {
	for name, text := range map[string]string{
		"no anchor":    "== g\nP: x\n",
		"no kind":      "== g\nA: a\nP: p\nN: n\n",
		"unknown kind": "== g\nA: a\nP: p\nN colour: n\n",
		"stray line":   "A: a\n",
		"two anchors":  "== g\nA: a\nA: b\nP: p\n",
	} {
		fsys := fstest.MapFS{"d/en_x.txt": {Data: []byte(text)}}
		if _, err := LoadFS(fsys, "d"); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// TestCollectAndScore runs a few groups through the real cache (built-in embedder and
// store) and checks the scoring against what the cache itself decides.
func TestCollectAndScore(t *testing.T) {
	fsys := fstest.MapFS{
		"d/en_a.txt": {Data: []byte(`
== capital
A: What is the capital of France?
P: Which city is the capital of France?
N entity: What is the capital of Germany?
N entity: What is the largest city in France?
== python
A: How do I reverse a list in Python?
P: How can I reverse a list in Python?
N format: How do I reverse a list in JavaScript?
N negation: How do I reverse a list in Python without modifying the original?
`)},
		"d/ko_a.txt":      {Data: []byte("== k\nA: 프랑스의 수도는 어디인가요?\nP: 프랑스 수도가 어디예요?\nN entity: 독일의 수도는 어디인가요?\n")},
		"d/unrelated.txt": {Data: []byte("Why is the sky blue?\nHow do vaccines work?\n")},
	}
	set, err := LoadFS(fsys, "d")
	if err != nil {
		t.Fatal(err)
	}
	// The Korean group and the first unrelated prompt form the held-out part.
	for i := range set.Groups {
		if set.Groups[i].Lang == "ko" {
			set.Groups[i].Part, set.Groups[i].Held = ReportPart, true
		}
	}
	set.UnrelatedPart = []string{ReportPart, PartV2}
	emb, err := uselite.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(memory.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := cache.New(cache.Config{Threshold: 0.5}, cache.Options{Store: st, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	o, err := Collect(context.Background(), set, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Queries) != 6+2+2 {
		t.Fatalf("%d queries", len(o.Queries))
	}
	// The scoring must agree with a direct lookup at the same threshold.
	for _, q := range o.Queries {
		res := c.Lookup(context.Background(), request(q.Text), cache.LookupOptions{NoStore: true, Threshold: cache.DefaultThreshold})
		c.Release(res)
		got := o.served(&q, Policy{Threshold: cache.DefaultThreshold}) >= 0
		if got != res.Hit() {
			t.Errorf("%q: scored hit=%v, cache hit=%v (%s)", q.Text, got, res.Hit(), res.Status)
		}
		if q.Lang == "ko" && q.Guard != cache.GuardUncovered {
			t.Errorf("Korean prompt not guarded: %q %q", q.Text, q.Guard)
		}
	}
	m := o.Score(Policy{Threshold: cache.DefaultThreshold}, nil)
	if m.Paraphrases != 3 || m.NearMisses != 5 || m.Unrelated != 2 {
		t.Fatalf("%+v", m)
	}
	if m.UnrelatedHits != 0 || m.WrongHits != 0 {
		t.Fatalf("wrong answers: %+v", m)
	}
	var b strings.Builder
	WriteReport(&b, o, nil, ReportOptions{Thresholds: []float64{0.7, 0.78, 0.9}, Default: cache.DefaultThreshold})
	for _, want := range []string{"### Tuning set", "### Held-out set", "near-miss false hits", "| lang ko |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestCrossValidationFoldsPartitionTheTuningSet(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	o := &Outcome{Set: set}
	for i, g := range set.Groups {
		o.Queries = append(o.Queries, Query{Group: i, Kind: KindParaphrase, Text: g.Paraphrases[0], Part: g.Part, Held: g.Held})
	}
	for i, u := range set.Unrelated {
		o.Queries = append(o.Queries, Query{Group: -1, Kind: KindUnrelated, Text: u, Part: set.unrelatedPart(i), Held: set.unrelatedHeld(i)})
	}
	tune, rep := o.Half("tune"), o.Half("report")
	folds := o.foldHalves()
	if len(folds) != len(Folds()) || len(folds) < 2 {
		t.Fatalf("%d folds", len(folds))
	}
	count := make([]int, len(folds))
	for i := range o.Queries {
		q := &o.Queries[i]
		in := 0
		for k, f := range folds {
			if f(q) {
				in++
				count[k]++
			}
		}
		if in > 1 || (in == 1) != tune(q) || (in == 1) == rep(q) {
			t.Fatalf("%q: in %d folds, tune %v, report %v", q.Text, in, tune(q), rep(q))
		}
	}
	for k, n := range count {
		if n < len(o.Queries)/(2*len(folds)+2) {
			t.Fatalf("unbalanced folds: %s has %d of %d", FoldName(k), n, len(o.Queries))
		}
	}
}
