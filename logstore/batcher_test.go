package logstore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

// fast is a config that makes tests quick; deadlines in tests are failure bounds only.
func fast(spoolDir string) logstore.BatcherConfig {
	return logstore.BatcherConfig{
		QueueSize:     256,
		BatchRows:     64,
		FlushInterval: 5 * time.Millisecond,
		BackoffMin:    2 * time.Millisecond,
		BackoffMax:    20 * time.Millisecond,
		SpoolDir:      spoolDir,
		Logger:        slog.New(slog.DiscardHandler),
	}
}

const wait = 20 * time.Second

func records(from, n int) []logstore.Record {
	recs := logstoretest.Fixture(from + n)[from:]
	for i := range recs {
		recs[i].RequestID = fmt.Sprintf("b-%06d", from+i) // unique identities
	}
	return recs
}

func addAll(t *testing.T, b *logstore.Batcher, recs []logstore.Record) {
	t.Helper()
	for i := range recs {
		r := recs[i]
		if !b.TryAdd(&r) {
			t.Fatalf("TryAdd refused record %d: %+v", i, b.Stats())
		}
	}
}

func assertExactly(t *testing.T, m *logstoretest.MemStore, want []logstore.Record) {
	t.Helper()
	if got := m.WaitCount(len(want), wait); got != len(want) {
		t.Fatalf("sink holds %d records, want %d", got, len(want))
	}
	seen := map[string]bool{}
	for _, r := range m.Records() {
		seen[r.RequestID] = true
	}
	for _, r := range want {
		if !seen[r.RequestID] {
			t.Fatalf("record %s never arrived", r.RequestID)
		}
	}
}

func TestBatcherDeliversEverything(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spool bool
		n     int
	}{
		{"flush by rows and interval", true, 1000},
		{"without spool", false, 200},
		{"partial batch on close", true, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := logstoretest.NewMemStore()
			dir := ""
			if tc.spool {
				dir = t.TempDir()
			}
			cfg := fast(dir)
			cfg.FlushInterval = time.Hour // only rows and Close flush
			b, err := logstore.NewBatcher(m, cfg)
			if err != nil {
				t.Fatal(err)
			}
			recs := records(0, tc.n)
			addAll(t, b, recs)
			if err := b.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			assertExactly(t, m, recs)
			st := b.Stats()
			// Records the producer added faster than the queue drained were spooled and
			// replayed; every one was written once.
			if st.Written != int64(tc.n) || st.Dropped != 0 || st.Spooled != st.Replayed {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestBatcherSpoolsWhileSinkIsDownAndReplays(t *testing.T) {
	m := logstoretest.NewMemStore()
	b, err := logstore.NewBatcher(m, fast(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(context.Background())
	recs := records(0, 3000)
	addAll(t, b, recs[:500])
	m.WaitCount(500, wait)
	m.Fail(logstore.Retryable(errors.New("connection refused"), 0))
	addAll(t, b, recs[500:2500])
	// Wait until the outage was seen and records went to the spool.
	deadline := time.Now().Add(wait)
	for b.Stats().Spooled == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	m.Fail(nil)
	addAll(t, b, recs[2500:])
	assertExactly(t, m, recs)
	st := b.Stats()
	if st.Spooled == 0 || st.Replayed == 0 || st.WriteErrors == 0 || st.Dropped != 0 {
		t.Fatalf("stats %+v: want spooled, replayed and write errors, nothing dropped", st)
	}
	if _, replays := m.Batches(); replays == 0 {
		t.Fatal("replayed batches were not marked as replays")
	}
}

func TestTryAddNeverBlocksWhenTheSinkStalls(t *testing.T) {
	m := logstoretest.NewMemStore()
	release := m.Stall()
	cfg := fast(t.TempDir())
	cfg.WriteTimeout = time.Hour
	b, err := logstore.NewBatcher(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := records(0, cfg.QueueSize*8)
	addAll(t, b, recs) // would deadlock here if TryAdd waited for the sink
	if st := b.Stats(); st.Spooled == 0 {
		t.Fatalf("queue overflow did not reach the spool: %+v", st)
	}
	release()
	assertExactly(t, m, recs)
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWithoutSpoolOverflowIsDroppedAndCounted(t *testing.T) {
	m := logstoretest.NewMemStore()
	release := m.Stall()
	defer release()
	cfg := fast("")
	cfg.WriteTimeout = time.Hour
	b, err := logstore.NewBatcher(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	recs := records(0, cfg.QueueSize*4)
	for i := range recs {
		if !b.TryAdd(&recs[i]) {
			refused++
		}
	}
	st := b.Stats()
	if refused == 0 || st.Dropped != int64(refused) {
		t.Fatalf("refused %d, stats %+v: want drops counted", refused, st)
	}
	release()
	b.Close(context.Background())
}

// pickySink refuses records whose id has a prefix, for good; the rest go to a MemStore.
type pickySink struct {
	*logstoretest.MemStore
	bad string
}

func (p pickySink) WriteBatch(ctx context.Context, recs []logstore.Record) error {
	for _, r := range recs {
		if strings.HasPrefix(r.RequestID, p.bad) {
			return errors.New("value out of range")
		}
	}
	return p.MemStore.WriteBatch(ctx, recs)
}

func TestFinalErrorsIsolateBadRecords(t *testing.T) {
	m := logstoretest.NewMemStore()
	b, err := logstore.NewBatcher(pickySink{m, "bad-"}, fast(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	recs := records(0, 300)
	recs[17].RequestID, recs[200].RequestID = "bad-1", "bad-2"
	addAll(t, b, recs)
	b.Close(context.Background())
	if got := m.Count(); got != 298 {
		t.Fatalf("stored %d, want the 298 good records", got)
	}
	if st := b.Stats(); st.Rejected != 2 {
		t.Fatalf("stats %+v: want 2 rejected", st)
	}
}

func TestRestartReplaysTheSpool(t *testing.T) {
	dir := t.TempDir()
	down := logstoretest.NewMemStore()
	down.Fail(logstore.Retryable(errors.New("no route to host"), 0))
	b1, err := logstore.NewBatcher(down, fast(dir))
	if err != nil {
		t.Fatal(err)
	}
	recs := records(0, 700)
	addAll(t, b1, recs)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	b1.Close(ctx)
	if st := b1.Stats(); st.Spooled != int64(len(recs)) || st.SpoolBytes == 0 {
		t.Fatalf("first process: %+v, want all %d spooled", st, len(recs))
	}

	up := logstoretest.NewMemStore()
	b2, err := logstore.NewBatcher(up, fast(dir))
	if err != nil {
		t.Fatal(err)
	}
	assertExactly(t, up, recs)
	if err := b2.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := b2.Stats(); st.Replayed != int64(len(recs)) || st.SpoolBytes != 0 {
		t.Fatalf("second process: %+v", st)
	}
}

func TestCorruptSpoolKeepsGoodRecordsAndReports(t *testing.T) {
	dir := t.TempDir()
	down := logstoretest.NewMemStore()
	down.Fail(logstore.Retryable(errors.New("down"), 0))
	cfg := fast(dir)
	b1, err := logstore.NewBatcher(down, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := records(0, 100)
	addAll(t, b1, recs)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	b1.Close(ctx)

	// Cut the last segment in the middle of a record, as a crash during a write would.
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) == 0 {
		t.Fatal("no spool segment written")
	}
	last := segs[len(segs)-1]
	data, _ := os.ReadFile(last)
	os.WriteFile(last, data[:len(data)-40], 0o640)

	up := logstoretest.NewMemStore()
	b2, err := logstore.NewBatcher(up, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := up.WaitCount(len(recs)-1, wait)
	b2.Close(context.Background())
	if got != len(recs)-1 {
		t.Fatalf("%d records survived, want all but the torn one (%d)", got, len(recs)-1)
	}
	if st := b2.Stats(); st.SpoolCorruptRegions != 1 || st.SpoolCorruptBytes == 0 {
		t.Fatalf("corruption not reported: %+v", st)
	}
}

func TestCloseIsSafeWithConcurrentAdds(t *testing.T) {
	m := logstoretest.NewMemStore()
	b, err := logstore.NewBatcher(m, fast(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i, r := range records(g*1000, 1000) {
				_ = i
				if b.TryAdd(&r) {
					mu.Lock()
					accepted++
					mu.Unlock()
				}
			}
		}(g)
	}
	b.Close(context.Background())
	wg.Wait()
	if got := m.Count(); got != accepted {
		t.Fatalf("accepted %d records but stored %d", accepted, got)
	}
	if st := b.Stats(); st.Dropped != int64(4000-accepted) {
		t.Fatalf("stats %+v, accepted %d", st, accepted)
	}
	if b.Close(context.Background()) != nil {
		t.Fatal("second Close failed")
	}
}

func TestBatcherConfigErrors(t *testing.T) {
	for _, cfg := range []logstore.BatcherConfig{
		{SpoolSync: "sometimes"},
		{QueueSize: -1},
		{BackoffMin: time.Second, BackoffMax: time.Millisecond},
	} {
		if _, err := logstore.NewBatcher(logstoretest.NewMemStore(), cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	if _, err := logstore.NewBatcher(nil, logstore.BatcherConfig{}); err == nil {
		t.Error("nil sink accepted")
	}
}

// TestReplayIsNotStarvedBySteadyLoad keeps the queue busy while the spool holds records:
// the spool must still drain, because a spooled batch follows every live one.
func TestReplayIsNotStarvedBySteadyLoad(t *testing.T) {
	m := logstoretest.NewMemStore()
	m.Fail(logstore.Retryable(errors.New("down"), 0))
	cfg := fast(t.TempDir())
	b, err := logstore.NewBatcher(slowSink{m}, cfg) // slower than the producer: the queue never empties
	if err != nil {
		t.Fatal(err)
	}
	spooled := records(0, 1000)
	addAll(t, b, spooled)
	deadline := time.Now().Add(wait)
	for b.Stats().Spooled < int64(len(spooled)) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	m.Fail(nil)
	stop := make(chan struct{})
	done := make(chan int)
	tmpl := records(1000, 1)[0]
	go func() {
		n := 0
		for i := 1000; ; i++ {
			select {
			case <-stop:
				done <- n
				return
			default:
			}
			r := tmpl
			r.RequestID = fmt.Sprintf("live-%07d", i)
			if b.TryAdd(&r) {
				n++
			}
		}
	}()
	// Look at the first 40 batches the sink took after it came back: with a spooled
	// batch after every live one, about half are replays.
	for all, _ := m.Batches(); all < 40 && time.Now().Before(deadline); all, _ = m.Batches() {
		time.Sleep(time.Millisecond)
	}
	all, replays := m.Batches()
	close(stop)
	live := <-done
	if replays < all/3 {
		t.Fatalf("%d of the first %d batches were replays: the live load starves the spool", replays, all)
	}
	b.Close(context.Background())
	if got := m.Count(); got != len(spooled)+live {
		t.Fatalf("stored %d, want %d", got, len(spooled)+live)
	}
}

// slowSink takes a millisecond per batch.
type slowSink struct{ *logstoretest.MemStore }

func (s slowSink) WriteBatch(ctx context.Context, recs []logstore.Record) error {
	time.Sleep(time.Millisecond)
	return s.MemStore.WriteBatch(ctx, recs)
}

func TestSpoolBoundDropsAreCounted(t *testing.T) {
	m := logstoretest.NewMemStore()
	m.Fail(logstore.Retryable(errors.New("down"), 0))
	cfg := fast(t.TempDir())
	cfg.SpoolMaxBytes, cfg.SpoolSegmentBytes = 32<<10, 8<<10
	b, err := logstore.NewBatcher(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := records(0, 500)
	accepted := 0
	for i := range recs {
		if b.TryAdd(&recs[i]) {
			accepted++
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	b.Close(ctx)
	st := b.Stats()
	if st.Dropped == 0 || st.Spooled+st.Dropped != int64(len(recs)) || st.SpoolBytes > cfg.SpoolMaxBytes {
		t.Fatalf("stats %+v: want spooled+dropped = %d, drops counted, spool within %d bytes", st, len(recs), cfg.SpoolMaxBytes)
	}
	if int64(accepted) < st.Spooled {
		t.Fatalf("accepted %d but spooled %d", accepted, st.Spooled)
	}
}
