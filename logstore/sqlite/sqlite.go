package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/logstore"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultFile is the database file name in the data directory.
const DefaultFile = "logs.db"

func init() {
	logstore.Register("sqlite", func(ctx context.Context, cfg logstore.Config) (logstore.Store, error) {
		return Open(ctx, cfg)
	})
}

// Store is the SQLite log store.
type Store struct {
	db        *sql.DB
	retention time.Duration

	mu         sync.Mutex
	lastPurge  time.Time
	insertStmt *sql.Stmt
}

var _ logstore.Store = (*Store)(nil)

// Open opens (creating and migrating) the database at cfg.DSN, a file path, or at
// DataDir/logs.db when DSN is empty.
func Open(ctx context.Context, cfg logstore.Config) (*Store, error) {
	path := cfg.DSN
	if path == "" {
		if cfg.DataDir == "" {
			return nil, fmt.Errorf("sqlite log store: neither dsn nor data_dir is set")
		}
		path = filepath.Join(cfg.DataDir, DefaultFile)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite log store: create directory: %w", err)
		}
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)", "foreign_keys(OFF)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite log store: %w", err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, retention: cfg.Retention}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.insertStmt, err = db.PrepareContext(ctx, insertSQL)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite log store: prepare insert: %w", err)
	}
	return s, nil
}

// migrations are applied in order; PRAGMA user_version counts those applied.
var migrations = []string{
	`CREATE TABLE IF NOT EXISTS logs (
		request_id TEXT NOT NULL,
		ts_ms INTEGER NOT NULL,
		duration_us INTEGER NOT NULL,
		ttfb_us INTEGER NOT NULL,
		endpoint TEXT NOT NULL,
		tenant TEXT NOT NULL,
		user TEXT NOT NULL,
		session TEXT NOT NULL,
		tags TEXT NOT NULL,
		metadata TEXT NOT NULL,
		provider TEXT NOT NULL,
		requested_model TEXT NOT NULL,
		model TEXT NOT NULL,
		key_name TEXT NOT NULL,
		status INTEGER NOT NULL,
		error_type TEXT NOT NULL,
		error_message TEXT NOT NULL,
		attempts TEXT NOT NULL,
		stream INTEGER NOT NULL,
		prompt_tokens INTEGER NOT NULL,
		completion_tokens INTEGER NOT NULL,
		cached_tokens INTEGER NOT NULL,
		cache_write_tokens INTEGER NOT NULL,
		reasoning_tokens INTEGER NOT NULL,
		cost_nano INTEGER NOT NULL,
		cost_unknown INTEGER NOT NULL,
		cache_status TEXT NOT NULL,
		similarity REAL NOT NULL,
		cache_entry_id TEXT NOT NULL,
		saved_cost_nano INTEGER NOT NULL,
		saved_latency_us INTEGER NOT NULL,
		trace_id TEXT NOT NULL,
		span_id TEXT NOT NULL,
		request_body TEXT NOT NULL,
		response_body TEXT NOT NULL,
		request_truncated INTEGER NOT NULL,
		response_truncated INTEGER NOT NULL
	);
	CREATE UNIQUE INDEX IF NOT EXISTS logs_identity ON logs (request_id, ts_ms);
	CREATE INDEX IF NOT EXISTS logs_ts ON logs (ts_ms);
	CREATE INDEX IF NOT EXISTS logs_tenant_ts ON logs (tenant, ts_ms);
	CREATE INDEX IF NOT EXISTS logs_model_ts ON logs (model, ts_ms);`,
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("sqlite log store: read schema version: %w", err)
	}
	for i := v; i < len(migrations); i++ {
		if _, err := s.db.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("sqlite log store: migration %d: %w", i+1, err)
		}
		if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			return fmt.Errorf("sqlite log store: set schema version: %w", err)
		}
	}
	return nil
}

// columns is the column list shared by insert and select, in Record order.
const columns = `request_id, ts_ms, duration_us, ttfb_us, endpoint, tenant, user, session, tags, metadata,
	provider, requested_model, model, key_name, status, error_type, error_message, attempts, stream,
	prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
	cost_nano, cost_unknown, cache_status, similarity, cache_entry_id, saved_cost_nano, saved_latency_us,
	trace_id, span_id, request_body, response_body, request_truncated, response_truncated`

var insertSQL = "INSERT OR IGNORE INTO logs (" + columns + ") VALUES (" +
	strings.TrimSuffix(strings.Repeat("?,", strings.Count(columns, ",")+1), ",") + ")"

// WriteBatch inserts recs in one transaction; records already stored are ignored.
// Failures are retryable: SQLite's are about locks, disk space or I/O, which pass.
func (s *Store) WriteBatch(ctx context.Context, recs []logstore.Record) error {
	if len(recs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return logstore.Retryable(fmt.Errorf("sqlite log store: begin: %w", err), 0)
	}
	stmt := tx.StmtContext(ctx, s.insertStmt)
	for i := range recs {
		r := &recs[i]
		tags, meta, attempts := jsonOf(r.Tags), jsonOf(r.Metadata), jsonOf(r.Attempts)
		if _, err := stmt.ExecContext(ctx, r.RequestID, r.TimeMs, r.Duration.Microseconds(), r.TTFB.Microseconds(),
			r.Endpoint, r.Tenant, r.User, r.Session, tags, meta,
			r.Provider, r.RequestedModel, r.Model, r.KeyName, r.Status, r.ErrorType, r.ErrorMessage, attempts, r.Stream,
			r.PromptTokens, r.CompletionTokens, r.CachedTokens, r.CacheWriteTokens, r.ReasoningTokens,
			r.CostNanoUSD, r.CostUnknown, r.CacheStatus, float64(r.Similarity), r.CacheEntryID, r.SavedCostNanoUSD,
			r.SavedLatency.Microseconds(), r.TraceID, r.SpanID, r.RequestBody, r.ResponseBody,
			r.RequestTruncated, r.ResponseTruncated); err != nil {
			tx.Rollback()
			return logstore.Retryable(fmt.Errorf("sqlite log store: insert: %w", err), 0)
		}
	}
	if err := tx.Commit(); err != nil {
		return logstore.Retryable(fmt.Errorf("sqlite log store: commit: %w", err), 0)
	}
	s.maybePurge(ctx)
	return nil
}

// maybePurge applies the retention at most once a minute.
func (s *Store) maybePurge(ctx context.Context) {
	if s.retention <= 0 {
		return
	}
	s.mu.Lock()
	now := time.Now()
	if now.Sub(s.lastPurge) < time.Minute {
		s.mu.Unlock()
		return
	}
	s.lastPurge = now
	s.mu.Unlock()
	// Best effort: a failed purge is tried again next minute.
	_, _ = s.db.ExecContext(ctx, "DELETE FROM logs WHERE ts_ms < ?", now.Add(-s.retention).UnixMilli())
}

// Close closes the database.
func (s *Store) Close() error {
	if s.insertStmt != nil {
		s.insertStmt.Close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlite log store: close: %w", err)
	}
	return nil
}

func jsonOf(v any) string {
	switch x := v.(type) {
	case []string:
		if len(x) == 0 {
			return "[]"
		}
	case map[string]string:
		if len(x) == 0 {
			return "{}"
		}
	case []logstore.Attempt:
		if len(x) == 0 {
			return "[]"
		}
	}
	b, _ := json.Marshal(v) // plain strings, ints and bools: cannot fail
	return string(b)
}
