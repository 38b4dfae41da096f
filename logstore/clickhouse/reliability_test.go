package clickhouse_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/clickhouse"
	"github.com/muninn-gw/muninn/logstore/clickhouse/internal/chservertest"
)

func quietConfig(spool string) logstore.BatcherConfig {
	return logstore.BatcherConfig{
		QueueSize:     4096,
		BatchRows:     500,
		FlushInterval: 20 * time.Millisecond,
		WriteTimeout:  3 * time.Second,
		BackoffMin:    20 * time.Millisecond,
		BackoffMax:    300 * time.Millisecond,
		SpoolDir:      spool,
		SpoolSync:     logstore.SyncAlways,
		Logger:        slog.New(slog.DiscardHandler),
	}
}

func record(i int, base time.Time) logstore.Record {
	return logstore.Record{
		RequestID: fmt.Sprintf("rel-%07d", i), TimeMs: base.UnixMilli() + int64(i),
		Endpoint: "chat", Tenant: []string{"acme", "globex"}[i%2], Provider: "openai", Model: "gpt-4o-mini",
		RequestedModel: "gpt-4o-mini", Status: 200, Duration: time.Duration(1000+i%5000) * time.Microsecond,
		PromptTokens: int64(i % 700), CompletionTokens: 42, CostNanoUSD: int64(1000 + i), CacheStatus: logstore.CacheMiss,
		RequestBody:  `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello ` + strconv.Itoa(i) + `"}]}`,
		ResponseBody: `{"choices":[{"message":{"content":"hi"}}]}`,
	}
}

// waitFor polls cond; the deadline only bounds a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// assertStoredOnce checks that the table and its rollup hold exactly n distinct records.
// assertStoredOnce checks that the logs table holds exactly n records, each once, and
// that the hourly rollup counts n of them give or take rollupSlack. ClickHouse writes a
// table and its materialized views non-atomically: a server killed in the middle of an
// insert can keep the rows of that one batch in one and not the other, so an outage may
// leave the rollup off by up to one batch (the raw table, which /api/logs and /api/stats
// read, stays exact).
func assertStoredOnce(t *testing.T, s *clickhouse.Store, n, rollupSlack int) {
	t.Helper()
	ctx := context.Background()
	var rows, distinct, rolled int64
	if err := s.QueryRow(ctx, fmt.Sprintf("SELECT toInt64(count()), toInt64(uniqExact(request_id, ts_ms)) FROM `%s`.logs", s.Database()), &rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := s.QueryRow(ctx, fmt.Sprintf("SELECT toInt64(sum(requests)) FROM `%s`.logs_hourly", s.Database()), &rolled); err != nil {
		t.Fatal(err)
	}
	if distinct != int64(n) || rows != int64(n) {
		t.Fatalf("stored %d rows, %d distinct; want exactly %d of each", rows, distinct, n)
	}
	if d := rolled - int64(n); d < -int64(rollupSlack) || d > int64(rollupSlack) {
		t.Fatalf("rollup counts %d for %d records; want within %d", rolled, n, rollupSlack)
	}
	if rolled != int64(n) {
		t.Logf("rollup counts %d for %d records: an insert was cut by the server's kill", rolled, n)
	}
}

// TestOutageUnderSteadyLoad stops a private ClickHouse while records keep coming, then
// restarts it: every record arrives, none twice; the rollup is off by at most the batch
// in flight when the server died.
func TestOutageUnderSteadyLoad(t *testing.T) {
	testenv.Require(t, testenv.ClickHouseAddr) // CI has the server binary when this is set
	srv := chservertest.Start(t)
	store := openTemp(t, srv.Addr())
	defer store.Close()
	cfg := quietConfig(t.TempDir())
	b, err := logstore.NewBatcher(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Hour)
	var added atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // steady load: about 2 records per millisecond, below the sink's capacity
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			r := record(i, base)
			if !b.TryAdd(&r) {
				t.Errorf("record %d refused: %+v", i, b.Stats())
				return
			}
			added.Add(1)
			if i%2 == 1 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	phase := time.Now()
	logPhase := func(name string) {
		t.Logf("%s after %v: %+v", name, time.Since(phase).Round(time.Millisecond), b.Stats())
		phase = time.Now()
	}
	waitFor(t, "records written before the outage", func() bool { return b.Stats().Written >= 500 })
	logPhase("written")
	srv.Stop()
	waitFor(t, "records spooled during the outage", func() bool { return b.Stats().Spooled >= 500 })
	logPhase("spooled")
	srv.Restart()
	logPhase("restarted")
	waitFor(t, "replay after the restart", func() bool { st := b.Stats(); return st.Replayed >= 500 && !st.SinkDown })
	logPhase("replayed")
	w := b.Stats().Written
	waitFor(t, "records written after the restart", func() bool { return b.Stats().Written >= w+500 })
	logPhase("written again")
	close(stop)
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := b.Stats()
	t.Logf("added %d, stats %+v", added.Load(), st)
	if st.Dropped != 0 || st.Rejected != 0 || st.SpoolBytes != 0 {
		t.Fatalf("stats %+v: want nothing dropped or left in the spool", st)
	}
	assertStoredOnce(t, store, int(added.Load()), cfg.BatchRows)
}

const (
	childEnv      = "MUNINN_LOGSTORE_KILL_CHILD"
	childSpoolEnv = "MUNINN_LOGSTORE_KILL_SPOOL"
	childN        = 3000
)

// TestSpoolSurvivesKill runs a writer process whose ClickHouse is unreachable, kills it
// with SIGKILL once its records are spooled, and starts a new writer on the same spool
// with the sink up: the spooled records arrive, once.
func TestSpoolSurvivesKill(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		killChild()
		return
	}
	addr := testenv.Require(t, testenv.ClickHouseAddr)
	spool := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSpoolSurvivesKill$", "-test.v=false")
	cmd.Env = append(os.Environ(), childEnv+"=1", childSpoolEnv+"="+spool)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	spooled := false
	for sc.Scan() {
		if sc.Text() == "SPOOLED" {
			spooled = true
			break
		}
	}
	if !spooled {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("child never reported its records spooled")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	store := openTemp(t, addr)
	defer store.Close()
	b, err := logstore.NewBatcher(store, quietConfig(spool))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "spooled records replayed", func() bool { return b.Stats().Replayed >= childN })
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertStoredOnce(t, store, childN, 0)
}

// killChild is the writer process: the sink is a port nobody listens on.
func killChild() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	dead := l.Addr().String()
	l.Close()
	ctx := context.Background()
	store, err := clickhouse.Open(ctx, logstore.Config{DSN: "clickhouse://" + dead + "/nowhere?dial_timeout=200ms"})
	if err != nil {
		panic(err)
	}
	b, err := logstore.NewBatcher(store, quietConfig(os.Getenv(childSpoolEnv)))
	if err != nil {
		panic(err)
	}
	base := time.Now().Add(-time.Hour)
	for i := 0; i < childN; i++ {
		r := record(i, base)
		b.TryAdd(&r)
	}
	for b.Stats().Spooled < childN {
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("SPOOLED")
	select {} // wait for SIGKILL
}
