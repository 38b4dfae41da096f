package pgvector

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
)

// Open connects, migrates the schema (creating the vector extension if needed), and
// starts the pool and the background sweep. The migration runs on the pool's first
// connection, so a single-session server (PGlite, max_conns 1) is never asked for two.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("pgvector: invalid url: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.MinConns > 0 {
		pc.MinConns = cfg.MinConns
	}
	if cfg.MaxConnLifetime.Duration > 0 {
		pc.MaxConnLifetime = cfg.MaxConnLifetime.Duration
	}
	if cfg.MaxConnIdleTime.Duration > 0 {
		pc.MaxConnIdleTime = cfg.MaxConnIdleTime.Duration
	}
	if cfg.ExecMode != "" {
		pc.ConnConfig.DefaultQueryExecMode = execModes[cfg.ExecMode]
	}
	pc.AfterConnect = ConnSetup(cfg)
	octx, cancel := context.WithTimeout(ctx, cfg.Timeout.Duration+10*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(octx, pc)
	if err != nil {
		return nil, fmt.Errorf("pgvector: open pool: %w", err)
	}
	s, err := open(octx, pool, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownsPool = true
	return s, nil
}

// OpenPool opens a store on a pool the caller owns (and closes: Store.Close leaves it
// open). Install ConnSetup(cfg) as the pool's AfterConnect, after creating the vector
// extension if the pool may connect before Muninn first migrated the database, so that
// every connection gets the vector types and the search settings; the connection used
// for the migration is set up here. cfg.URL, MaxConns and the other pool fields are
// ignored.
func OpenPool(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Store, error) {
	if cfg.URL == "" {
		cfg.URL = "postgres://" // the pool is given; the URL is not used
	}
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	octx, cancel := context.WithTimeout(ctx, cfg.Timeout.Duration+10*time.Second)
	defer cancel()
	return open(octx, pool, cfg)
}

func open(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Store, error) {
	s := &Store{
		cfg: cfg, sc: schema{name: cfg.Schema, prefix: cfg.TablePrefix}, pool: pool, now: time.Now,
		dims: map[string]int{}, tables: map[int]bool{}, sqls: map[[2]int]string{}, stop: make(chan struct{}),
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgvector: connect: %w", err)
	}
	defer conn.Release()
	if err := s.sc.migrate(ctx, conn.Conn()); err != nil {
		return nil, fmt.Errorf("pgvector: %w", err)
	}
	if s.pgvVer, s.iter, err = setupConn(ctx, conn.Conn(), cfg); err != nil {
		return nil, fmt.Errorf("pgvector: %w", err)
	}
	if cfg.SweepInterval.Duration > 0 {
		s.sweeper.Add(1)
		go s.sweepLoop(cfg.SweepInterval.Duration)
	}
	return s, nil
}

// ConnSetup returns a pgx AfterConnect hook that registers the vector types and applies
// the search settings of cfg (hnsw.ef_search, hnsw.iterative_scan, hnsw.max_scan_tuples)
// to the session. It does nothing on a database without the vector extension yet.
//
// Behind PgBouncer in transaction mode session settings do not stick: set them on the
// role instead (ALTER ROLE muninn SET hnsw.iterative_scan = 'relaxed_order').
func ConnSetup(cfg Config) func(ctx context.Context, conn *pgx.Conn) error {
	if cfg.URL == "" {
		cfg.URL = "postgres://" // not used here
	}
	err := cfg.withDefaults()
	return func(ctx context.Context, conn *pgx.Conn) error {
		if err != nil {
			return err
		}
		_, _, err := setupConn(ctx, conn, cfg)
		return err
	}
}

// setupConn configures one connection and reports the pgvector version and the
// iterative scan mode applied ("" and "off" without the extension).
func setupConn(ctx context.Context, conn *pgx.Conn, cfg Config) (version, iter string, err error) {
	err = conn.QueryRow(ctx, `SELECT extversion FROM pg_extension WHERE extname = 'vector'`).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "off", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read pgvector version: %w", err)
	}
	iter = cfg.IterativeScan
	modern := versionAtLeast(version, 0, 8)
	if iter == "auto" {
		iter = "off"
		if modern {
			iter = "relaxed_order"
		}
	}
	if iter != "off" && !modern {
		return "", "", fmt.Errorf("iterative_scan %q needs pgvector 0.8 or newer, the server has %s", iter, version)
	}
	if err := pgxvec.RegisterTypes(ctx, conn); err != nil {
		return "", "", fmt.Errorf("register vector types: %w", err)
	}
	// Load pgvector's library in this session first, so that the hnsw.* settings below
	// are checked now instead of being kept as unchecked placeholders.
	if _, err := conn.Exec(ctx, "SELECT '[1]'::vector"); err != nil {
		return "", "", fmt.Errorf("load pgvector: %w", err)
	}
	sets := []string{"SET hnsw.ef_search = " + strconv.Itoa(cfg.EfSearch)}
	if modern {
		sets = append(sets, "SET hnsw.iterative_scan = "+iter)
		if cfg.MaxScanTuples > 0 {
			sets = append(sets, "SET hnsw.max_scan_tuples = "+strconv.Itoa(cfg.MaxScanTuples))
		}
	}
	for _, q := range sets {
		if _, err := conn.Exec(ctx, q); err != nil {
			return "", "", fmt.Errorf("%s: %w", q, err)
		}
	}
	return version, iter, nil
}

// versionAtLeast compares a "major.minor.patch" version.
func versionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}

// PgvectorVersion is the pgvector version of the server.
func (s *Store) PgvectorVersion() string { return s.pgvVer }

// IterativeScan reports the hnsw.iterative_scan mode in use ("off" when unsupported).
func (s *Store) IterativeScan() string { return s.iter }
