// Package logapi serves the request-log query API over any logstore.Reader, as plain
// net/http handlers that cmd/muninn mounts as admin routes:
//
//	GET /api/logs        list records, newest first (filters, cursor pagination)
//	GET /api/logs/{id}   one record by request id
//	GET /api/stats       time buckets of requests, errors, tokens, cost, cache hit rates,
//	                     savings and latency quantiles, optionally grouped
//
// Filters (both list and stats): from, to (RFC 3339 or Unix milliseconds), tenant,
// provider, model, status, error_type, cache_status, min_cost_nano, q (substring of the
// request or response body). List: limit (1..1000, default 50), cursor (the "next" of
// the previous page). Stats: bucket (a Go duration such as 5m or 1h, default 1h),
// group_by (model, provider or tenant). Durations in responses are nanoseconds and money
// is integer nano-USD. Errors are OpenAI-shaped JSON.
//
// Imports: logstore only.
package logapi
