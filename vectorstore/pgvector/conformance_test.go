package pgvector_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/pgvector"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

// The test server (PGlite) is one Postgres session shared by every client, which
// accepts one connection at a time and refuses a new one made in the instant after the
// previous closed. So the tests in this package never run in parallel, share one
// single-connection pool (OpenPool) in exec mode, pause briefly after closing a pool of
// their own, and each uses tables under a prefix of its own, dropped at the end.

var shared struct {
	sync.Mutex
	pool *pgxpool.Pool
}

// settle gives a single-session server time to process a closed connection.
func settle() { time.Sleep(500 * time.Millisecond) }

func sharedPool(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.pool != nil {
		return shared.pool
	}
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	pc.MaxConns = 1
	pc.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	setup := pgvector.ConnSetup(testConfig(t, dsn, "unused"))
	pc.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		if _, err := c.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS vector"); err != nil {
			return err
		}
		return setup(ctx, c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	// A single-session server that just lost a client can refuse the next one for a
	// while: back off instead of failing the whole package.
	for wait := time.Second; ; wait *= 2 {
		err = pool.Ping(ctx)
		if err == nil || wait > 8*time.Second {
			break
		}
		time.Sleep(wait)
	}
	if err != nil {
		pool.Close()
		t.Fatalf("connect to the test Postgres: %v", err)
	}
	shared.pool = pool
	return pool
}

// releaseShared closes the shared pool so that a test can connect on its own.
func releaseShared() {
	shared.Lock()
	defer shared.Unlock()
	if shared.pool != nil {
		shared.pool.Close()
		shared.pool = nil
		settle()
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	releaseShared()
	os.Exit(code)
}

func testConfig(t testing.TB, dsn, prefix string) pgvector.Config {
	t.Helper()
	return pgvector.Config{
		URL: dsn, TablePrefix: prefix, ExecMode: "exec", MaxConns: 1,
		SweepInterval: pgvector.D(0), Timeout: pgvector.D(60 * time.Second),
	}
}

func newPrefix(t testing.TB, dsn string) string {
	t.Helper()
	prefix := fmt.Sprintf("mvt_%06x", rand.Uint32()&0xffffff)
	t.Cleanup(func() { dropPrefix(t, dsn, prefix) })
	return prefix
}

// openShared opens a store on the shared pool.
func openShared(t testing.TB, dsn string, cfg pgvector.Config) *pgvector.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := pgvector.OpenPool(ctx, sharedPool(t, dsn), cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

// dropPrefix drops the tables of a test prefix.
func dropPrefix(t testing.TB, dsn, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pool := sharedPool(t, dsn)
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND starts_with(tablename, $1)`, prefix+"_")
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	for _, n := range names {
		if _, err := pool.Exec(ctx, "DROP TABLE IF EXISTS "+pgx.Identifier{"public", n}.Sanitize()); err != nil {
			t.Errorf("cleanup: drop %s: %v", n, err)
		}
	}
}

func TestConformance(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	vectorstoretest.RunWithOptions(t, func(t *testing.T) vectorstore.Store {
		return openShared(t, dsn, testConfig(t, dsn, prefix))
	}, vectorstoretest.Options{ScoreTolerance: 1e-4})
}
