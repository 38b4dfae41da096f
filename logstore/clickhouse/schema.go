package clickhouse

import (
	"fmt"
	"strings"
	"time"
)

// Features are the server capabilities the schema depends on.
type Features struct {
	LowCardinality bool // LowCardinality(String) without experimental settings (20.1+)
	Codecs         bool // column compression codecs (20.1+)
	TTL            bool // table TTL (19.6+)
	SkipIndexes    bool // data skipping indexes without experimental settings (20.1+)
}

// FeaturesFor returns the features of a server version.
func FeaturesFor(major, minor uint64) Features {
	atLeast := func(ma, mi uint64) bool { return major > ma || (major == ma && minor >= mi) }
	return Features{LowCardinality: atLeast(20, 1), Codecs: atLeast(20, 1), TTL: atLeast(19, 6), SkipIndexes: atLeast(20, 1)}
}

// Modern are the features of the production target (ClickHouse 24+).
var Modern = Features{LowCardinality: true, Codecs: true, TTL: true, SkipIndexes: true}

// Table names, relative to the database.
const (
	TableLogs       = "logs"
	TableHourly     = "logs_hourly"
	ViewHourly      = "logs_hourly_mv"
	TableMigrations = "muninn_migrations"
)

// Migration is one schema step; its statements are run in order and must be idempotent
// (IF NOT EXISTS), so two gateways migrating at once do no harm.
type Migration struct {
	Version    int
	Statements func(db string, f Features) []string
}

// Migrations is the schema history. Append only.
var Migrations = []Migration{
	{1, func(db string, f Features) []string { return []string{logsDDL(db, f)} }},
	{2, func(db string, f Features) []string { return hourlyDDL(db, f) }},
}

// SchemaSQL returns every statement that creates the schema from nothing, including the
// database and the migrations table.
func SchemaSQL(db string, f Features) []string {
	out := []string{
		"CREATE DATABASE IF NOT EXISTS " + ident(db),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s (version UInt32, applied_at DateTime) ENGINE = MergeTree ORDER BY version", ident(db), TableMigrations),
	}
	for _, m := range Migrations {
		out = append(out, m.Statements(db, f)...)
	}
	return out
}

// TTLSQL returns the statements that set the retention of the logs table (nil when the
// server has no TTL or retention is 0: expired partitions are then dropped by the store).
func TTLSQL(db string, f Features, retention time.Duration) []string {
	if !f.TTL || retention <= 0 {
		return nil
	}
	return []string{fmt.Sprintf("ALTER TABLE %s.%s MODIFY TTL ts + INTERVAL %d SECOND", ident(db), TableLogs, int64(retention/time.Second))}
}

func lc(f Features) string {
	if f.LowCardinality {
		return "LowCardinality(String)"
	}
	return "String"
}

func body(f Features) string {
	if f.Codecs {
		return "String CODEC(ZSTD(3))"
	}
	return "String"
}

func logsDDL(db string, f Features) string {
	l := lc(f)
	cols := []string{
		"request_id String",
		"ts_ms Int64",
		"ts DateTime('UTC') MATERIALIZED toDateTime(intDiv(ts_ms, 1000), 'UTC')",
		"duration_us Int64",
		"ttfb_us Int64",
		"endpoint " + l,
		"tenant " + l,
		"user String",
		"session String",
		"tags Array(String)",
		"metadata String",
		"provider " + l,
		"requested_model " + l,
		"model " + l,
		"key_name " + l,
		"status UInt16",
		"error_type " + l,
		"error_message String",
		"attempts String",
		"stream UInt8",
		"prompt_tokens Int64",
		"completion_tokens Int64",
		"cached_tokens Int64",
		"cache_write_tokens Int64",
		"reasoning_tokens Int64",
		"cost_nano Int64",
		"cost_unknown UInt8",
		"cache_status " + l,
		"similarity Float32",
		"cache_entry_id String",
		"saved_cost_nano Int64",
		"saved_latency_us Int64",
		"trace_id String",
		"span_id String",
		"request_body " + body(f),
		"response_body " + body(f),
		"request_truncated UInt8",
		"response_truncated UInt8",
	}
	if f.SkipIndexes {
		// Get by request id and the replay check would otherwise read the whole column.
		cols = append(cols, "INDEX request_id_bf request_id TYPE bloom_filter(0.01) GRANULARITY 4")
	}
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s.%s (
	%s
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (tenant, model, ts, request_id, ts_ms)`, ident(db), TableLogs, strings.Join(cols, ",\n\t"))
}

func hourlyDDL(db string, f Features) []string {
	l := lc(f)
	table := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s.%s (
	hour DateTime('UTC'),
	tenant %s,
	provider %s,
	model %s,
	cache_status %s,
	requests UInt64,
	errors UInt64,
	prompt_tokens Int64,
	completion_tokens Int64,
	cached_tokens Int64,
	cache_write_tokens Int64,
	reasoning_tokens Int64,
	cost_nano Int64,
	cost_unknown UInt64,
	saved_cost_nano Int64,
	saved_latency_us Int64,
	duration_us_sum Int64,
	duration_us_quantiles AggregateFunction(quantiles(0.5, 0.9, 0.99), Int64)
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, tenant, provider, model, cache_status)`, ident(db), TableHourly, l, l, l, l)
	view := fmt.Sprintf(`CREATE MATERIALIZED VIEW IF NOT EXISTS %s.%s TO %s.%s AS
SELECT
	toStartOfHour(ts) AS hour,
	tenant, provider, model, cache_status,
	count() AS requests,
	countIf(status >= 400) AS errors,
	sum(prompt_tokens) AS prompt_tokens,
	sum(completion_tokens) AS completion_tokens,
	sum(cached_tokens) AS cached_tokens,
	sum(cache_write_tokens) AS cache_write_tokens,
	sum(reasoning_tokens) AS reasoning_tokens,
	sum(cost_nano) AS cost_nano,
	countIf(cost_unknown = 1) AS cost_unknown,
	sum(saved_cost_nano) AS saved_cost_nano,
	sum(saved_latency_us) AS saved_latency_us,
	sum(duration_us) AS duration_us_sum,
	quantilesState(0.5, 0.9, 0.99)(duration_us) AS duration_us_quantiles
FROM %s.%s
GROUP BY hour, tenant, provider, model, cache_status`, ident(db), ViewHourly, ident(db), TableHourly, ident(db), TableLogs)
	return []string{table, view}
}

// ident quotes an identifier with backquotes.
func ident(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "`", "\\`") + "`"
}

// quote renders a string literal.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
