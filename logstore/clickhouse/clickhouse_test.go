package clickhouse_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/clickhouse"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

var dbSeq atomic.Int64

// openTemp opens a store on a fresh database of the test server, dropped after the test.
func openTemp(t testing.TB, addr string) *clickhouse.Store {
	t.Helper()
	db := fmt.Sprintf("muninn_test_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
	s, err := clickhouse.Open(context.Background(), logstore.Config{DSN: "clickhouse://" + addr + "/" + db})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		admin, err := clickhouse.Open(context.Background(), logstore.Config{DSN: "clickhouse://" + addr + "/" + db})
		if err == nil {
			_ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS `"+db+"`")
			admin.Close()
		}
	})
	return s
}

func TestClickHouseConforms(t *testing.T) {
	addr := testenv.Require(t, testenv.ClickHouseAddr)
	logstoretest.Run(t, func(t *testing.T) logstore.Store { return openTemp(t, addr) })
}

func TestRollupMatchesRawTable(t *testing.T) {
	addr := testenv.Require(t, testenv.ClickHouseAddr)
	s := openTemp(t, addr)
	defer s.Close()
	ctx := context.Background()
	recs := logstoretest.Fixture(500)
	if err := s.WriteBatch(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// A replayed batch must not reach the rollup twice.
	if err := s.WriteBatch(logstore.WithReplay(ctx), recs[100:300]); err != nil {
		t.Fatal(err)
	}
	var rollReq, rawReq, rollCost, rawCost int64
	if err := s.QueryRow(ctx, fmt.Sprintf("SELECT toInt64(sum(requests)), sum(cost_nano) FROM `%s`.logs_hourly", s.Database()), &rollReq, &rollCost); err != nil {
		t.Fatal(err)
	}
	if err := s.QueryRow(ctx, fmt.Sprintf("SELECT toInt64(count()), sum(cost_nano) FROM `%s`.logs", s.Database()), &rawReq, &rawCost); err != nil {
		t.Fatal(err)
	}
	var wantCost int64
	for _, r := range recs {
		wantCost += r.CostNanoUSD
	}
	if rollReq != int64(len(recs)) || rawReq != int64(len(recs)) || rollCost != wantCost || rawCost != wantCost {
		t.Fatalf("rollup %d requests %d nano, raw %d requests %d nano; want %d requests %d nano",
			rollReq, rollCost, rawReq, rawCost, len(recs), wantCost)
	}
	for name, q := range clickhouse.DashboardQueries(s.Database()) {
		q = clickhouse.BindRange(q, logstoretest.FixtureStart, logstoretest.FixtureStart.Add(5*time.Hour))
		n, err := s.CountRows(ctx, q)
		if err != nil {
			t.Fatalf("dashboard query %s: %v", name, err)
		}
		if n == 0 {
			t.Fatalf("dashboard query %s returned no rows", name)
		}
	}
}

func TestRetentionWithoutTTLDropsExpiredMonths(t *testing.T) {
	addr := testenv.Require(t, testenv.ClickHouseAddr)
	s := openTemp(t, addr)
	db := s.Database()
	s.Close()
	s, err := clickhouse.Open(context.Background(), logstore.Config{DSN: "clickhouse://" + addr + "/" + db, Retention: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	old := logstoretest.Fixture(20) // February and March 2026
	fresh := logstoretest.Fixture(3)
	for i := range fresh {
		fresh[i].RequestID, fresh[i].TimeMs = fmt.Sprintf("fresh-%d", i), time.Now().UnixMilli()
	}
	if err := s.WriteBatch(ctx, append(old, fresh...)); err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := s.QueryRow(ctx, fmt.Sprintf("SELECT toInt64(count()) FROM `%s`.logs", db), &n); err != nil {
		t.Fatal(err)
	}
	// Servers with TTL drop the expired rows themselves (at insert), others by partition.
	if want := int64(len(fresh)); n != want {
		t.Fatalf("%d records after purge, want %d", n, want)
	}
}

// TestListWindowsOverRecentRecords pages through records spread over the last days, so
// that List's growing time windows (not only its unbounded fallback) answer.
func TestListWindowsOverRecentRecords(t *testing.T) {
	addr := testenv.Require(t, testenv.ClickHouseAddr)
	s := openTemp(t, addr)
	defer s.Close()
	ctx := context.Background()
	recs := logstoretest.Fixture(300)
	now := time.Now()
	for i := range recs {
		recs[i].TimeMs = now.Add(-time.Duration(i*i) * time.Minute).UnixMilli() // denser near now
	}
	if err := s.WriteBatch(ctx, recs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []logstore.Filter{{}, {Tenant: "acme"}, {To: now.Add(-30 * time.Hour)}} {
		q := logstore.ListQuery{Limit: 20, Filter: f}
		for pages := 0; ; pages++ {
			want, _ := logstoretest.List(recs, q)
			got, err := s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Records) != len(want.Records) || got.Next != want.Next {
				t.Fatalf("filter %+v page %d: %d records next %q, want %d next %q", f, pages, len(got.Records), got.Next, len(want.Records), want.Next)
			}
			for i := range want.Records {
				if got.Records[i].RequestID != want.Records[i].RequestID || got.Records[i].TimeMs != want.Records[i].TimeMs {
					t.Fatalf("filter %+v page %d record %d: %s, want %s", f, pages, i, got.Records[i].RequestID, want.Records[i].RequestID)
				}
			}
			if got.Next == "" {
				break
			}
			q.Cursor = got.Next
		}
	}
}
