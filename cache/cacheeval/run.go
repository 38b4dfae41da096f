package cacheeval

import (
	"context"
	"fmt"

	"github.com/muninn-gw/muninn/cache"
)

// Query kinds besides the near-miss kinds.
const (
	KindParaphrase = "paraphrase"
	KindUnrelated  = "unrelated"
)

// Query is one evaluated prompt and what the cache found for it.
type Query struct {
	Group int    // index into Set.Groups; -1 for unrelated prompts
	Kind  string // KindParaphrase, KindUnrelated or a near-miss kind
	Lang  string
	Text  string
	Part  string // the part of the set the prompt is from
	Held  bool   // from the held-out (report) set
	// Guard is the guard that skipped semantic matching, "" when the search ran.
	Guard string
	// Candidates are the semantic matches, best first, with their near-miss verdicts.
	Candidates []Candidate
}

// Candidate is a semantic match resolved to the group whose anchor it is.
type Candidate struct {
	Group      int
	Similarity float32
	Rejected   string // near-miss kind that rejects it, "" when it would be served
}

// Outcome is everything Collect observed, scored later at any threshold.
type Outcome struct {
	Set      *Set
	Embedder string
	Queries  []Query
	// AnchorGuards counts anchors whose prompt a guard kept out of the vector index.
	AnchorGuards map[string]int
}

const (
	evalTenant = "eval"
	evalModel  = "eval/model"
)

func request(text string) *cache.Request {
	return &cache.Request{Tenant: evalTenant, Model: evalModel, Temperature: cache.FloatPtr(0),
		Messages: []cache.Message{{Role: "user", Text: text}}}
}

// Collect stores every anchor of set in c (one scope, as one application's cache would)
// and looks every paraphrase, near-miss and unrelated prompt up with candidates
// explained. c should be fresh, with the lowest threshold of interest.
func Collect(ctx context.Context, set *Set, c *cache.Cache) (*Outcome, error) {
	out := &Outcome{Set: set, AnchorGuards: map[string]int{}}
	byEntry := map[string]int{}
	for i, g := range set.Groups {
		res := c.Lookup(ctx, request(g.Anchor), cache.LookupOptions{Refresh: true})
		if res.Reason != "" && res.Reason != "refresh" {
			out.AnchorGuards[res.Reason]++
		}
		byEntry[res.Keys.Exact] = i
		if !c.Store(res, cache.StoreInput{Response: []byte(`{}`)}) {
			return nil, fmt.Errorf("eval: store of anchor %s dropped (raise store_queue)", g.ID)
		}
		if i%256 == 255 {
			if err := c.Flush(ctx); err != nil {
				return nil, err
			}
		}
	}
	if err := c.Flush(ctx); err != nil {
		return nil, err
	}
	look := func(group int, part, kind, lang, text string) {
		res := c.Lookup(ctx, request(text), cache.LookupOptions{NoStore: true, Explain: true})
		c.Release(res)
		q := Query{Group: group, Kind: kind, Lang: lang, Text: text, Part: part, Held: part == ReportPart}
		if res.Status == cache.StatusHitExact {
			q.Guard = "exact"
		} else if skippedSearch(res.Reason) {
			q.Guard = res.Reason
		}
		for _, cd := range res.Candidates {
			gi, ok := byEntry[cd.EntryID]
			if !ok {
				continue
			}
			q.Candidates = append(q.Candidates, Candidate{Group: gi, Similarity: cd.Similarity, Rejected: cd.Rejected})
		}
		out.Queries = append(out.Queries, q)
	}
	for i, g := range set.Groups {
		for _, p := range g.Paraphrases {
			look(i, g.Part, KindParaphrase, g.Lang, p)
		}
		for _, n := range g.NearMisses {
			look(i, g.Part, n.Kind, g.Lang, n.Text)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	for i, u := range set.Unrelated {
		look(-1, set.unrelatedPart(i), KindUnrelated, langOf(u), u)
	}
	return out, nil
}

// skippedSearch reports whether a lookup's reason is a guard that skipped the semantic
// search (not a rejected candidate).
func skippedSearch(reason string) bool {
	return reason != "" && reason != cache.GuardNearMiss && reason != cache.GuardLowOverlap
}

func langOf(s string) string {
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			return "ko"
		}
	}
	return "en"
}

// Policy decides which candidate a query would be served.
type Policy struct {
	Threshold float64
	// NearMiss is how candidates are checked: "on" uses the cache's verdicts; "off"
	// ignores them; "-kind" recomputes them with that near-miss kind (or "lexical", the
	// lexical-support rule) disabled.
	NearMiss string
	// Fallthrough serves the next candidate above the threshold when the best one is
	// rejected (the rule before the best-candidate rule; for comparison only).
	Fallthrough bool
}

// served returns the group whose anchor q would be served under p, or -1 for a miss.
// Every anchor shares the cache, but a tuning query does not see the held-out anchors
// (its recorded candidates are read without them; when all of its top-k candidates are
// held-out anchors it counts as a miss).
func (o *Outcome) served(q *Query, p Policy) int {
	if q.Guard == "exact" {
		return q.Group
	}
	for _, c := range q.Candidates {
		if float64(c.Similarity) < p.Threshold {
			break
		}
		if !q.Held && o.Set.Groups[c.Group].Held {
			// A tuning query is scored as if the held-out anchors were not stored, so
			// nothing of the held-out set can move what is chosen on the tuning set.
			continue
		}
		rejected := false
		switch {
		case p.NearMiss == "off":
		case len(p.NearMiss) > 1 && p.NearMiss[0] == '-':
			rejected = o.recheck(q.Text, o.Set.Groups[c.Group].Anchor, c.Similarity, p.NearMiss[1:]) != ""
		default:
			rejected = c.Rejected != ""
		}
		if !rejected {
			return c.Group
		}
		if !p.Fallthrough {
			return -1 // the best candidate is the only one the cache may serve
		}
	}
	return -1
}

// recheck recomputes the cache's verdict on a candidate with one check disabled
// (a near-miss kind, or "lexical").
func (o *Outcome) recheck(query, anchor string, sim float32, without string) string {
	on := map[string]bool{}
	for _, k := range cache.NearMissKinds {
		on[k] = k != without
	}
	return cache.Verdict(cache.ExtractFeatures(query), cache.ExtractFeatures(anchor), sim, on, without != "lexical")
}

// Metrics are the rates of one policy over a set of queries.
type Metrics struct {
	Paraphrases, TrueHits, WrongHits int
	NearMisses, NearMissHits         int
	Unrelated, UnrelatedHits         int
	KindTotal, KindHits              map[string]int
	// Guarded counts queries whose semantic search a guard skipped.
	Guarded int
}

// Rates as fractions; NaN-free (0 when the denominator is 0).
func (m Metrics) TrueHitRate() float64        { return ratio(m.TrueHits, m.Paraphrases) }
func (m Metrics) WrongEntryRate() float64     { return ratio(m.WrongHits, m.Paraphrases) }
func (m Metrics) NearMissFHR() float64        { return ratio(m.NearMissHits, m.NearMisses) }
func (m Metrics) UnrelatedFHR() float64       { return ratio(m.UnrelatedHits, m.Unrelated) }
func (m Metrics) KindFHR(kind string) float64 { return ratio(m.KindHits[kind], m.KindTotal[kind]) }

// WrongServed counts every answer served for another question: wrong entries,
// near-miss hits and unrelated hits.
func (m Metrics) WrongServed() int { return m.WrongHits + m.NearMissHits + m.UnrelatedHits }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score computes the metrics of p over the queries that keep returns true for (nil: all).
func (o *Outcome) Score(p Policy, keep func(*Query) bool) Metrics {
	m := Metrics{KindTotal: map[string]int{}, KindHits: map[string]int{}}
	for i := range o.Queries {
		q := &o.Queries[i]
		if keep != nil && !keep(q) {
			continue
		}
		if q.Guard != "" && q.Guard != "exact" {
			m.Guarded++
		}
		got := o.served(q, p)
		switch q.Kind {
		case KindParaphrase:
			m.Paraphrases++
			if got == q.Group {
				m.TrueHits++
			} else if got >= 0 {
				m.WrongHits++
			}
		case KindUnrelated:
			m.Unrelated++
			if got >= 0 {
				m.UnrelatedHits++
			}
		default:
			m.NearMisses++
			m.KindTotal[q.Kind]++
			if got >= 0 {
				m.NearMissHits++
				m.KindHits[q.Kind]++
			}
		}
	}
	return m
}
