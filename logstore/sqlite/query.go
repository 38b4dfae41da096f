package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/logstore"
)

// where renders the filter as a WHERE clause (with a leading " WHERE ") and its args.
func where(f *logstore.Filter, c *logstore.Cursor) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if ms := f.FromMs(); ms != 0 {
		add("ts_ms >= ?", ms)
	}
	if ms := f.ToMs(); ms != 0 {
		add("ts_ms < ?", ms)
	}
	if f.Tenant != "" {
		add("tenant = ?", f.Tenant)
	}
	if f.Provider != "" {
		add("provider = ?", f.Provider)
	}
	if f.Model != "" {
		add("model = ?", f.Model)
	}
	if f.Status != 0 {
		add("status = ?", f.Status)
	}
	if f.ErrorType != "" {
		add("error_type = ?", f.ErrorType)
	}
	if f.CacheStatus != "" {
		add("cache_status = ?", f.CacheStatus)
	}
	if f.MinCostNano > 0 {
		add("cost_nano >= ?", f.MinCostNano)
	}
	if f.Text != "" {
		add("(instr(request_body, ?) > 0 OR instr(response_body, ?) > 0)", f.Text, f.Text)
	}
	if c != nil {
		add("(ts_ms < ? OR (ts_ms = ? AND request_id < ?))", c.TimeMs, c.TimeMs, c.RequestID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns one page of matching records, newest first.
func (s *Store) List(ctx context.Context, q logstore.ListQuery) (logstore.Page, error) {
	cur, err := q.Normalize()
	if err != nil {
		return logstore.Page{}, err
	}
	w, args := where(&q.Filter, cur)
	args = append(args, q.Limit+1)
	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM logs"+w+" ORDER BY ts_ms DESC, request_id DESC LIMIT ?", args...)
	if err != nil {
		return logstore.Page{}, fmt.Errorf("sqlite log store: list: %w", err)
	}
	recs, err := scanAll(rows)
	if err != nil {
		return logstore.Page{}, err
	}
	return logstore.FinishPage(recs, q.Limit), nil
}

// Get returns the newest record with the request id.
func (s *Store) Get(ctx context.Context, id string) (logstore.Record, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM logs WHERE request_id = ? ORDER BY ts_ms DESC LIMIT 1", id)
	if err != nil {
		return logstore.Record{}, fmt.Errorf("sqlite log store: get: %w", err)
	}
	recs, err := scanAll(rows)
	if err != nil {
		return logstore.Record{}, err
	}
	if len(recs) == 0 {
		return logstore.Record{}, logstore.ErrNotFound
	}
	return recs[0], nil
}

func scanAll(rows *sql.Rows) ([]logstore.Record, error) {
	defer rows.Close()
	var out []logstore.Record
	for rows.Next() {
		var r logstore.Record
		var dur, ttfb, saved int64
		var tags, meta, attempts string
		var sim float64
		if err := rows.Scan(&r.RequestID, &r.TimeMs, &dur, &ttfb, &r.Endpoint, &r.Tenant, &r.User, &r.Session, &tags, &meta,
			&r.Provider, &r.RequestedModel, &r.Model, &r.KeyName, &r.Status, &r.ErrorType, &r.ErrorMessage, &attempts, &r.Stream,
			&r.PromptTokens, &r.CompletionTokens, &r.CachedTokens, &r.CacheWriteTokens, &r.ReasoningTokens,
			&r.CostNanoUSD, &r.CostUnknown, &r.CacheStatus, &sim, &r.CacheEntryID, &r.SavedCostNanoUSD, &saved,
			&r.TraceID, &r.SpanID, &r.RequestBody, &r.ResponseBody, &r.RequestTruncated, &r.ResponseTruncated); err != nil {
			return nil, fmt.Errorf("sqlite log store: scan: %w", err)
		}
		r.Duration, r.TTFB, r.SavedLatency = time.Duration(dur)*time.Microsecond, time.Duration(ttfb)*time.Microsecond, time.Duration(saved)*time.Microsecond
		r.Similarity = float32(sim)
		if err := decodeJSON(tags, &r.Tags, meta, &r.Metadata, attempts, &r.Attempts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite log store: read rows: %w", err)
	}
	return out, nil
}

func decodeJSON(tags string, t *[]string, meta string, m *map[string]string, attempts string, a *[]logstore.Attempt) error {
	if tags != "[]" && tags != "" {
		if err := json.Unmarshal([]byte(tags), t); err != nil {
			return fmt.Errorf("sqlite log store: decode tags: %w", err)
		}
	}
	if meta != "{}" && meta != "" {
		if err := json.Unmarshal([]byte(meta), m); err != nil {
			return fmt.Errorf("sqlite log store: decode metadata: %w", err)
		}
	}
	if attempts != "[]" && attempts != "" {
		if err := json.Unmarshal([]byte(attempts), a); err != nil {
			return fmt.Errorf("sqlite log store: decode attempts: %w", err)
		}
	}
	return nil
}

var groupColumn = map[string]string{
	logstore.GroupNone:     "''",
	logstore.GroupModel:    "model",
	logstore.GroupProvider: "provider",
	logstore.GroupTenant:   "tenant",
}

// Stats aggregates matching records per bucket and group. Latency quantiles are computed
// exactly from the durations, with logstore.QuantileExact.
func (s *Store) Stats(ctx context.Context, q logstore.StatsQuery) ([]logstore.StatsRow, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	w, args := where(&q.Filter, nil)
	g := groupColumn[q.GroupBy]
	bms := q.BucketMs()
	sel := fmt.Sprintf(`SELECT (ts_ms / %d) * %d AS b, %s AS g, count(*), sum(status >= 400),
		sum(prompt_tokens), sum(completion_tokens), sum(cached_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
		sum(cost_nano), sum(cost_unknown),
		sum(cache_status = 'hit-exact'), sum(cache_status = 'hit-semantic'), sum(cache_status = 'miss'),
		sum(saved_cost_nano), sum(saved_latency_us)
		FROM logs%s GROUP BY b, g ORDER BY b, g`, bms, bms, g, w)
	rows, err := s.db.QueryContext(ctx, sel, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite log store: stats: %w", err)
	}
	type key struct {
		b int64
		g string
	}
	var out []logstore.StatsRow
	index := map[key]int{}
	for rows.Next() {
		var r logstore.StatsRow
		var b, saved int64
		if err := rows.Scan(&b, &r.Group, &r.Requests, &r.Errors, &r.PromptTokens, &r.CompletionTokens, &r.CachedTokens,
			&r.CacheWriteTokens, &r.ReasoningTokens, &r.CostNanoUSD, &r.CostUnknown, &r.CacheExactHits,
			&r.CacheSemanticHits, &r.CacheMisses, &r.SavedCostNanoUSD, &saved); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite log store: scan stats: %w", err)
		}
		r.BucketStart = time.UnixMilli(b).UTC()
		r.SavedLatency = time.Duration(saved) * time.Microsecond
		r.FinishRates()
		index[key{b, r.Group}] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite log store: stats rows: %w", err)
	}
	// Quantiles: durations per bucket and group, sorted by SQLite.
	lat := fmt.Sprintf("SELECT (ts_ms / %d) * %d AS b, %s AS g, duration_us FROM logs%s ORDER BY b, g, duration_us", bms, bms, g, w)
	rows, err = s.db.QueryContext(ctx, lat, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite log store: stats latency: %w", err)
	}
	defer rows.Close()
	var cur key
	var vals []int64
	flush := func() {
		if i, ok := index[cur]; ok && len(vals) > 0 {
			sort.Slice(vals, func(a, b int) bool { return vals[a] < vals[b] })
			out[i].LatencyP50 = time.Duration(logstore.QuantileExact(vals, logstore.Quantiles[0])) * time.Microsecond
			out[i].LatencyP90 = time.Duration(logstore.QuantileExact(vals, logstore.Quantiles[1])) * time.Microsecond
			out[i].LatencyP99 = time.Duration(logstore.QuantileExact(vals, logstore.Quantiles[2])) * time.Microsecond
		}
		vals = vals[:0]
	}
	for rows.Next() {
		var k key
		var d int64
		if err := rows.Scan(&k.b, &k.g, &d); err != nil {
			return nil, fmt.Errorf("sqlite log store: scan latency: %w", err)
		}
		if k != cur {
			flush()
			cur = k
		}
		vals = append(vals, d)
	}
	flush()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite log store: latency rows: %w", err)
	}
	if out == nil {
		out = []logstore.StatsRow{}
	}
	return out, nil
}
