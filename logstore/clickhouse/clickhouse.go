package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/muninn-gw/muninn/logstore"
)

// schemaTimeout bounds the migration on open or first use.
const schemaTimeout = 30 * time.Second

// DefaultDatabase is used when the DSN names none.
const DefaultDatabase = "muninn"

func init() {
	logstore.Register("clickhouse", func(ctx context.Context, cfg logstore.Config) (logstore.Store, error) {
		return Open(ctx, cfg)
	})
}

// Store is the ClickHouse log store.
type Store struct {
	conn      driver.Conn
	db        string
	retention time.Duration

	mu        sync.Mutex
	ready     bool // schema migrated
	features  Features
	lastPurge time.Time
}

var _ logstore.Store = (*Store)(nil)

// Open connects to cfg.DSN (clickhouse://user:password@host:port/database?dial_timeout=5s)
// and migrates the schema. When the server cannot be reached the store is still returned:
// the schema is migrated on the first successful write, and writes fail as retryable
// until then, so the Batcher spools instead of the gateway refusing to start.
func Open(ctx context.Context, cfg logstore.Config) (*Store, error) {
	if cfg.DSN == "" {
		return nil, errors.New("clickhouse log store: dsn is required (clickhouse://host:9000/muninn)")
	}
	opts, err := ch.ParseDSN(cfg.DSN)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // *url.Error quotes the URL, password included
		}
		return nil, fmt.Errorf("clickhouse log store: bad dsn: %w", err)
	}
	db := opts.Auth.Database
	if db == "" {
		db = DefaultDatabase
	}
	opts.Auth.Database = "" // the database may not exist yet; every name is qualified
	if opts.DialTimeout == 0 || opts.DialTimeout > 10*time.Second {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.MaxOpenConns == 0 {
		opts.MaxOpenConns = 4
	}
	if opts.Compression == nil {
		opts.Compression = &ch.Compression{Method: ch.CompressionLZ4}
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse log store: %w", err)
	}
	s := &Store{conn: conn, db: db, retention: cfg.Retention}
	if err := s.ensureSchema(ctx); err != nil {
		if ok, _ := logstore.IsRetryable(err); !ok {
			conn.Close()
			return nil, err
		}
	}
	return s, nil
}

// Database returns the database name.
func (s *Store) Database() string { return s.db }

// Features returns the features the schema was created with (zero before the first
// successful migration).
func (s *Store) Features() Features {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.features
}

// ensureSchema migrates once per process.
func (s *Store) ensureSchema(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, schemaTimeout)
	defer cancel()
	v, err := s.conn.ServerVersion()
	if err != nil {
		return classify("clickhouse log store: connect", err)
	}
	f := FeaturesFor(v.Version.Major, v.Version.Minor)
	for _, stmt := range SchemaSQL(s.db, Features{})[:2] {
		if err := s.conn.Exec(ctx, stmt); err != nil {
			return classify("clickhouse log store: create database", err)
		}
	}
	var applied int64
	if err := s.conn.QueryRow(ctx, fmt.Sprintf("SELECT toInt64(max(version)) FROM %s.%s", ident(s.db), TableMigrations)).Scan(&applied); err != nil {
		return classify("clickhouse log store: read schema version", err)
	}
	for _, m := range Migrations {
		if int64(m.Version) <= applied {
			continue
		}
		for _, stmt := range m.Statements(s.db, f) {
			if err := s.conn.Exec(ctx, stmt); err != nil {
				return classify(fmt.Sprintf("clickhouse log store: migration %d", m.Version), err)
			}
		}
		if err := s.conn.Exec(ctx, fmt.Sprintf("INSERT INTO %s.%s (version, applied_at) SELECT %d, now()", ident(s.db), TableMigrations, m.Version)); err != nil {
			return classify("clickhouse log store: record migration", err)
		}
	}
	if stmts := TTLSQL(s.db, f, s.retention); len(stmts) > 0 {
		// MODIFY TTL rewrites every part on recent servers: only when it changed.
		var engine string
		q := fmt.Sprintf("SELECT engine_full FROM system.tables WHERE database = %s AND name = %s", quote(s.db), quote(TableLogs))
		if err := s.conn.QueryRow(ctx, q).Scan(&engine); err != nil {
			return classify("clickhouse log store: read table engine", err)
		}
		if !strings.Contains(engine, fmt.Sprintf("toIntervalSecond(%d)", int64(s.retention/time.Second))) {
			for _, stmt := range stmts {
				if err := s.conn.Exec(ctx, stmt); err != nil {
					return classify("clickhouse log store: set retention", err)
				}
			}
		}
	}
	s.features, s.ready = f, true
	return nil
}

// Close closes the connections.
func (s *Store) Close() error {
	if err := s.conn.Close(); err != nil {
		return fmt.Errorf("clickhouse log store: close: %w", err)
	}
	return nil
}

// Codes of server errors that no retry can fix: the data or the statement is wrong.
// Configuration errors (authentication, access, unknown database) are retryable on
// purpose: records wait in the spool until an operator fixes them.
var finalCodes = map[int32]bool{
	6: true, 27: true, 53: true, 62: true, 70: true, 131: true, // parse, type, syntax, size
	16: true, 47: true, // no such column, unknown identifier
}

// classify wraps err with context and marks it retryable unless the server said the
// request itself is wrong. Network errors, timeouts, overload and unknown outcomes are
// retryable: a spooled record is better than a lost one.
func classify(what string, err error) error {
	err = fmt.Errorf("%s: %w", what, err)
	var ex *ch.Exception
	if errors.As(err, &ex) && finalCodes[ex.Code] {
		return err
	}
	var after time.Duration
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		after = time.Second
	}
	return logstore.Retryable(err, after)
}
