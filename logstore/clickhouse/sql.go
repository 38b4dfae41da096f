package clickhouse

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/muninn-gw/muninn/logstore"
)

// selectColumns is the column list read back into a Record, in scan order.
const selectColumns = `request_id, ts_ms, duration_us, ttfb_us, endpoint, tenant, user, session, tags, metadata,
	provider, requested_model, model, key_name, status, error_type, error_message, attempts, stream,
	prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
	cost_nano, cost_unknown, cache_status, similarity, cache_entry_id, saved_cost_nano, saved_latency_us,
	trace_id, span_id, request_body, response_body, request_truncated, response_truncated`

// insertSQL is the batch insert statement.
func insertSQL(db string) string {
	return fmt.Sprintf("INSERT INTO %s.%s (%s)", ident(db), TableLogs, selectColumns)
}

// whereSQL renders the filter (and cursor) as a WHERE clause, "" when empty.
func whereSQL(f *logstore.Filter, c *logstore.Cursor) string {
	var conds []string
	add := func(format string, a ...any) { conds = append(conds, fmt.Sprintf(format, a...)) }
	if ms := f.FromMs(); ms != 0 {
		add("ts >= toDateTime(%d, 'UTC') AND ts_ms >= %d", ms/1000, ms)
	}
	if ms := f.ToMs(); ms != 0 {
		add("ts <= toDateTime(%d, 'UTC') AND ts_ms < %d", ms/1000, ms)
	}
	for _, eq := range []struct{ col, v string }{
		{"tenant", f.Tenant}, {"provider", f.Provider}, {"model", f.Model},
		{"error_type", f.ErrorType}, {"cache_status", f.CacheStatus},
	} {
		if eq.v != "" {
			add("%s = %s", eq.col, quote(eq.v))
		}
	}
	if f.Status != 0 {
		add("status = %d", f.Status)
	}
	if f.MinCostNano > 0 {
		add("cost_nano >= %d", f.MinCostNano)
	}
	if f.Text != "" {
		add("(position(request_body, %s) > 0 OR position(response_body, %s) > 0)", quote(f.Text), quote(f.Text))
	}
	if c != nil {
		add("(ts_ms < %d OR (ts_ms = %d AND request_id < %s))", c.TimeMs, c.TimeMs, quote(c.RequestID))
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// ListSQL returns the query of one page (limit+1 rows, to know whether a next page exists).
func ListSQL(db string, q *logstore.ListQuery, c *logstore.Cursor) string {
	return fmt.Sprintf("SELECT %s FROM %s.%s%s ORDER BY ts_ms DESC, request_id DESC LIMIT %d",
		selectColumns, ident(db), TableLogs, whereSQL(&q.Filter, c), q.Limit+1)
}

// GetSQL returns the query of one record by request id.
func GetSQL(db, id string) string {
	return fmt.Sprintf("SELECT %s FROM %s.%s WHERE request_id = %s ORDER BY ts_ms DESC LIMIT 1",
		selectColumns, ident(db), TableLogs, quote(id))
}

var groupColumn = map[string]string{
	logstore.GroupNone:     "''",
	logstore.GroupModel:    "model",
	logstore.GroupProvider: "provider",
	logstore.GroupTenant:   "tenant",
}

// StatsSQL returns the aggregate query of a normalized StatsQuery. Columns: bucket start
// (ms), group, then the StatsRow counters in order, then the latency quantiles (µs).
func StatsSQL(db string, q *logstore.StatsQuery) string {
	b := q.BucketMs()
	return fmt.Sprintf(`SELECT
	intDiv(ts_ms, %d) * %d AS b,
	toString(%s) AS g,
	toInt64(count()) AS requests,
	toInt64(countIf(status >= 400)) AS errors,
	sum(prompt_tokens), sum(completion_tokens), sum(cached_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
	sum(cost_nano),
	toInt64(countIf(cost_unknown = 1)),
	toInt64(countIf(cache_status = 'hit-exact')),
	toInt64(countIf(cache_status = 'hit-semantic')),
	toInt64(countIf(cache_status = 'miss')),
	sum(saved_cost_nano),
	sum(saved_latency_us),
	quantilesExact(%s)(duration_us)
FROM %s.%s%s
GROUP BY b, g
ORDER BY b, g`, b, b, groupColumn[q.GroupBy], quantileList(), ident(db), TableLogs, whereSQL(&q.Filter, nil))
}

func quantileList() string {
	s := make([]string, len(logstore.Quantiles))
	for i, q := range logstore.Quantiles {
		s[i] = strconv.FormatFloat(q, 'f', -1, 64)
	}
	return strings.Join(s, ", ")
}

// existingSQL returns the query of which of ids (within [minMs, maxMs]) are stored.
func existingSQL(db string, ids []string, minMs, maxMs int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(id))
	}
	return fmt.Sprintf("SELECT request_id, ts_ms FROM %s.%s WHERE ts >= toDateTime(%d, 'UTC') AND ts <= toDateTime(%d, 'UTC') AND ts_ms >= %d AND ts_ms <= %d AND has([%s], request_id)",
		ident(db), TableLogs, minMs/1000, maxMs/1000, minMs, maxMs, b.String())
}

// DashboardQueries are the rollup queries documented in README.md for Grafana panels, by
// name. $from and $to are Unix seconds (Grafana's $__from/1000 style).
func DashboardQueries(db string) map[string]string {
	h := ident(db) + "." + TableHourly
	l := ident(db) + "." + TableLogs
	rng := "hour >= toDateTime($from, 'UTC') AND hour < toDateTime($to, 'UTC')"
	return map[string]string{
		"cost_by_model": fmt.Sprintf(`SELECT hour, model, sum(cost_nano) / 1e9 AS cost_usd, sum(requests) AS requests
FROM %s WHERE %s GROUP BY hour, model ORDER BY hour, model`, h, rng),
		"cost_by_tenant": fmt.Sprintf(`SELECT hour, tenant, sum(cost_nano) / 1e9 AS cost_usd, sum(saved_cost_nano) / 1e9 AS saved_usd
FROM %s WHERE %s GROUP BY hour, tenant ORDER BY hour, tenant`, h, rng),
		"cache_hit_rate": fmt.Sprintf(`SELECT hour,
	sumIf(requests, cache_status = 'hit-exact') / greatest(sumIf(requests, cache_status IN ('hit-exact', 'hit-semantic', 'miss')), 1) AS exact_hit_rate,
	sumIf(requests, cache_status = 'hit-semantic') / greatest(sumIf(requests, cache_status IN ('hit-exact', 'hit-semantic', 'miss')), 1) AS semantic_hit_rate,
	sum(saved_cost_nano) / 1e9 AS saved_usd, sum(saved_latency_us) / 1e6 AS saved_seconds
FROM %s WHERE %s GROUP BY hour ORDER BY hour`, h, rng),
		"latency_by_provider": fmt.Sprintf(`SELECT hour, provider, quantilesMerge(0.5, 0.9, 0.99)(duration_us_quantiles) AS p50_p90_p99_us,
	sum(duration_us_sum) / sum(requests) AS avg_us
FROM %s WHERE %s GROUP BY hour, provider ORDER BY hour, provider`, h, rng),
		"errors_by_provider": fmt.Sprintf(`SELECT hour, provider, sum(errors) AS error_count, sum(errors) / sum(requests) AS error_rate
FROM %s WHERE %s GROUP BY hour, provider ORDER BY hour, provider`, h, rng),
		"tokens_by_model": fmt.Sprintf(`SELECT hour, model, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion,
	sum(cached_tokens) AS cached_read, sum(cache_write_tokens) AS cache_write, sum(reasoning_tokens) AS reasoning
FROM %s WHERE %s GROUP BY hour, model ORDER BY hour, model`, h, rng),
		"top_error_types": fmt.Sprintf(`SELECT error_type, count() AS n FROM %s
WHERE ts >= toDateTime($from, 'UTC') AND ts < toDateTime($to, 'UTC') AND error_type != ''
GROUP BY error_type ORDER BY n DESC LIMIT 20`, l),
	}
}
