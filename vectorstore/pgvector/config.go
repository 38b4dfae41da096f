package pgvector

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Config configures the pgvector backend. It is decoded strictly from JSON (unknown
// fields are errors); zero fields take the defaults below.
type Config struct {
	// URL is a plain libpq connection string, "postgres://user:pass@host:5432/db?sslmode=require".
	// Everything pgx understands there works (sslmode and TLS files, pool_max_conns,
	// default_query_exec_mode, ...); fields below override it when set. The URL is never
	// logged nor put in errors.
	URL string `json:"url"`
	// Schema holds Muninn's tables. Default "public". Must exist.
	Schema string `json:"schema"`
	// TablePrefix names the tables: PREFIX_namespaces (registry), PREFIX_d<dim> (points of
	// the namespaces of that dimension), PREFIX_migrations. Default "muninn_vectors".
	TablePrefix string `json:"table_prefix"`

	// MaxConns is the pool size. Default: pgx's (pool_max_conns in the URL, else the
	// larger of 4 and the number of CPUs). Set 1 for a single-session server (PGlite).
	MaxConns int32 `json:"max_conns"`
	// MinConns connections are kept open. Default 0.
	MinConns int32 `json:"min_conns"`
	// MaxConnLifetime and MaxConnIdleTime recycle connections. Defaults: pgx's (1h, 30m).
	MaxConnLifetime Duration `json:"max_conn_lifetime"`
	MaxConnIdleTime Duration `json:"max_conn_idle_time"`
	// ExecMode is pgx's query execution mode: "cache_statement" (pgx's default: named
	// prepared statements, fastest on a direct connection), "cache_describe",
	// "describe_exec", "exec" (unnamed statements: for PgBouncer in transaction mode and
	// for PGlite) or "simple_protocol". Empty keeps the URL's default_query_exec_mode or
	// pgx's default.
	ExecMode string `json:"exec_mode"`

	// EfSearch is hnsw.ef_search, the candidate list size of a search (recall vs speed).
	// Default 100 (pgvector's is 40).
	EfSearch int `json:"ef_search"`
	// IterativeScan is hnsw.iterative_scan: "auto" (default: relaxed_order when the
	// server's pgvector is 0.8 or newer, off before), "relaxed_order", "strict_order" or
	// "off". It keeps filtered searches from returning fewer than k rows.
	IterativeScan string `json:"iterative_scan"`
	// MaxScanTuples is hnsw.max_scan_tuples, the bound of an iterative scan. Default 0:
	// the server's (20000).
	MaxScanTuples int `json:"max_scan_tuples"`
	// HNSWM and HNSWEfConstruction are the index build parameters of new tables.
	// Defaults 16 and 64 (pgvector's).
	HNSWM              int `json:"hnsw_m"`
	HNSWEfConstruction int `json:"hnsw_ef_construction"`

	// BatchSize is the number of rows per INSERT. Default 200.
	BatchSize int `json:"batch_size"`
	// SweepInterval is how often expired rows are deleted in the background. Default
	// "1m"; "off" disables the background sweep.
	SweepInterval Duration `json:"sweep_interval"`
	// Timeout bounds each call (on top of the caller's context). Default "10s".
	Timeout Duration `json:"timeout"`
}

// Duration is a duration in the config: a Go duration string, or "off".
type Duration = vectorstore.Duration

// D returns a set Duration (for configuration built in Go; D(0) is "off").
func D(d time.Duration) Duration { return vectorstore.D(d) }

// Defaults.
const (
	DefaultSchema             = "public"
	DefaultPrefix             = "muninn_vectors"
	DefaultEfSearch           = 100
	DefaultHNSWM              = 16
	DefaultHNSWEfConstruction = 64
	DefaultBatchSize          = 200
	DefaultSweepInterval      = time.Minute
	DefaultTimeout            = 10 * time.Second
)

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

var execModes = map[string]pgx.QueryExecMode{
	"cache_statement": pgx.QueryExecModeCacheStatement,
	"cache_describe":  pgx.QueryExecModeCacheDescribe,
	"describe_exec":   pgx.QueryExecModeDescribeExec,
	"exec":            pgx.QueryExecModeExec,
	"simple_protocol": pgx.QueryExecModeSimpleProtocol,
}

// ParseConfig decodes a JSON configuration strictly and applies defaults.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := vectorstore.DecodeConfig(raw, &c); err != nil {
		return Config{}, fmt.Errorf("pgvector: %w", err)
	}
	if err := c.withDefaults(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c *Config) withDefaults() error {
	if c.Schema == "" {
		c.Schema = DefaultSchema
	}
	if c.TablePrefix == "" {
		c.TablePrefix = DefaultPrefix
	}
	if c.EfSearch == 0 {
		c.EfSearch = DefaultEfSearch
	}
	if c.IterativeScan == "" {
		c.IterativeScan = "auto"
	}
	if c.HNSWM == 0 {
		c.HNSWM = DefaultHNSWM
	}
	if c.HNSWEfConstruction == 0 {
		c.HNSWEfConstruction = DefaultHNSWEfConstruction
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if !c.SweepInterval.IsSet() && c.SweepInterval.Duration == 0 {
		c.SweepInterval.Duration = DefaultSweepInterval
	}
	if !c.Timeout.IsSet() && c.Timeout.Duration == 0 {
		c.Timeout.Duration = DefaultTimeout
	}
	return c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("url is required (postgres://user:pass@host:5432/db)"))
	}
	if !identRE.MatchString(c.Schema) {
		errs = append(errs, fmt.Errorf("schema %q: want a lower-case identifier of at most 40 bytes", c.Schema))
	}
	if !identRE.MatchString(c.TablePrefix) {
		errs = append(errs, fmt.Errorf("table_prefix %q: want a lower-case identifier of at most 40 bytes", c.TablePrefix))
	}
	if c.MaxConns < 0 || c.MinConns < 0 || (c.MaxConns > 0 && c.MinConns > c.MaxConns) {
		errs = append(errs, fmt.Errorf("max_conns %d / min_conns %d: want 0 <= min <= max", c.MaxConns, c.MinConns))
	}
	if _, ok := execModes[c.ExecMode]; !ok && c.ExecMode != "" {
		errs = append(errs, fmt.Errorf("exec_mode %q: want cache_statement, cache_describe, describe_exec, exec or simple_protocol", c.ExecMode))
	}
	switch c.IterativeScan {
	case "auto", "off", "relaxed_order", "strict_order":
	default:
		errs = append(errs, fmt.Errorf("iterative_scan %q: want auto, off, relaxed_order or strict_order", c.IterativeScan))
	}
	if c.EfSearch < 1 || c.EfSearch > 1000 {
		errs = append(errs, fmt.Errorf("ef_search %d: want 1..1000", c.EfSearch))
	}
	if c.MaxScanTuples < 0 {
		errs = append(errs, fmt.Errorf("max_scan_tuples %d: want >= 0", c.MaxScanTuples))
	}
	if c.HNSWM < 2 || c.HNSWM > 100 || c.HNSWEfConstruction < 4 || c.HNSWEfConstruction > 1000 {
		errs = append(errs, fmt.Errorf("hnsw_m %d / hnsw_ef_construction %d: want 2..100 / 4..1000", c.HNSWM, c.HNSWEfConstruction))
	}
	if c.BatchSize < 1 || c.BatchSize > 5000 {
		errs = append(errs, fmt.Errorf("batch_size %d: want 1..5000", c.BatchSize))
	}
	if len(errs) > 0 {
		return fmt.Errorf("pgvector config: %w", errors.Join(errs...))
	}
	return nil
}
