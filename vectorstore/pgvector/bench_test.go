package pgvector_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

// Benchmarks: search latency (k=10, with and without a payload filter) and the insert
// rate of loading n points of dimension benchDim, against the Postgres of
// MUNINN_TEST_POSTGRES (PGlite in CI). With -tags benchcompare the built-in store runs
// in the same process as the baseline (bench_builtin_test.go).
//
//	go test -run '^$' -bench . -benchtime 100x ./vectorstore/pgvector/
//
// PGlite is a single-threaded WebAssembly Postgres whose HNSW maintenance is slow (about
// 40 points/s at 10k points), so the 100k size runs only with MUNINN_BENCH_100K=1 (over
// 40 minutes there) or MUNINN_BENCH_100K=bulk: the HNSW index is dropped before the load
// and built once after it, the usual way to bulk-load pgvector; the build time is
// reported as the index_build_s metric.
// Each (backend, n) is loaded once per process; the load rate is reported as the
// insert_pts/s metric of every benchmark of that size.

const benchDim = 384

var benchSizes = []int{10_000, 100_000}

// pgliteMax is the largest size loaded into the test Postgres.
func pgliteMax() int {
	if os.Getenv("MUNINN_BENCH_100K") != "" {
		return 100_000
	}
	return 10_000
}

var bench = &vectorstoretest.Bench{Dim: benchDim, Sizes: benchSizes, Cleanup: runBenchCleanups, Backends: []vectorstoretest.BenchBackend{
	{
		Name:      "pgvector-pglite",
		MaxPoints: pgliteMax,
		Open: func(b *testing.B) vectorstore.Store {
			dsn := testenv.Require(b, testenv.PostgresDSN)
			prefix := fmt.Sprintf("mvb_%06x", rand.Uint32()&0xffffff)
			benchCleanups = append(benchCleanups, func() { dropPrefix(b, dsn, prefix) })
			benchPrefix = prefix
			return openShared(b, dsn, testConfig(b, dsn, prefix))
		},
		Bulk: func(b *testing.B, st vectorstore.Store, ns string, n int) func() time.Duration {
			if n <= 10_000 || os.Getenv("MUNINN_BENCH_100K") != "bulk" {
				return nil
			}
			pool := sharedPool(b, testenv.Require(b, testenv.PostgresDSN))
			if err := st.(vectorstore.NamespaceEnsurer).EnsureNamespace(context.Background(), ns, benchDim); err != nil {
				b.Fatal(err)
			}
			index := pgx.Identifier{fmt.Sprintf("%s_d%d_hnsw", benchPrefix, benchDim)}.Sanitize()
			table := pgx.Identifier{fmt.Sprintf("%s_d%d", benchPrefix, benchDim)}.Sanitize()
			if _, err := pool.Exec(context.Background(), "DROP INDEX "+index); err != nil {
				b.Fatal(err)
			}
			return func() time.Duration {
				start := time.Now()
				if _, err := pool.Exec(context.Background(), "CREATE INDEX "+index+" ON "+table+
					" USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
		},
	},
}}

var benchPrefix string

var benchCleanups []func()

func runBenchCleanups() {
	for _, c := range benchCleanups {
		c()
	}
	benchCleanups = nil
}

func BenchmarkSearch(b *testing.B) { bench.Search(b) }

// BenchmarkRoundTrip isolates the backend's per-call cost on a 16-point namespace.
func BenchmarkRoundTrip(b *testing.B) { bench.RoundTrip(b) }
