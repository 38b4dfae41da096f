package pgvector_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/pgvector"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

func tctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr string
		check   func(t *testing.T, c pgvector.Config)
	}{
		{name: "url only gives defaults", raw: `{"url":"postgres://u:p@h/db"}`, check: func(t *testing.T, c pgvector.Config) {
			if c.Schema != "public" || c.TablePrefix != "muninn_vectors" || c.EfSearch != 100 || c.IterativeScan != "auto" ||
				c.BatchSize != 200 || c.SweepInterval.Duration != time.Minute || c.Timeout.Duration != 10*time.Second || c.HNSWM != 16 {
				t.Fatalf("defaults: %+v", c)
			}
		}},
		{name: "full", raw: `{"url":"postgres://h/db","schema":"cache","table_prefix":"mv","max_conns":8,"min_conns":2,
			"max_conn_lifetime":"30m","max_conn_idle_time":"5m","exec_mode":"exec","ef_search":200,"iterative_scan":"strict_order",
			"max_scan_tuples":50000,"hnsw_m":32,"hnsw_ef_construction":128,"batch_size":500,"sweep_interval":"off","timeout":"2s"}`,
			check: func(t *testing.T, c pgvector.Config) {
				if c.Schema != "cache" || c.MaxConns != 8 || c.ExecMode != "exec" || c.IterativeScan != "strict_order" ||
					c.SweepInterval.Duration != 0 || c.MaxConnLifetime.Duration != 30*time.Minute || c.HNSWEfConstruction != 128 {
					t.Fatalf("parsed: %+v", c)
				}
			}},
		{name: "no url", raw: `{}`, wantErr: "url is required"},
		{name: "unknown field", raw: `{"url":"postgres://h/db","pool_size":3}`, wantErr: "unknown field"},
		{name: "bad exec mode", raw: `{"url":"postgres://h/db","exec_mode":"fast"}`, wantErr: "exec_mode"},
		{name: "bad iterative scan", raw: `{"url":"postgres://h/db","iterative_scan":"yes"}`, wantErr: "iterative_scan"},
		{name: "injection in prefix", raw: `{"url":"postgres://h/db","table_prefix":"x; DROP TABLE y"}`, wantErr: "table_prefix"},
		{name: "min above max", raw: `{"url":"postgres://h/db","max_conns":2,"min_conns":3}`, wantErr: "min_conns"},
		{name: "ef_search range", raw: `{"url":"postgres://h/db","ef_search":5000}`, wantErr: "ef_search"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pgvector.ParseConfig(json.RawMessage(tc.raw))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// TestOpenByNameOwnPool opens the store the way Muninn's main does: by name, from JSON,
// with a plain postgres:// URL and a pool of its own.
func TestOpenByNameOwnPool(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	releaseShared()
	raw, _ := json.Marshal(map[string]any{"url": dsn, "table_prefix": prefix, "exec_mode": "exec", "max_conns": 1, "sweep_interval": "off"})
	st, err := vectorstore.Open(tctx(t), "pgvector", raw)
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*pgvector.Store)
	if !strings.HasPrefix(s.PgvectorVersion(), "0.") || s.IterativeScan() == "" {
		t.Fatalf("version %q, iterative scan %q", s.PgvectorVersion(), s.IterativeScan())
	}
	t.Logf("pgvector %s, iterative scan %s", s.PgvectorVersion(), s.IterativeScan())
	if err := s.Upsert(tctx(t), "ns", []vectorstore.Point{{ID: "a", Vector: []float32{3, 4}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Search(tctx(t), "ns", []float32{1, 0}, 1, nil)
	if err != nil || len(got) != 1 || got[0].Score < 0.5999 || got[0].Score > 0.6001 {
		t.Fatalf("search: %v, %v", got, err)
	}
	if err := s.Ping(tctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	settle()
	if err := s.Ping(tctx(t)); !errors.Is(err, vectorstore.ErrClosed) {
		t.Fatalf("ping after close: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	cfg := testConfig(t, dsn, prefix)
	for range 2 { // the second open finds the schema current
		openShared(t, dsn, cfg).Close()
	}
	pool := sharedPool(t, dsn)
	var versions []int
	rows, err := pool.Query(tctx(t), "SELECT version FROM "+pgx.Identifier{prefix + "_migrations"}.Sanitize()+" ORDER BY version")
	if err == nil {
		versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	}
	if err != nil || !slices.Equal(versions, []int{1}) {
		t.Fatalf("migrations recorded: %v, %v", versions, err)
	}
	if _, err := pool.Exec(tctx(t), "INSERT INTO "+pgx.Identifier{prefix + "_migrations"}.Sanitize()+" (version) VALUES (99)"); err != nil {
		t.Fatal(err)
	}
	_, err = pgvector.OpenPool(tctx(t), pool, cfg)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("open on a newer schema: %v", err)
	}
}

func TestRejectsNUL(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	s := openShared(t, dsn, testConfig(t, dsn, newPrefix(t, dsn)))
	defer s.Close()
	for _, p := range []vectorstore.Point{
		{ID: "a\x00b", Vector: []float32{1}},
		{ID: "a", Vector: []float32{1}, Payload: map[string]string{"k": "v\x00"}},
	} {
		if err := s.Upsert(tctx(t), "ns", []vectorstore.Point{p}); !errors.Is(err, vectorstore.ErrInvalidArgument) {
			t.Fatalf("upsert %q: %v", p.ID, err)
		}
	}
	if got, err := s.Search(tctx(t), "ns", []float32{1}, 3, vectorstore.Filter{"k": "\x00"}); err != nil || len(got) != 0 {
		t.Fatalf("search with NUL filter: %v, %v", got, err)
	}
}

// TestFilteredSearchKeepsRecall: a small namespace and a rare payload value inside a big
// table still get their exact top k while the HNSW index drives the scan (iterative
// index scans continue past ef_search candidates that the filter rejects).
func TestFilteredSearchKeepsRecall(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	cfg := testConfig(t, dsn, prefix)
	cfg.EfSearch = 10 // small on purpose: without iterative scans filtered searches come back short
	s := openShared(t, dsn, cfg)
	defer s.Close()
	// The session is shared: put the default search settings back at the end.
	defer func() { openShared(t, dsn, testConfig(t, dsn, prefix)).Close() }()
	const dim, big, small = 8, 1000, 12
	r := rand.New(rand.NewPCG(3, 4))
	vec := func() []float32 {
		v := make([]float32, dim)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	var bigPts []vectorstore.Point
	for i := range big {
		p := vectorstore.Point{ID: fmt.Sprintf("b%04d", i), Vector: vec(), Payload: map[string]string{"tenant": "common"}}
		if i%50 == 0 {
			p.Payload["tenant"] = "rare"
		}
		bigPts = append(bigPts, p)
	}
	if err := s.Upsert(tctx(t), "big", bigPts); err != nil {
		t.Fatal(err)
	}
	var smallPts []vectorstore.Point
	for i := range small {
		smallPts = append(smallPts, vectorstore.Point{ID: fmt.Sprintf("s%02d", i), Vector: vec()})
	}
	if err := s.Upsert(tctx(t), "small", smallPts); err != nil {
		t.Fatal(err)
	}
	pool := sharedPool(t, dsn)
	// Make the planner take the HNSW index (the only path giving the order without a
	// sort), as it does when a namespace is a small part of a large table. Left alone on
	// this small table it rightly prefers the primary key and an exact sort.
	for _, set := range []string{"enable_seqscan", "enable_sort", "enable_bitmapscan"} {
		if _, err := pool.Exec(tctx(t), "SET "+set+" = off"); err != nil {
			t.Fatal(err)
		}
		defer pool.Exec(context.Background(), "RESET "+set)
	}
	q := vec()
	var plan strings.Builder
	rows, err := pool.Query(tctx(t), "EXPLAIN SELECT id FROM "+pgx.Identifier{prefix + "_d8"}.Sanitize()+
		" WHERE ns = 'small' ORDER BY embedding <=> '"+vectorString(q)+"'::vector LIMIT 5")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "_hnsw") {
		t.Fatalf("search plan does not use the HNSW index:\n%s", plan.String())
	}
	exact := func(pts []vectorstore.Point, f vectorstore.Filter, k int) []string {
		var ms []vectorstore.Match
		for _, p := range pts {
			if f.Matches(p.Payload) {
				ms = append(ms, vectorstore.Match{ID: p.ID, Score: vectorstore.Cosine(q, p.Vector)})
			}
		}
		vectorstore.SortMatches(ms)
		var ids []string
		for _, m := range ms[:min(k, len(ms))] {
			ids = append(ids, m.ID)
		}
		return ids
	}
	tests := []struct {
		name string
		ns   string
		pts  []vectorstore.Point
		f    vectorstore.Filter
	}{
		{"small namespace in a big table", "small", smallPts, nil},
		{"rare payload value", "big", bigPts, vectorstore.Filter{"tenant": "rare"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Search(tctx(t), tc.ns, q, 10, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range got {
				ids = append(ids, m.ID)
			}
			want := exact(tc.pts, tc.f, 10)
			withoutIter := searchWithoutIterativeScan(t, dsn, prefix, tc.ns, q, tc.f)
			t.Logf("without iterative scans the same search returns %d of %d rows", withoutIter, len(want))
			if len(ids) != len(want) {
				t.Fatalf("got %d results %v, want %d %v", len(ids), ids, len(want), want)
			}
			overlap := 0
			for _, id := range ids {
				if slices.Contains(want, id) {
					overlap++
				}
			}
			if overlap < len(want)-1 {
				t.Fatalf("recall %d/%d: got %v, want %v", overlap, len(want), ids, want)
			}
		})
	}
}

// searchWithoutIterativeScan runs a search with iterative scans off (the pgvector < 0.8
// behaviour) and reports how many rows came back, then restores the session settings.
func searchWithoutIterativeScan(t *testing.T, dsn, prefix, ns string, q []float32, f vectorstore.Filter) int {
	cfg := testConfig(t, dsn, prefix)
	cfg.EfSearch, cfg.IterativeScan = 10, "off"
	s := openShared(t, dsn, cfg)
	got, err := s.Search(tctx(t), ns, q, 10, f)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	restore := testConfig(t, dsn, prefix)
	restore.EfSearch = 10
	openShared(t, dsn, restore).Close()
	return len(got)
}

func vectorString(v []float32) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestBackgroundSweep(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	cfg := testConfig(t, dsn, prefix)
	cfg.SweepInterval = pgvector.D(20 * time.Millisecond)
	s := openShared(t, dsn, cfg)
	defer s.Close()
	err := s.Upsert(tctx(t), "ns", []vectorstore.Point{
		{ID: "old", Vector: []float32{1, 0}, ExpiresAt: time.Now().Add(-time.Second)},
		{ID: "live", Vector: []float32{0, 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	pool := sharedPool(t, dsn)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		if err := pool.QueryRow(tctx(t), "SELECT count(*) FROM "+pgx.Identifier{prefix + "_d2"}.Sanitize()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired row not swept: %d rows", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReplicasShareEntries: two independent stores (each with its own caches, as two
// gateway processes have) on one database see each other's points, namespaces and
// dimensions.
func TestReplicasShareEntries(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	cfg := testConfig(t, dsn, newPrefix(t, dsn))
	a := openShared(t, dsn, cfg)
	defer a.Close()
	b := openShared(t, dsn, cfg)
	defer b.Close()
	vectorstoretest.RunShared(t, a, b)
}

// TestTwoProcesses runs two real OS processes (this test binary re-executed), each
// opening the store from its URL the way a gateway does: the second sees the first's
// entry and adds its own, which the parent then sees. They run one after the other
// because the test server accepts one connection at a time; on a real Postgres the same
// code runs concurrently.
func TestTwoProcesses(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	releaseShared()
	run := func(role string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestReplicaProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MUNINN_PGV_ROLE="+role, "MUNINN_PGV_PREFIX="+prefix)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("process %s: %v\n%s", role, err, out)
		}
		settle()
	}
	run("first")
	run("second")
	s := openShared(t, dsn, testConfig(t, dsn, prefix))
	defer s.Close()
	got, err := s.Search(tctx(t), "gw", []float32{1, 1}, 5, nil)
	if err != nil || len(got) != 2 {
		t.Fatalf("parent sees %v, %v; want both processes' entries", got, err)
	}
}

// TestReplicaProcess is the body of one gateway process in TestTwoProcesses.
func TestReplicaProcess(t *testing.T) {
	role, prefix := os.Getenv("MUNINN_PGV_ROLE"), os.Getenv("MUNINN_PGV_PREFIX")
	if role == "" {
		t.Skip("run by TestTwoProcesses")
	}
	dsn := testenv.Require(t, testenv.PostgresDSN)
	raw, _ := json.Marshal(map[string]any{"url": dsn, "table_prefix": prefix, "exec_mode": "exec", "max_conns": 1, "sweep_interval": "off"})
	st, err := vectorstore.Open(tctx(t), "pgvector", raw)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if role == "second" {
		got, err := st.Search(tctx(t), "gw", []float32{1, 0}, 5, vectorstore.Filter{"by": "first"})
		if err != nil || len(got) != 1 || got[0].ID != "q-first" {
			t.Fatalf("second process sees %v, %v", got, err)
		}
	}
	err = st.Upsert(tctx(t), "gw", []vectorstore.Point{{ID: "q-" + role, Vector: []float32{1, float32(len(role))}, Payload: map[string]string{"by": role}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestErrorsDoNotRevealPassword(t *testing.T) {
	const pw = "s3cr3t-pw-do-not-print"
	for _, url := range []string{
		"postgres://muninn:" + pw + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", // nothing listens there
		"postgres://muninn:" + pw + "@127.0.0.1:notaport/db",                            // malformed
		"postgres://muninn:" + pw + "@127.0.0.1:1/db?sslmode=bogus",                     // bad option
	} {
		raw, _ := json.Marshal(map[string]any{"url": url, "timeout": "3s"})
		_, err := vectorstore.Open(tctx(t), "pgvector", raw)
		if err == nil {
			t.Fatalf("open %s succeeded", strings.ReplaceAll(url, pw, "***"))
		}
		if strings.Contains(err.Error(), pw) {
			t.Fatalf("error reveals the password: %v", err)
		}
	}
}
