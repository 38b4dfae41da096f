package main

import "strings"

// Boards returns every dashboard.
func Boards() []Board { return []Board{costBoard(), cacheBoard(), trafficBoard(), pipelineBoard()} }

// ClickHouse template variables and the filter every ClickHouse panel applies.
var chVars = []Var{
	{Name: "tenant", Label: "Tenant", Query: "SELECT DISTINCT tenant FROM muninn.logs_hourly ORDER BY tenant"},
	{Name: "provider", Label: "Provider", Query: "SELECT DISTINCT provider FROM muninn.logs_hourly ORDER BY provider"},
	{Name: "model", Label: "Model", Query: "SELECT DISTINCT model FROM muninn.logs_hourly ORDER BY model"},
}

const chFilter = "$__conditionalAll(tenant IN (${tenant:singlequote}), $tenant)" +
	" AND $__conditionalAll(provider IN (${provider:singlequote}), $provider)" +
	" AND $__conditionalAll(model IN (${model:singlequote}), $model)"

// hourly is a query over the hourly rollup, with the time and variable filters.
func hourly(sel, groupOrder string) string {
	return "SELECT " + sel + "\nFROM muninn.logs_hourly\nWHERE $__timeFilter(hour) AND " + chFilter + groupOrder
}

// bucket is the rollup's time bucket: the panel interval, never finer than an hour.
const bucket = "toDateTime(intDiv(toUInt32(hour), greatest($__interval_s, 3600)) * greatest($__interval_s, 3600)) AS time"

// logs is a query over the raw log rows, with the time and variable filters. Rows of one
// request may exist twice until ClickHouse merges a replayed batch; callers dedupe with
// LIMIT 1 BY request_id or aggregate with uniqExact(request_id).
func logs(sel, where, rest string) string {
	q := "SELECT " + sel + "\nFROM muninn.logs\nWHERE $__timeFilter(ts) AND " + chFilter
	if where != "" {
		q += " AND " + where
	}
	return q + rest
}

// Prometheus template variables.
var promVars = []Var{
	{Name: "provider", Label: "Provider", Prom: true, Query: "label_values(muninn_requests_total, provider)"},
	{Name: "model", Label: "Model", Prom: true, Query: "label_values(muninn_requests_total, model)"},
}

const pf = `provider=~"$provider", model=~"$model"`

func quantiles(metric, by, sel string) []PromQuery {
	var qs []PromQuery
	for _, q := range []string{"0.5", "0.95", "0.99"} {
		qs = append(qs, PromQuery{
			Expr:   "histogram_quantile(" + q + ", sum by (le" + by + ") (rate(" + metric + "_bucket{" + sel + "}[$__rate_interval])))",
			Legend: "p" + strings.TrimPrefix(strings.TrimPrefix(q, "0."), "0") + legendBy(by),
		})
	}
	return qs
}

func legendBy(by string) string {
	if by == "" {
		return ""
	}
	return " {{" + strings.TrimPrefix(by, ", ") + "}}"
}

func costBoard() Board {
	return Board{
		File: "cost.json", UID: "muninn-cost", Title: "Muninn / Cost", Tags: []string{"muninn"},
		Description: "Provider spend from the request logs (ClickHouse), in USD computed from integer nano-USD.",
		Vars:        chVars,
		Panels: []Panel{
			{Title: "Spend", Type: "stat", Unit: "currencyUSD", W: 6, H: 5,
				SQL: []SQLQuery{{SQL: hourly("sum(cost_nano) / 1e9 AS spend", ""), Table: true}}},
			{Title: "Cost per 1k requests", Type: "stat", Unit: "currencyUSD", W: 6, H: 5,
				SQL: []SQLQuery{{SQL: hourly("sum(cost_nano) / 1e9 / greatest(sum(requests), 1) * 1000 AS cost_per_1k", ""), Table: true}}},
			{Title: "Saved by the cache", Type: "stat", Unit: "currencyUSD", W: 6, H: 5,
				SQL: []SQLQuery{{SQL: hourly("sum(saved_cost_nano) / 1e9 AS saved", ""), Table: true}}},
			{Title: "Requests with unknown price", Type: "stat", Unit: "short", W: 6, H: 5,
				Description: "Requests to models without a price in the catalog or overrides: their cost is unknown, not zero.",
				SQL:         []SQLQuery{{SQL: hourly("sum(cost_unknown) AS unknown_price", ""), Table: true}}},
			{Title: "Spend by model", Unit: "currencyUSD", Stack: true,
				SQL: []SQLQuery{{SQL: hourly(bucket+", model, sum(cost_nano) / 1e9 AS spend", "\nGROUP BY time, model\nORDER BY time")}}},
			{Title: "Spend by provider", Unit: "currencyUSD", Stack: true,
				SQL: []SQLQuery{{SQL: hourly(bucket+", provider, sum(cost_nano) / 1e9 AS spend", "\nGROUP BY time, provider\nORDER BY time")}}},
			{Title: "Spend by tenant", Unit: "currencyUSD", Stack: true,
				SQL: []SQLQuery{{SQL: hourly(bucket+", tenant, sum(cost_nano) / 1e9 AS spend", "\nGROUP BY time, tenant\nORDER BY time")}}},
			{Title: "Cost per 1k requests by model", Unit: "currencyUSD",
				SQL: []SQLQuery{{SQL: hourly(bucket+", model, sum(cost_nano) / 1e9 / greatest(sum(requests), 1) * 1000 AS cost_per_1k", "\nGROUP BY time, model\nORDER BY time")}}},
			{Title: "Top costly requests", Type: "table", Unit: "currencyUSD", W: 24, H: 9,
				SQL: []SQLQuery{{Table: true, SQL: logs(
					"request_id, toDateTime(intDiv(ts_ms, 1000)) AS time, tenant, provider, model, prompt_tokens, completion_tokens, cost_nano / 1e9 AS cost_usd",
					"cost_unknown = 0", "\nORDER BY cost_nano DESC\nLIMIT 1 BY request_id\nLIMIT 20")}}},
			{Title: "Unknown-price requests by model", Type: "table", Unit: "short", W: 24, H: 7,
				SQL: []SQLQuery{{Table: true, SQL: logs("provider, model, uniqExact(request_id) AS requests",
					"cost_unknown = 1", "\nGROUP BY provider, model\nORDER BY requests DESC")}}},
		},
	}
}

func cacheBoard() Board {
	return Board{
		File: "cache.json", UID: "muninn-cache", Title: "Muninn / Cache", Tags: []string{"muninn"},
		Description: "Semantic cache: hit rate by tier, what it saved, similarity of hits, and why requests bypassed it.",
		Vars:        chVars,
		Panels: []Panel{
			{Title: "Hit rate", Type: "stat", Unit: "percentunit", W: 6, H: 5,
				SQL: []SQLQuery{{SQL: hourly("sumIf(requests, cache_status IN ('hit-exact', 'hit-semantic')) / greatest(sum(requests), 1) AS hit_rate", ""), Table: true}}},
			{Title: "Cost saved", Type: "stat", Unit: "currencyUSD", W: 6, H: 5,
				SQL: []SQLQuery{{SQL: hourly("sum(saved_cost_nano) / 1e9 AS saved_usd", ""), Table: true}}},
			{Title: "Latency saved", Type: "stat", Unit: "s", W: 6, H: 5,
				SQL: []SQLQuery{{SQL: hourly("sum(saved_latency_us) / 1e6 AS saved_seconds", ""), Table: true}}},
			{Title: "Cache lookups per second", Type: "stat", Unit: "reqps", W: 6, H: 5,
				Prom: []PromQuery{{Expr: "sum(rate(muninn_cache_lookups_total[$__rate_interval]))"}}},
			{Title: "Hit rate by tier",
				Unit: "percentunit", Stack: true,
				SQL: []SQLQuery{{SQL: hourly(bucket+
					", sumIf(requests, cache_status = 'hit-exact') / greatest(sum(requests), 1) AS exact"+
					", sumIf(requests, cache_status = 'hit-semantic') / greatest(sum(requests), 1) AS semantic",
					"\nGROUP BY time\nORDER BY time")}}},
			{Title: "Cost and latency saved", Unit: "currencyUSD",
				SQL: []SQLQuery{{SQL: hourly(bucket+", sum(saved_cost_nano) / 1e9 AS saved_usd", "\nGROUP BY time\nORDER BY time")}}},
			{Title: "Similarity of semantic hits", Type: "barchart", Unit: "short",
				Description: "How close semantic hits were to the entry they were served from (cosine similarity).",
				SQL: []SQLQuery{{Table: true, SQL: logs("toString(round(similarity, 2)) AS similarity_bucket, uniqExact(request_id) AS hits",
					"cache_status = 'hit-semantic'", "\nGROUP BY similarity_bucket\nORDER BY similarity_bucket")}}},
			{Title: "Hits by tenant and model", Type: "table", Unit: "short",
				SQL: []SQLQuery{{Table: true, SQL: hourly(
					"tenant, model, sumIf(requests, cache_status = 'hit-exact') AS exact_hits, sumIf(requests, cache_status = 'hit-semantic') AS semantic_hits, sum(requests) AS total, (exact_hits + semantic_hits) / greatest(total, 1) AS hit_rate",
					"\nGROUP BY tenant, model\nORDER BY total DESC")}}},
			{Title: "Bypasses and skipped semantic matches by reason", Type: "bargauge", Unit: "short",
				Description: "Request controls (x-muninn-cache, Cache-Control) and guards (temperature, tools, near-miss, unsupported text, ...).",
				Prom:        []PromQuery{{Expr: "sum by (reason) (increase(muninn_cache_bypass_total[$__range]))", Legend: "{{reason}}"}}},
			{Title: "Lookup, embedding and vector search time (p95)", Unit: "s",
				Prom: []PromQuery{
					{Expr: "histogram_quantile(0.95, sum by (le) (rate(muninn_cache_lookup_duration_seconds_bucket[$__rate_interval])))", Legend: "lookup"},
					{Expr: "histogram_quantile(0.95, sum by (le) (rate(muninn_embedding_duration_seconds_bucket[$__rate_interval])))", Legend: "embedding"},
					{Expr: "histogram_quantile(0.95, sum by (le) (rate(muninn_vector_search_duration_seconds_bucket[$__rate_interval])))", Legend: "vector search"},
				}},
		},
	}
}

func trafficBoard() Board {
	return Board{
		File: "traffic.json", UID: "muninn-traffic", Title: "Muninn / Traffic & latency", Tags: []string{"muninn"},
		Description: "Request rate, errors by type, latency percentiles, time to first token, retries and fallbacks (Prometheus).",
		Vars:        promVars,
		Panels: []Panel{
			{Title: "Requests per second by status", Unit: "reqps", Stack: true,
				Prom: []PromQuery{{Expr: "sum by (status_class) (rate(muninn_requests_total{" + pf + "}[$__rate_interval]))", Legend: "{{status_class}}"}}},
			{Title: "Errors per second by type", Unit: "reqps", Stack: true,
				Prom: []PromQuery{{Expr: "sum by (error_type) (rate(muninn_errors_total[$__rate_interval]))", Legend: "{{error_type}}"}}},
			{Title: "Request latency (gateway, all answers)", Unit: "s",
				Prom: quantiles("muninn_request_duration_seconds", "", "")},
			{Title: "Upstream latency by model", Unit: "s",
				Prom: quantiles("gen_ai_client_operation_duration_seconds", ", gen_ai_request_model", `gen_ai_request_model=~"$model"`)},
			{Title: "Time to first token", Unit: "s",
				Prom: quantiles("gen_ai_client_operation_time_to_first_chunk_seconds", "", `gen_ai_request_model=~"$model"`)},
			{Title: "Upstream attempts by provider and outcome", Unit: "reqps", Stack: true,
				Prom: []PromQuery{{Expr: `sum by (provider, outcome) (rate(muninn_upstream_attempts_total{` + pf + `}[$__rate_interval]))`, Legend: "{{provider}} {{outcome}}"}}},
			{Title: "Fallback attempts by provider", Unit: "reqps",
				Prom: []PromQuery{{Expr: `sum by (provider) (rate(muninn_upstream_attempts_total{fallback="true", ` + pf + `}[$__rate_interval]))`, Legend: "{{provider}}"}}},
			{Title: "Failed attempts (retried or fell back) by provider", Unit: "reqps",
				Prom: []PromQuery{{Expr: `sum by (provider) (rate(muninn_upstream_attempts_total{outcome!="success", ` + pf + `}[$__rate_interval]))`, Legend: "{{provider}}"}}},
			{Title: "Tokens per second by kind", Unit: "short", Stack: true,
				Prom: []PromQuery{{Expr: "sum by (kind) (rate(muninn_tokens_total{" + pf + "}[$__rate_interval]))", Legend: "{{kind}}"}}},
			{Title: "Spend rate (USD per hour) by model", Unit: "currencyUSD",
				Prom: []PromQuery{{Expr: "sum by (model) (rate(muninn_cost_usd_total{" + pf + "}[$__rate_interval])) * 3600", Legend: "{{model}}"}}},
		},
	}
}

func pipelineBoard() Board {
	return Board{
		File: "pipeline.json", UID: "muninn-pipeline", Title: "Muninn / Pipeline health", Tags: []string{"muninn"},
		Description: "The log pipeline (queue, disk spool, drops), trace export, the vector store and the process.",
		Panels: []Panel{
			{Title: "Log queue depth", Unit: "short",
				Prom: []PromQuery{{Expr: "muninn_log_queue_depth", Legend: "queued records"}}},
			{Title: "Log spool on disk", Unit: "bytes",
				Prom: []PromQuery{{Expr: "muninn_log_spool_bytes", Legend: "spool"}}},
			{Title: "Log records written, spooled and replayed", Unit: "short",
				Prom: []PromQuery{
					{Expr: "rate(muninn_log_written_records_total[$__rate_interval])", Legend: "written"},
					{Expr: "rate(muninn_log_spooled_records_total[$__rate_interval])", Legend: "spooled"},
					{Expr: "rate(muninn_log_replayed_records_total[$__rate_interval])", Legend: "replayed"},
				}},
			{Title: "Log records dropped and sink errors", Unit: "short",
				Description: "Drops only happen when the spool is over its size bound; any value here is lost data.",
				Prom: []PromQuery{
					{Expr: "increase(muninn_log_dropped_records_total[$__rate_interval])", Legend: "dropped"},
					{Expr: "increase(muninn_log_write_errors_total[$__rate_interval])", Legend: "sink errors"},
				}},
			{Title: "Trace export", Unit: "short",
				Prom: []PromQuery{
					{Expr: "rate(muninn_trace_spans_exported_total[$__rate_interval])", Legend: "spans exported/s"},
					{Expr: "increase(muninn_trace_export_failures_total[$__rate_interval])", Legend: "failed exports"},
				}},
			{Title: "Vector store size", Unit: "short",
				Prom: []PromQuery{
					{Expr: "muninn_vectorstore_points", Legend: "points"},
				}},
			{Title: "Plugin errors", Unit: "short",
				Prom: []PromQuery{{Expr: "increase(muninn_plugin_errors_total[$__rate_interval])", Legend: "errors"}}},
			{Title: "Requests in flight", Unit: "short",
				Prom: []PromQuery{{Expr: "muninn_requests_in_flight", Legend: "in flight"}}},
			{Title: "Memory", Unit: "bytes",
				Prom: []PromQuery{
					{Expr: "process_resident_memory_bytes", Legend: "RSS"},
					{Expr: "go_memstats_heap_inuse_bytes", Legend: "heap in use"},
				}},
			{Title: "Goroutines", Unit: "short",
				Prom: []PromQuery{{Expr: "go_goroutines", Legend: "goroutines"}}},
		},
	}
}
