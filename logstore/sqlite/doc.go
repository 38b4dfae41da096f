// Package sqlite is Muninn's embedded default log store: one SQLite file (pure Go driver,
// no cgo) in the data directory, registered as logstore backend "sqlite".
//
// Records are deduplicated by (request_id, ts_ms) with a unique index and INSERT OR
// IGNORE, so Batcher replays are idempotent. Reads run beside writes thanks to WAL mode.
// The schema is versioned with PRAGMA user_version and migrated on open.
//
// Imports: logstore only (and the driver).
package sqlite
