package cacheeval

import (
	"fmt"
	"io"
	"strings"

	"github.com/muninn-gw/muninn/cache"
)

// Targets are the acceptance limits at the default configuration.
type Targets struct {
	MaxNearMissFHR  float64 // 0.05
	MaxUnrelatedFHR float64 // 0
	MaxWrongEntry   float64 // 0
}

// DefaultTargets are Muninn's published targets.
var DefaultTargets = Targets{MaxNearMissFHR: 0.05}

// TuningTargets are what the threshold is chosen under on the tuning half: the near-miss
// limit is 80% of the published one, a margin for the report half's prompts being new.
var TuningTargets = Targets{MaxNearMissFHR: 0.04}

// Half selects the queries of one half of the split ("tune", "report") or all ("").
func (o *Outcome) Half(name string) func(*Query) bool {
	if name == "" {
		return nil
	}
	want := 0
	if name == "report" {
		want = 1
	}
	return func(q *Query) bool {
		if q.Group < 0 {
			return half(q.Text) == want
		}
		return half(o.Set.Groups[q.Group].ID) == want
	}
}

func and(a, b func(*Query) bool) func(*Query) bool {
	if a == nil {
		return b
	}
	return func(q *Query) bool { return a(q) && b(q) }
}

func lang(l string) func(*Query) bool { return func(q *Query) bool { return q.Lang == l } }

// Meets reports whether m satisfies t; non-English queries must never be served a wrong
// answer, which the caller checks with nonEnglish.
func (t Targets) Meets(m, nonEnglish Metrics) bool {
	return m.NearMissFHR() <= t.MaxNearMissFHR && m.UnrelatedFHR() <= t.MaxUnrelatedFHR &&
		m.WrongEntryRate() <= t.MaxWrongEntry && nonEnglish.WrongServed() == 0
}

// Choose returns the threshold with the highest true-hit rate on the tuning half that
// meets the targets (ties go to the higher, safer threshold), and false when none does.
func (o *Outcome) Choose(thresholds []float64, t Targets) (float64, bool) {
	tune := o.Half("tune")
	best, bestRate, found := 0.0, -1.0, false
	for _, th := range thresholds {
		p := Policy{Threshold: th}
		m := o.Score(p, tune)
		nonEn := o.Score(p, and(tune, func(q *Query) bool { return q.Lang != "en" }))
		if !t.Meets(m, nonEn) {
			continue
		}
		if r := m.TrueHitRate(); r > bestRate || (r == bestRate && th > best) {
			best, bestRate, found = th, r, true
		}
	}
	return best, found
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// WriteThresholdTable writes one row per threshold: true-hit, wrong-entry, near-miss
// and unrelated false-hit rates, and the near-miss false-hit rate per kind.
func (o *Outcome) WriteThresholdTable(w io.Writer, thresholds []float64, keep func(*Query) bool, mark float64) {
	kinds := o.kinds(keep)
	fmt.Fprintf(w, "| threshold | true hits | wrong entry | near-miss false hits | unrelated false hits |")
	for _, k := range kinds {
		fmt.Fprintf(w, " %s |", k)
	}
	fmt.Fprintf(w, "\n|---:|---:|---:|---:|---:|%s\n", strings.Repeat("---:|", len(kinds)))
	for _, th := range thresholds {
		m := o.Score(Policy{Threshold: th}, keep)
		label := fmt.Sprintf("%.2f", th)
		if th == mark {
			label = "**" + label + "**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |", label, pct(m.TrueHitRate()), pct(m.WrongEntryRate()),
			pct(m.NearMissFHR()), pct(m.UnrelatedFHR()))
		for _, k := range kinds {
			fmt.Fprintf(w, " %s |", pct(m.KindFHR(k)))
		}
		fmt.Fprintln(w)
	}
}

func (o *Outcome) kinds(keep func(*Query) bool) []string {
	seen := map[string]bool{}
	for i := range o.Queries {
		q := &o.Queries[i]
		if keep == nil || keep(q) {
			seen[q.Kind] = true
		}
	}
	var out []string
	for _, k := range cache.NearMissKinds {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// WriteBreakdown writes, at one threshold, the rates per language and per topic file.
func (o *Outcome) WriteBreakdown(w io.Writer, th float64, keep func(*Query) bool) {
	fmt.Fprintln(w, "| slice | paraphrases | true hits | wrong entry | near-misses | near-miss false hits | unrelated | unrelated false hits | guarded |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	row := func(name string, f func(*Query) bool) {
		m := o.Score(Policy{Threshold: th}, and(keep, f))
		fmt.Fprintf(w, "| %s | %d | %s | %s | %d | %s | %d | %s | %d |\n", name, m.Paraphrases,
			pct(m.TrueHitRate()), pct(m.WrongEntryRate()), m.NearMisses, pct(m.NearMissFHR()),
			m.Unrelated, pct(m.UnrelatedFHR()), m.Guarded)
	}
	row("all", func(*Query) bool { return true })
	for _, l := range []string{"en", "ko"} {
		row("lang "+l, lang(l))
	}
	var topics []string
	seen := map[string]bool{}
	for _, g := range o.Set.Groups {
		t, _, _ := strings.Cut(g.ID, ":")
		if !seen[t] {
			seen[t] = true
			topics = append(topics, t)
		}
	}
	for _, t := range topics {
		row("topic "+t, func(q *Query) bool {
			return q.Group >= 0 && strings.HasPrefix(o.Set.Groups[q.Group].ID, t+":")
		})
	}
}

// WriteAblation writes, at one threshold, what each near-miss check contributes: the
// rates with all checks, with none, and with each kind switched off alone.
func (o *Outcome) WriteAblation(w io.Writer, th float64, keep func(*Query) bool) {
	fmt.Fprintln(w, "| near-miss check | true hits | wrong entry | near-miss false hits | unrelated false hits |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	row := func(name, mode string) {
		m := o.Score(Policy{Threshold: th, NearMiss: mode}, keep)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", name, pct(m.TrueHitRate()), pct(m.WrongEntryRate()),
			pct(m.NearMissFHR()), pct(m.UnrelatedFHR()))
	}
	row("all kinds (default)", "on")
	row("off", "off")
	for _, k := range cache.NearMissKinds {
		row("without "+k, "-"+k)
	}
}

// WriteFailures lists, at one threshold, the near-misses and unrelated prompts that were
// served an answer and the paraphrases that were not served their anchor.
func (o *Outcome) WriteFailures(w io.Writer, th float64, keep func(*Query) bool) {
	for i := range o.Queries {
		q := &o.Queries[i]
		if keep != nil && !keep(q) {
			continue
		}
		got := o.served(q, Policy{Threshold: th})
		var best Candidate
		if len(q.Candidates) > 0 {
			best = q.Candidates[0]
		}
		anchor := func(g int) string {
			if g < 0 {
				return "-"
			}
			return o.Set.Groups[g].Anchor
		}
		switch {
		case q.Kind == KindParaphrase && got != q.Group:
			own := Candidate{Group: -1}
			for _, c := range q.Candidates {
				if c.Group == q.Group {
					own = c
				}
			}
			fmt.Fprintf(w, "MISS   %.3f rej=%-9s guard=%s\n       q: %s\n       a: %s\n", own.Similarity, own.Rejected, q.Guard, q.Text, anchor(q.Group))
			if got >= 0 {
				fmt.Fprintf(w, "       WRONG ENTRY: %s\n", anchor(got))
			}
		case q.Kind != KindParaphrase && got >= 0:
			fmt.Fprintf(w, "FALSE  %-9s %.3f\n       q: %s\n       a: %s\n", q.Kind, best.Similarity, q.Text, anchor(got))
		}
	}
}
