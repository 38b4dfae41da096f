package cacheeval

import (
	"encoding/json"
	"fmt"
	"os"
)

type savedOutcomes struct {
	Main    *Outcome `json:"main"`
	Ablated *Outcome `json:"coverage_off,omitempty"`
}

func saveOutcomes(path string, o, ablated *Outcome) error {
	b, err := json.Marshal(savedOutcomes{Main: o, Ablated: ablated})
	if err != nil {
		return fmt.Errorf("save outcome: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("save outcome: %w", err)
	}
	return nil
}

// loadOutcomes reads a saved outcome and recomputes every near-miss verdict with the
// current check, so changes to the check can be scored without embedding again.
func loadOutcomes(path string) (o, ablated *Outcome, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load outcome: %w", err)
	}
	var s savedOutcomes
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, nil, fmt.Errorf("load outcome %s: %w", path, err)
	}
	if s.Main == nil || s.Main.Set == nil {
		return nil, nil, fmt.Errorf("load outcome %s: no outcome in file", path)
	}
	for _, x := range []*Outcome{s.Main, s.Ablated} {
		if x == nil {
			continue
		}
		for i := range x.Set.Groups {
			g := &x.Set.Groups[i]
			g.Held = g.Part == ReportPart // the set may have been split otherwise when saved
		}
		for i := range x.Queries {
			q := &x.Queries[i]
			q.Held = q.Part == ReportPart
			if q.Guard != "exact" && !skippedSearch(q.Guard) {
				q.Guard = "" // a rejected candidate, recorded as a guard by older versions
			}
			for j := range q.Candidates {
				c := &q.Candidates[j]
				c.Rejected = x.recheck(q.Text, x.Set.Groups[c.Group].Anchor, c.Similarity, "")
			}
		}
	}
	return s.Main, s.Ablated, nil
}
