package logapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logapi"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

func server(t *testing.T) (*httptest.Server, []logstore.Record) {
	t.Helper()
	m := logstoretest.NewMemStore()
	recs := logstoretest.Fixture(300)
	if err := m.WriteBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(logapi.New(m).Handler())
	t.Cleanup(srv.Close)
	return srv, recs
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode %s: %v", u, err)
	}
	return resp.StatusCode
}

func TestListFiltersAndPaginates(t *testing.T) {
	srv, recs := server(t)
	from := logstoretest.FixtureStart.Add(time.Hour)
	q := url.Values{
		"tenant": {"acme"}, "provider": {"openai"}, "limit": {"5"},
		"from": {from.Format(time.RFC3339)}, "to": {strconv.FormatInt(from.Add(2*time.Hour).UnixMilli(), 10)},
	}
	want, _ := logstoretest.List(recs, logstore.ListQuery{Limit: 1000, Filter: logstore.Filter{
		Tenant: "acme", Provider: "openai", From: from, To: from.Add(2 * time.Hour)}})
	if len(want.Records) < 10 {
		t.Fatalf("fixture too small for this test: %d", len(want.Records))
	}
	var ids []string
	for {
		var page logstore.Page
		if code := getJSON(t, srv.URL+"/api/logs?"+q.Encode(), &page); code != 200 {
			t.Fatalf("status %d", code)
		}
		for _, r := range page.Records {
			ids = append(ids, r.RequestID)
		}
		if page.Next == "" {
			break
		}
		q.Set("cursor", page.Next)
	}
	if len(ids) != len(want.Records) {
		t.Fatalf("paged %d records, want %d", len(ids), len(want.Records))
	}
	for i, r := range want.Records {
		if ids[i] != r.RequestID {
			t.Fatalf("record %d: %s, want %s", i, ids[i], r.RequestID)
		}
	}
}

func TestGetAndStats(t *testing.T) {
	srv, recs := server(t)
	var rec logstore.Record
	if code := getJSON(t, srv.URL+"/api/logs/"+recs[42].RequestID, &rec); code != 200 || rec.TimeMs != recs[42].TimeMs {
		t.Fatalf("get: %d %+v", code, rec)
	}
	var st logapi.StatsResponse
	if code := getJSON(t, srv.URL+"/api/stats?bucket=30m&group_by=model&cache_status=hit-exact", &st); code != 200 {
		t.Fatalf("stats status %d", code)
	}
	want, _ := logstoretest.Stats(recs, logstore.StatsQuery{Bucket: 30 * time.Minute, GroupBy: "model", Filter: logstore.Filter{CacheStatus: "hit-exact"}})
	if len(st.Rows) != len(want) || st.Bucket != "30m0s" || st.GroupBy != "model" {
		t.Fatalf("stats %d rows (%s, %s), want %d", len(st.Rows), st.Bucket, st.GroupBy, len(want))
	}
	for i := range want {
		if st.Rows[i].Requests != want[i].Requests || st.Rows[i].CostNanoUSD != want[i].CostNanoUSD || st.Rows[i].ExactHitRate != 1 {
			t.Fatalf("row %d: %+v, want %+v", i, st.Rows[i], want[i])
		}
	}
}

func TestErrors(t *testing.T) {
	srv, _ := server(t)
	for _, tc := range []struct {
		path     string
		status   int
		wantType string
	}{
		{"/api/logs/nope", 404, "not_found_error"},
		{"/api/logs?limit=abc", 400, "invalid_request_error"},
		{"/api/logs?limit=5000", 400, "invalid_request_error"},
		{"/api/logs?from=yesterday", 400, "invalid_request_error"},
		{"/api/logs?cursor=!!", 400, "invalid_request_error"},
		{"/api/logs?min_cost_nano=-1", 400, "invalid_request_error"},
		{"/api/stats?group_by=user", 400, "invalid_request_error"},
		{"/api/stats?bucket=soon", 400, "invalid_request_error"},
		{"/api/logs/a/b", 400, "invalid_request_error"},
	} {
		var body struct {
			Error struct{ Message, Type string }
		}
		if code := getJSON(t, srv.URL+tc.path, &body); code != tc.status || body.Error.Type != tc.wantType || body.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s", tc.path, code, body, tc.status, tc.wantType)
		}
	}
	resp, err := http.Post(srv.URL+"/api/logs", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
}
