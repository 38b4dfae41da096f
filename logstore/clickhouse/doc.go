// Package clickhouse is Muninn's production log store, registered as logstore backend
// "clickhouse" (clickhouse-go/v2 over the native protocol).
//
// The schema is owned by this package and migrated on open (table muninn_migrations);
// newer server features are gated on the server version: LowCardinality, column codecs and
// a bloom-filter index on request_id from 20.1, the retention TTL from 19.6 (older servers
// drop whole expired month partitions instead). Tables and columns are documented in
// README.md, for dashboards.
//
// Idempotent replays: the logs table is a ReplacingMergeTree whose sorting key ends with
// the record identity (request_id, ts_ms), so duplicates are collapsed by merges; and a
// batch the Batcher marks as a replay is first checked against the table, so records
// already stored are not inserted again. The second keeps the hourly rollup (a
// materialized view, which sees every inserted row) exact and lets reads skip FINAL.
//
// Imports: logstore only (and the driver). All SQL is built by pure functions (schema.go,
// sql.go) with values rendered as escaped literals, so the same text is checked against a
// modern engine (chDB) in tests.
package clickhouse
