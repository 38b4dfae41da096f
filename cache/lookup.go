package cache

import (
	"context"
	"time"
	"unicode/utf8"
)

// LookupOptions are per-request controls.
type LookupOptions struct {
	// Refresh skips reading (the request goes upstream) but its response may be stored.
	Refresh bool
	// NoStore means the response will not be stored: the request does not lead a
	// stampede flight others would wait on.
	NoStore bool
	// Threshold, when above the configured one, tightens it for this request. A lower
	// value is ignored: a request can never loosen the threshold.
	Threshold float64
	// Explain records every semantic candidate in Result.Candidates (evaluation).
	Explain bool
}

// Result is the outcome of a Lookup. A miss must be finished with Store or Release; a hit
// needs neither (Release is a no-op on it).
type Result struct {
	Status string // StatusHitExact, StatusHitSemantic or StatusMiss
	// Reason says why semantic matching was skipped (a Guard* name), why the best
	// candidate was rejected (GuardNearMiss, with NearMissKind, or GuardLowOverlap), or
	// "refresh"; "" otherwise.
	Reason       string
	NearMissKind string
	Entry        *Entry  // the entry served, on a hit
	Similarity   float32 // of a semantic hit
	Threshold    float64 // the threshold applied
	Keys         Keys
	// Collapsed is true when the hit came from waiting on an identical request in flight.
	Collapsed bool

	LookupDuration, EmbedDuration time.Duration
	Candidates                    []Candidate

	tenant, model string
	semantic      bool      // the prompt may be indexed for semantic matching
	vector        []float32 // the prompt's embedding, reused by Store
	flight        *flight
	finished      bool
}

// Candidate is one semantic search match, for evaluation and debugging.
type Candidate struct {
	EntryID    string
	Similarity float32
	// Rejected is the near-miss kind that rejects it, "" when it would be served.
	Rejected string
}

// Hit reports whether the result serves an entry.
func (r *Result) Hit() bool { return r.Entry != nil }

// Lookup looks req up: exact tier, then (after waiting for an identical request in
// flight, if any) the semantic tier unless a guard skips it.
func (c *Cache) Lookup(ctx context.Context, req *Request, o LookupOptions) *Result {
	start := c.now()    // the cache clock: expiry
	began := time.Now() // the real clock: durations
	res := &Result{Status: StatusMiss, tenant: req.Tenant, model: req.Model}
	res.Keys = ComputeKeys(req, c.embModel, c.cfg.ShareAcrossTenants)
	c.ctr.lookups.Add(1)
	defer func() {
		res.LookupDuration = time.Since(began)
		switch res.Status {
		case StatusHitExact:
			c.ctr.hitsExact.Add(1)
		case StatusHitSemantic:
			c.ctr.hitsSemantic.Add(1)
		default:
			c.ctr.misses.Add(1)
		}
		if e := res.Entry; e != nil {
			// A hit needs no Store: land any flight it leads now.
			c.fl.land(res.Keys.Exact, res.flight)
			res.finished = true
			e.lastHit.Store(start.UnixNano())
			c.ctr.savedPrompt.Add(int64(e.PromptTokens))
			c.ctr.savedCompletion.Add(int64(e.CompletionTokens))
			c.ctr.savedLatencyMs.Add(e.Latency.Milliseconds())
		}
	}()

	g, guarded := "", false
	if o.Refresh {
		res.Reason = "refresh"
	} else {
		if e := c.idx.get(res.Keys.Exact); e != nil && !e.expired(start) {
			res.Status, res.Entry = StatusHitExact, e
			return res
		}
		if c.shared {
			// Another replica may have stored it: its point ID is the exact key.
			if g, guarded = c.guard(req, &res.Keys), true; g == "" {
				if e := c.remoteExact(ctx, &res.Keys, start); e != nil {
					res.Status, res.Entry = StatusHitExact, c.adopt(e, start)
					return res
				}
			}
		}
		if c.cfg.FlightWait > 0 && !o.NoStore {
			f, lead := c.fl.join(res.Keys.Exact, start, c.cfg.FlightWait)
			if lead {
				res.flight = f
			} else if f.wait(ctx, c.cfg.FlightWait) {
				if e := c.idx.get(res.Keys.Exact); e != nil && !e.expired(c.now()) {
					c.ctr.collapsed.Add(1)
					res.Status, res.Entry, res.Collapsed = StatusHitExact, e, true
					return res
				}
			} else {
				c.ctr.flightTimeout.Add(1)
			}
		}
	}

	if c.store == nil {
		return res
	}
	if !guarded {
		g = c.guard(req, &res.Keys)
	}
	if g != "" {
		if res.Reason == "" {
			res.Reason = g
		}
		c.ctr.guard(g)
		return res
	}
	res.semantic = true
	if o.Refresh {
		return res // the store worker embeds the prompt
	}
	res.Threshold = c.threshold(req.Model, o.Threshold)
	if !c.shared && c.idx.scopeSize(res.Keys.Scope) == 0 {
		// Nothing to match in this scope (a new conversation, system prompt or tenant):
		// no need to embed on the request path; the store worker embeds if it is stored.
		// A shared store may hold other replicas' entries in it: always search there.
		return res
	}
	select {
	case c.embedSlots <- struct{}{}:
	default:
		if !o.Explain {
			res.Reason = GuardEmbedBusy
			c.ctr.guard(GuardEmbedBusy)
			return res // the store worker embeds the prompt later
		}
		c.embedSlots <- struct{}{}
	}
	c.semanticLookup(ctx, res, o.Explain)
	<-c.embedSlots
	return res
}

func (c *Cache) threshold(model string, req float64) float64 {
	t := c.cfg.Threshold
	if mt, ok := c.cfg.ModelThresholds[model]; ok {
		t = mt
	}
	if req > t && req <= 1 {
		t = req
	}
	return t
}

// guard returns the name of the first guard that rules out semantic matching.
func (c *Cache) guard(req *Request, k *Keys) string {
	g := &c.cfg.Guards
	switch {
	case req.N > 1 && !g.AllowMultipleChoices:
		return GuardN
	case req.Temperature != nil && *req.Temperature > 0 && !g.AllowTemperature:
		return GuardTemperature
	case !k.LastIsUser:
		return GuardNotUser
	}
	if !g.AllowTools {
		for i := range req.Messages {
			if req.Messages[i].Tool || req.Messages[i].Role == "tool" || req.Messages[i].Role == "function" {
				return GuardTools
			}
		}
	}
	if req.Messages[len(req.Messages)-1].NonText {
		return GuardNonText
	}
	if isBlank(k.Prompt) {
		return GuardEmpty
	}
	if utf8.RuneCountInString(k.Prompt) > g.MaxPromptChars && !g.AllowTruncated {
		return GuardTruncated
	}
	if c.cov != nil {
		cv := c.cov.Coverage(k.Prompt)
		if cv.Truncated && !g.AllowTruncated {
			return GuardTruncated
		}
		if !cv.Supported && !g.AllowUncovered {
			return GuardUncovered
		}
	}
	return ""
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
	}
	return true
}

func (c *Cache) semanticLookup(ctx context.Context, res *Result, explain bool) {
	t0 := time.Now()
	vecs, err := c.emb.Embed(ctx, []string{res.Keys.Prompt})
	res.EmbedDuration = time.Since(t0)
	c.ctr.embedsRequest.Add(1)
	if err != nil || len(vecs) != 1 {
		c.ctr.embedErrors.Add(1)
		c.log.Warn("cache: embed prompt", "err", err)
		res.semantic = false
		return
	}
	res.vector = vecs[0]
	matches, err := c.store.Search(ctx, c.Namespace(res.Keys.Scope), res.vector, c.cfg.TopK, nil)
	if err != nil {
		c.ctr.searchErrors.Add(1)
		c.log.Warn("cache: vector search", "err", err)
		return
	}
	now := c.now()
	var qf *Features
	best := true // the first live candidate is the only one that may be served
	for _, m := range matches {
		if !explain && (float64(m.Score) < res.Threshold || !best) {
			break
		}
		e := c.idx.get(m.ID)
		remote := false
		if c.shared && (e == nil || e.expired(now)) {
			// Stored by another replica (or refreshed there): rebuild it from the payload.
			if re, err := entryFromPoint(m.ID, res.Keys.Scope, m.Payload, m.ExpiresAt); err == nil {
				e, remote = re, true
			}
		}
		if e == nil || e.expired(now) || e.Scope != res.Keys.Scope {
			continue // stale vector: its entry was evicted, deleted or replaced
		}
		kind := ""
		if !c.cfg.Guards.DisableNearMiss || !c.cfg.Guards.DisableLexical {
			if qf == nil {
				qf = ExtractFeatures(res.Keys.Prompt)
			}
			enabled := c.nearOff
			if c.cfg.Guards.DisableNearMiss {
				enabled = noKinds
			}
			kind = Verdict(qf, e.features(), m.Score, enabled, !c.cfg.Guards.DisableLexical)
		}
		if explain {
			res.Candidates = append(res.Candidates, Candidate{EntryID: e.ID, Similarity: m.Score, Rejected: kind})
		}
		if float64(m.Score) < res.Threshold || !best {
			continue
		}
		best = false
		if kind == GuardLowOverlap {
			res.Reason = GuardLowOverlap
			c.ctr.guard(GuardLowOverlap)
			continue
		}
		if kind != "" {
			res.Reason, res.NearMissKind = GuardNearMiss, kind
			c.ctr.guard(GuardNearMiss)
			c.ctr.nearMiss[kind].Add(1)
			continue
		}
		if remote {
			e = c.adopt(e, now)
		}
		res.Status, res.Entry, res.Similarity = StatusHitSemantic, e, m.Score
		res.Reason, res.NearMissKind = "", ""
	}
}

// noKinds disables every near-miss kind.
var noKinds = map[string]bool{}
