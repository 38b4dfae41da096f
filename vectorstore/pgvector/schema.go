package pgvector

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// maxIndexedDim is the largest dimension pgvector's HNSW index accepts for the vector
// type. Wider namespaces are stored and searched exactly, without an index.
const maxIndexedDim = 2000

// migrations are applied in order, once, under an advisory lock; their number is the
// schema version recorded in PREFIX_migrations. {namespaces} and {migrations} are
// replaced by the quoted table names. Never edit an applied migration: append one.
var migrations = []string{
	// 1: the extension and the namespace registry. Point tables are created per
	// dimension on demand (pointTableDDL).
	`CREATE EXTENSION IF NOT EXISTS vector;
	 CREATE TABLE IF NOT EXISTS {namespaces} (
		ns         text PRIMARY KEY,
		dim        integer NOT NULL CHECK (dim > 0),
		created_at timestamptz NOT NULL DEFAULT now()
	 )`,
}

// schema names Muninn's tables.
type schema struct {
	name   string // schema
	prefix string
}

func (s schema) ident(table string) string { return pgx.Identifier{s.name, table}.Sanitize() }

func (s schema) namespaces() string { return s.ident(s.prefix + "_namespaces") }
func (s schema) migrationsTable() string {
	return s.ident(s.prefix + "_migrations")
}
func (s schema) pointTableName(dim int) string { return s.prefix + "_d" + strconv.Itoa(dim) }
func (s schema) points(dim int) string         { return s.ident(s.pointTableName(dim)) }

// dimOf parses a point table name; 0 if it is not one.
func (s schema) dimOf(table string) int {
	rest, ok := strings.CutPrefix(table, s.prefix+"_d")
	if !ok {
		return 0
	}
	d, err := strconv.Atoi(rest)
	if err != nil || d <= 0 || strconv.Itoa(d) != rest {
		return 0
	}
	return d
}

func (s schema) sql(q string) string {
	return strings.NewReplacer("{namespaces}", s.namespaces(), "{migrations}", s.migrationsTable()).Replace(q)
}

// lockKey is the advisory lock serialising DDL across replicas.
func (s schema) lockKey() string { return "muninn_vectors:" + s.name + "." + s.prefix }

// migrate brings the schema to the latest version. It runs on one connection, under a
// transaction-scoped advisory lock so that replicas starting together do not race.
func (s schema) migrate(ctx context.Context, conn *pgx.Conn) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// One lock for every prefix of the database: CREATE EXTENSION may run here too.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('muninn_vectors:migrate'))`); err != nil {
		return fmt.Errorf("lock schema: %w", err)
	}
	if _, err := tx.Exec(ctx, s.sql(`CREATE TABLE IF NOT EXISTS {migrations} (
		version    integer PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`)); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	var have int
	if err := tx.QueryRow(ctx, s.sql(`SELECT coalesce(max(version), 0) FROM {migrations}`)).Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this Muninn (%d): upgrade Muninn", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		for _, stmt := range strings.Split(migrations[v-1], ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.Exec(ctx, s.sql(stmt)); err != nil {
				return fmt.Errorf("migration %d: %w", v, err)
			}
		}
		if _, err := tx.Exec(ctx, s.sql(`INSERT INTO {migrations} (version) VALUES ($1)`), v); err != nil {
			return fmt.Errorf("record migration %d: %w", v, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}

// pointTableDDL creates the table of a dimension and its indexes:
//   - primary key (ns, id): upserts, deletes, and exact search in small namespaces;
//   - HNSW on embedding with vector_cosine_ops (dimensions up to 2000);
//   - GIN jsonb_path_ops on payload for containment filters;
//   - a partial index on expires_at for the sweep.
func (s schema) pointTableDDL(dim, m, efConstruction int) []string {
	t := s.points(dim)
	name := s.pointTableName(dim)
	ddl := []string{
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
			ns         text NOT NULL,
			id         text NOT NULL,
			embedding  vector(%d) NOT NULL,
			payload    jsonb NOT NULL DEFAULT '{}',
			expires_at bigint,
			PRIMARY KEY (ns, id))`, t, dim),
		fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s USING gin (payload jsonb_path_ops)`,
			pgx.Identifier{name + "_payload"}.Sanitize(), t),
		fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (expires_at) WHERE expires_at IS NOT NULL`,
			pgx.Identifier{name + "_expires"}.Sanitize(), t),
	}
	if dim <= maxIndexedDim {
		ddl = append(ddl, fmt.Sprintf(
			`CREATE INDEX IF NOT EXISTS %s ON %s USING hnsw (embedding vector_cosine_ops) WITH (m = %d, ef_construction = %d)`,
			pgx.Identifier{name + "_hnsw"}.Sanitize(), t, m, efConstruction))
	}
	return ddl
}
