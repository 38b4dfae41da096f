package clickhouse

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/chdb"
	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

// valuesSQL renders an INSERT of recs with literal values (chDB has no native protocol).
func valuesSQL(db string, recs []logstore.Record) string {
	var b strings.Builder
	b.WriteString(insertSQL(db))
	b.WriteString(" VALUES ")
	for i := range recs {
		r := &recs[i]
		if i > 0 {
			b.WriteByte(',')
		}
		tags := make([]string, len(r.Tags))
		for j, t := range r.Tags {
			tags[j] = quote(t)
		}
		vals := []string{
			quote(r.RequestID), itoa(r.TimeMs), itoa(r.Duration.Microseconds()), itoa(r.TTFB.Microseconds()),
			quote(r.Endpoint), quote(r.Tenant), quote(r.User), quote(r.Session), "[" + strings.Join(tags, ",") + "]",
			quote(jsonText(r.Metadata)), quote(r.Provider), quote(r.RequestedModel), quote(r.Model), quote(r.KeyName),
			itoa(int64(r.Status)), quote(r.ErrorType), quote(r.ErrorMessage), quote(jsonText(r.Attempts)), itoa(int64(b8(r.Stream))),
			itoa(r.PromptTokens), itoa(r.CompletionTokens), itoa(r.CachedTokens), itoa(r.CacheWriteTokens), itoa(r.ReasoningTokens),
			itoa(r.CostNanoUSD), itoa(int64(b8(r.CostUnknown))), quote(r.CacheStatus),
			strconv.FormatFloat(float64(r.Similarity), 'g', -1, 32), quote(r.CacheEntryID), itoa(r.SavedCostNanoUSD),
			itoa(r.SavedLatency.Microseconds()), quote(r.TraceID), quote(r.SpanID), quote(r.RequestBody), quote(r.ResponseBody),
			itoa(int64(b8(r.RequestTruncated))), itoa(int64(b8(r.ResponseTruncated))),
		}
		b.WriteString("(" + strings.Join(vals, ",") + ")")
	}
	return b.String()
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestModernEngine creates the production (24+) schema in ClickHouse 26 (chDB), loads the
// conformance fixture, and runs every analytics query: each must parse and return rows,
// and Stats must give the reference answers.
func TestModernEngine(t *testing.T) {
	lib := testenv.Require(t, testenv.ChdbLib)
	db, err := chdb.Open(lib, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const name = "muninn"
	stmts := append(SchemaSQL(name, Modern), TTLSQL(name, Modern, 10*365*24*time.Hour)...)
	for _, s := range stmts {
		if _, err := db.Query(s, "TabSeparated"); err != nil {
			t.Fatalf("DDL failed on the modern engine: %v\n%s", err, s)
		}
	}
	out, err := db.Query("SHOW CREATE TABLE muninn.logs", "TabSeparatedRaw")
	if err != nil || !strings.Contains(out, "LowCardinality") || !strings.Contains(out, "TTL") || !strings.Contains(out, "ZSTD") {
		t.Fatalf("modern features missing from the table: %v\n%s", err, out)
	}
	// Open skips MODIFY TTL when engine_full already shows the same interval.
	ttl := fmt.Sprintf("toIntervalSecond(%d)", int64(10*365*24*time.Hour/time.Second))
	if out, err := db.Query("SELECT engine_full FROM system.tables WHERE database = 'muninn' AND name = 'logs'", "TabSeparatedRaw"); err != nil || !strings.Contains(out, ttl) {
		t.Fatalf("engine_full lacks %s: %v\n%s", ttl, err, out)
	}
	recs := logstoretest.Fixture(logstoretest.FixtureSize)
	if _, err := db.Query(valuesSQL(name, recs), "TabSeparated"); err != nil {
		t.Fatalf("insert: %v", err)
	}

	if out, err := db.Query("SELECT count() FROM muninn.logs", "TabSeparated"); err != nil || strings.TrimSpace(out) != strconv.Itoa(len(recs)) {
		t.Fatalf("after insert: %v %q", err, out)
	}
	mid := logstoretest.FixtureStart.Add(90 * time.Minute)
	cursor := &logstore.Cursor{TimeMs: mid.UnixMilli(), RequestID: "req-00100"}
	for _, f := range []logstore.Filter{
		{}, {From: mid, To: mid.Add(time.Hour)}, {Tenant: "acme"}, {Provider: "openai", Model: "gpt-4o-2025"},
		{Status: 429}, {ErrorType: "upstream_error"}, {CacheStatus: logstore.CacheHitSemantic},
		{MinCostNano: 40_000_000}, {Text: "topic-3"}, {Text: `it's "quoted" \ text`},
	} {
		q := logstore.ListQuery{Filter: f, Limit: 50}
		for _, c := range []*logstore.Cursor{nil, cursor} {
			sql := ListSQL(name, &q, c)
			out, err := db.Query(sql, "TabSeparated")
			if err != nil {
				t.Fatalf("list query failed: %v\n%s", err, sql)
			}
			want, _ := logstoretest.List(recs, logstore.ListQuery{Filter: f, Limit: 50, Cursor: cursorString(c)})
			if n := len(lines(out)); n != min(len(want.Records)+boolInt(want.Next != ""), 51) {
				t.Fatalf("list %+v cursor %v: %d rows, reference %d", f, c, n, len(want.Records))
			}
		}
	}
	if out, err := db.Query(GetSQL(name, recs[7].RequestID), "TabSeparated"); err != nil || len(lines(out)) != 1 {
		t.Fatalf("get: %v %q", err, out)
	}
	if out, err := db.Query(existingSQL(name, []string{recs[3].RequestID, "missing"}, recs[0].TimeMs, recs[len(recs)-1].TimeMs), "TabSeparated"); err != nil || len(lines(out)) != 1 {
		t.Fatalf("replay check: %v %q", err, out)
	}

	for _, group := range []string{"", logstore.GroupModel, logstore.GroupProvider, logstore.GroupTenant} {
		q := logstore.StatsQuery{GroupBy: group, Bucket: 30 * time.Minute}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		sql := StatsSQL(name, &q)
		out, err := db.Query(sql, "TabSeparated")
		if err != nil {
			t.Fatalf("stats query failed: %v\n%s", err, sql)
		}
		want, _ := logstoretest.Stats(recs, q)
		got := lines(out)
		if len(got) != len(want) {
			t.Fatalf("stats by %q: %d rows, want %d", group, len(got), len(want))
		}
		for i, line := range got {
			f := strings.Split(line, "\t")
			w := want[i]
			p := []int64{w.LatencyP50.Microseconds(), w.LatencyP90.Microseconds(), w.LatencyP99.Microseconds()}
			wantLine := fmt.Sprintf("%d %s %d %d %d [%d,%d,%d]", w.BucketStart.UnixMilli(), w.Group, w.Requests, w.Errors, w.CostNanoUSD, p[0], p[1], p[2])
			gotLine := strings.Join([]string{f[0], f[1], f[2], f[3], f[9], f[len(f)-1]}, " ")
			if gotLine != wantLine {
				t.Fatalf("stats by %q row %d: %s, want %s", group, i, gotLine, wantLine)
			}
		}
	}

	for qn, q := range DashboardQueries(name) {
		sql := BindRange(q, logstoretest.FixtureStart, logstoretest.FixtureStart.Add(5*time.Hour))
		out, err := db.Query(sql, "TabSeparated")
		if err != nil {
			t.Fatalf("dashboard query %s failed: %v\n%s", qn, err, sql)
		}
		if len(lines(out)) == 0 {
			t.Fatalf("dashboard query %s returned no rows", qn)
		}
	}
}

func cursorString(c *logstore.Cursor) string {
	if c == nil {
		return ""
	}
	return logstore.EncodeCursor(&logstore.Record{TimeMs: c.TimeMs, RequestID: c.RequestID})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
