package logstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/logstore"
)

// FixtureSize is the number of records Run writes.
const FixtureSize = 300

// Run is the conformance suite. open returns a new, empty store for each subtest (the
// suite closes it).
func Run(t *testing.T, open func(t *testing.T) logstore.Store) {
	ctx := context.Background()
	recs := Fixture(FixtureSize)
	load := func(t *testing.T) logstore.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { s.Close() })
		// Two batches, the second overlapping the first: the overlap must be stored once.
		if err := s.WriteBatch(ctx, recs[:200]); err != nil {
			t.Fatalf("WriteBatch: %v", err)
		}
		if err := s.WriteBatch(logstore.WithReplay(ctx), recs[150:]); err != nil {
			t.Fatalf("WriteBatch (replay): %v", err)
		}
		return s
	}

	t.Run("GetRoundTrip", func(t *testing.T) {
		s := load(t)
		for _, i := range []int{0, 2, 13, 42, 110, 199, 200, 250} {
			want := recs[i]
			got, err := s.Get(ctx, want.RequestID)
			if err != nil {
				t.Fatalf("Get(%s): %v", want.RequestID, err)
			}
			assertRecord(t, got, want)
		}
		// A reused request id returns the newest record.
		got, err := s.Get(ctx, recs[1].RequestID)
		if err != nil {
			t.Fatalf("Get reused id: %v", err)
		}
		assertRecord(t, got, recs[len(recs)-1])
		if _, err := s.Get(ctx, "no-such-request"); !errors.Is(err, logstore.ErrNotFound) {
			t.Fatalf("Get unknown id: got %v, want ErrNotFound", err)
		}
	})

	t.Run("WritesAreIdempotent", func(t *testing.T) {
		s := load(t)
		if err := s.WriteBatch(logstore.WithReplay(ctx), recs); err != nil {
			t.Fatalf("WriteBatch again: %v", err)
		}
		rows, err := s.Stats(ctx, logstore.StatsQuery{Bucket: 24 * time.Hour * 365})
		if err != nil {
			t.Fatalf("Stats: %v", err)
		}
		var n int64
		for _, r := range rows {
			n += r.Requests
		}
		if n != int64(len(recs)) {
			t.Fatalf("stored %d records after writing %d three times over; want %d", n, len(recs), len(recs))
		}
	})

	t.Run("ListFilters", func(t *testing.T) {
		s := load(t)
		for _, tc := range listCases() {
			t.Run(tc.name, func(t *testing.T) {
				want, err := List(recs, tc.q)
				if err != nil {
					t.Fatalf("reference: %v", err)
				}
				got, err := s.List(ctx, tc.q)
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				if tc.minHits > 0 && len(want.Records) < tc.minHits {
					t.Fatalf("fixture gives only %d records for this filter; the case tests nothing", len(want.Records))
				}
				assertPage(t, got, want)
			})
		}
	})

	t.Run("ListPagination", func(t *testing.T) {
		s := load(t)
		q := logstore.ListQuery{Limit: 7, Filter: logstore.Filter{Provider: "openai"}}
		var ids []string
		seen := map[string]bool{}
		for pages := 0; ; pages++ {
			if pages > FixtureSize {
				t.Fatal("pagination does not end")
			}
			want, _ := List(recs, q)
			got, err := s.List(ctx, q)
			if err != nil {
				t.Fatalf("List page %d: %v", pages, err)
			}
			assertPage(t, got, want)
			for _, r := range got.Records {
				k := r.RequestID + "@" + r.Time().String()
				if seen[k] {
					t.Fatalf("record %s returned twice", k)
				}
				seen[k] = true
				ids = append(ids, r.RequestID)
			}
			if got.Next == "" {
				break
			}
			q.Cursor = got.Next
		}
		all, _ := List(recs, logstore.ListQuery{Limit: logstore.MaxLimit, Filter: q.Filter})
		if len(ids) != len(all.Records) {
			t.Fatalf("paged through %d records, want %d", len(ids), len(all.Records))
		}
	})

	t.Run("Stats", func(t *testing.T) {
		s := load(t)
		for _, tc := range statsCases() {
			t.Run(tc.name, func(t *testing.T) {
				want, err := Stats(recs, tc.q)
				if err != nil {
					t.Fatalf("reference: %v", err)
				}
				got, err := s.Stats(ctx, tc.q)
				if err != nil {
					t.Fatalf("Stats: %v", err)
				}
				if len(want) == 0 && tc.name != "no match" {
					t.Fatal("fixture gives no rows; the case tests nothing")
				}
				assertStats(t, got, want)
			})
		}
	})

	t.Run("InvalidQueries", func(t *testing.T) {
		s := load(t)
		for _, q := range []logstore.ListQuery{
			{Cursor: "%%%not-base64"},
			{Limit: logstore.MaxLimit + 1},
			{Filter: logstore.Filter{From: FixtureStart, To: FixtureStart}},
		} {
			if _, err := s.List(ctx, q); !errors.Is(err, logstore.ErrInvalidQuery) {
				t.Errorf("List(%+v): got %v, want ErrInvalidQuery", q, err)
			}
		}
		for _, q := range []logstore.StatsQuery{
			{GroupBy: "user"},
			{Bucket: 1500 * time.Millisecond},
			{Bucket: time.Second, Filter: logstore.Filter{From: FixtureStart, To: FixtureStart.Add(1000 * time.Hour)}},
		} {
			if _, err := s.Stats(ctx, q); !errors.Is(err, logstore.ErrInvalidQuery) {
				t.Errorf("Stats(%+v): got %v, want ErrInvalidQuery", q, err)
			}
		}
	})
}

type listCase struct {
	name    string
	q       logstore.ListQuery
	minHits int
}

func listCases() []listCase {
	mid := FixtureStart.Add(90 * time.Minute)
	return []listCase{
		{"all", logstore.ListQuery{Limit: logstore.MaxLimit}, FixtureSize - 1},
		{"first page", logstore.ListQuery{}, logstore.DefaultLimit},
		{"time range", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{From: mid, To: mid.Add(time.Hour)}}, 20},
		{"tenant", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Tenant: "acme"}}, 20},
		{"no tenant", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Tenant: "globex", Provider: "anthropic"}}, 5},
		{"model", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Model: "gpt-4o-2025"}}, 20},
		{"status", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Status: 429}}, 5},
		{"error type", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{ErrorType: "upstream_error"}}, 5},
		{"cache status", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{CacheStatus: logstore.CacheHitSemantic}}, 10},
		{"min cost", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{MinCostNano: 40_000_000}}, 10},
		{"text in request", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Text: "topic-3"}}, 5},
		{"text in response", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Text: "keyword-6"}}, 5},
		{"text with quotes", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Text: `"role":"user"`}}, 100},
		{"text with wildcards", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Text: "100%_x'"}}, 0},
		{"combined", logstore.ListQuery{Limit: 500, Filter: logstore.Filter{Tenant: "acme", Provider: "openai", CacheStatus: logstore.CacheMiss, To: mid.Add(2 * time.Hour)}}, 3},
		{"no match", logstore.ListQuery{Filter: logstore.Filter{Tenant: "nobody"}}, 0},
	}
}

type statsCase struct {
	name string
	q    logstore.StatsQuery
}

func statsCases() []statsCase {
	return []statsCase{
		{"hourly", logstore.StatsQuery{}},
		{"10m by model", logstore.StatsQuery{Bucket: 10 * time.Minute, GroupBy: logstore.GroupModel}},
		{"hourly by provider", logstore.StatsQuery{GroupBy: logstore.GroupProvider}},
		{"daily by tenant", logstore.StatsQuery{Bucket: 24 * time.Hour, GroupBy: logstore.GroupTenant}},
		{"filtered", logstore.StatsQuery{Bucket: 30 * time.Minute, GroupBy: logstore.GroupModel,
			Filter: logstore.Filter{Tenant: "acme", From: FixtureStart.Add(time.Hour), To: FixtureStart.Add(3 * time.Hour)}}},
		{"errors only", logstore.StatsQuery{Filter: logstore.Filter{ErrorType: "rate_limit_error"}}},
		{"no match", logstore.StatsQuery{Filter: logstore.Filter{Tenant: "nobody"}}},
	}
}

// Normalized returns r with empty collections as nil, for comparisons.
func Normalized(r logstore.Record) logstore.Record {
	if len(r.Tags) == 0 {
		r.Tags = nil
	}
	if len(r.Metadata) == 0 {
		r.Metadata = nil
	}
	if len(r.Attempts) == 0 {
		r.Attempts = nil
	}
	return r
}

func assertRecord(t *testing.T, got, want logstore.Record) {
	t.Helper()
	got, want = Normalized(got), Normalized(want)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("record %s differs:\n got %s\nwant %s", want.RequestID, g, w)
	}
}

func assertPage(t *testing.T, got, want logstore.Page) {
	t.Helper()
	if len(got.Records) != len(want.Records) {
		t.Fatalf("got %d records, want %d", len(got.Records), len(want.Records))
	}
	for i := range want.Records {
		assertRecord(t, got.Records[i], want.Records[i])
	}
	if got.Next != want.Next {
		t.Fatalf("next cursor %q, want %q", got.Next, want.Next)
	}
}

func assertStats(t *testing.T, got, want []logstore.StatsRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d stats rows, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.BucketStart.Equal(w.BucketStart) {
			t.Fatalf("row %d: bucket %s, want %s", i, g.BucketStart, w.BucketStart)
		}
		g.BucketStart = w.BucketStart
		for _, p := range [][2]*float64{{&g.ExactHitRate, &w.ExactHitRate}, {&g.SemanticHitRate, &w.SemanticHitRate}, {&g.HitRate, &w.HitRate}} {
			if d := *p[0] - *p[1]; d > 1e-9 || d < -1e-9 {
				t.Fatalf("row %d: rate %v, want %v", i, *p[0], *p[1])
			}
			*p[0] = *p[1]
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("row %d differs:\n got %+v\nwant %+v", i, g, w)
		}
	}
}
