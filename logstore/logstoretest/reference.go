package logstoretest

import (
	"sort"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/logstore"
)

// Match reports whether r passes the filter, as every backend must decide it.
func Match(f *logstore.Filter, r *logstore.Record) bool {
	switch {
	case !f.From.IsZero() && r.TimeMs < f.From.UnixMilli(),
		!f.To.IsZero() && r.TimeMs >= f.To.UnixMilli(),
		f.Tenant != "" && r.Tenant != f.Tenant,
		f.Provider != "" && r.Provider != f.Provider,
		f.Model != "" && r.Model != f.Model,
		f.Status != 0 && r.Status != f.Status,
		f.ErrorType != "" && r.ErrorType != f.ErrorType,
		f.CacheStatus != "" && r.CacheStatus != f.CacheStatus,
		f.MinCostNano > 0 && r.CostNanoUSD < f.MinCostNano,
		f.Text != "" && !strings.Contains(r.RequestBody, f.Text) && !strings.Contains(r.ResponseBody, f.Text):
		return false
	}
	return true
}

// less orders records newest first, then by request id descending (the page order).
func less(a, b *logstore.Record) bool {
	if a.TimeMs != b.TimeMs {
		return a.TimeMs > b.TimeMs
	}
	return a.RequestID > b.RequestID
}

// List is the reference answer of Reader.List over recs (deduplicated by identity).
func List(recs []logstore.Record, q logstore.ListQuery) (logstore.Page, error) {
	cur, err := q.Normalize()
	if err != nil {
		return logstore.Page{}, err
	}
	var out []logstore.Record
	for i := range recs {
		r := &recs[i]
		if !Match(&q.Filter, r) {
			continue
		}
		if cur != nil && !(r.TimeMs < cur.TimeMs || (r.TimeMs == cur.TimeMs && r.RequestID < cur.RequestID)) {
			continue
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return less(&out[i], &out[j]) })
	if len(out) > q.Limit+1 {
		out = out[:q.Limit+1]
	}
	return logstore.FinishPage(out, q.Limit), nil
}

// Get is the reference answer of Reader.Get.
func Get(recs []logstore.Record, id string) (logstore.Record, error) {
	var best *logstore.Record
	for i := range recs {
		if recs[i].RequestID == id && (best == nil || recs[i].TimeMs > best.TimeMs) {
			best = &recs[i]
		}
	}
	if best == nil {
		return logstore.Record{}, logstore.ErrNotFound
	}
	return *best, nil
}

// Stats is the reference answer of Reader.Stats.
func Stats(recs []logstore.Record, q logstore.StatsQuery) ([]logstore.StatsRow, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	type key struct {
		b int64
		g string
	}
	rows := map[key]*logstore.StatsRow{}
	lat := map[key][]int64{}
	bms := q.BucketMs()
	for i := range recs {
		r := &recs[i]
		if !Match(&q.Filter, r) {
			continue
		}
		k := key{b: r.TimeMs / bms * bms}
		switch q.GroupBy {
		case logstore.GroupModel:
			k.g = r.Model
		case logstore.GroupProvider:
			k.g = r.Provider
		case logstore.GroupTenant:
			k.g = r.Tenant
		}
		s := rows[k]
		if s == nil {
			s = &logstore.StatsRow{BucketStart: time.UnixMilli(k.b).UTC(), Group: k.g}
			rows[k] = s
		}
		s.Requests++
		if r.Status >= 400 {
			s.Errors++
		}
		s.PromptTokens += r.PromptTokens
		s.CompletionTokens += r.CompletionTokens
		s.CachedTokens += r.CachedTokens
		s.CacheWriteTokens += r.CacheWriteTokens
		s.ReasoningTokens += r.ReasoningTokens
		s.CostNanoUSD += r.CostNanoUSD
		if r.CostUnknown {
			s.CostUnknown++
		}
		switch r.CacheStatus {
		case logstore.CacheHitExact:
			s.CacheExactHits++
		case logstore.CacheHitSemantic:
			s.CacheSemanticHits++
		case logstore.CacheMiss:
			s.CacheMisses++
		}
		s.SavedCostNanoUSD += r.SavedCostNanoUSD
		s.SavedLatency += r.SavedLatency.Truncate(time.Microsecond)
		lat[k] = append(lat[k], r.Duration.Microseconds())
	}
	out := make([]logstore.StatsRow, 0, len(rows))
	for k, s := range rows {
		v := lat[k]
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		s.LatencyP50 = time.Duration(logstore.QuantileExact(v, logstore.Quantiles[0])) * time.Microsecond
		s.LatencyP90 = time.Duration(logstore.QuantileExact(v, logstore.Quantiles[1])) * time.Microsecond
		s.LatencyP99 = time.Duration(logstore.QuantileExact(v, logstore.Quantiles[2])) * time.Microsecond
		s.FinishRates()
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].BucketStart.Equal(out[j].BucketStart) {
			return out[i].BucketStart.Before(out[j].BucketStart)
		}
		return out[i].Group < out[j].Group
	})
	return out, nil
}
