package appliance

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider/providertest"
	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/telemetry/otlptest"
)

// Fake Langfuse project keys.
const (
	langfusePublic = "pk-lf-appliance-test"
	langfuseSecret = "sk-lf-appliance-test"
	langfusePath   = "/api/public/otel/v1/traces"
	upstreamKey    = "sk-upstream-appliance-test"
)

// deployConfig is the absolute path of deploy/muninn/config.NAME.yaml.
func deployConfig(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(repoRoot, "deploy", "muninn", "config."+name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// applianceEnv is the environment docker-compose.yml gives the muninn service, with the
// compose host names replaced by the test's servers.
func applianceEnv(up *providertest.Server, langfuse *otlptest.Receiver, chAddr, db string) map[string]string {
	return map[string]string{
		"MUNINN_APP_KEY":         appKey,
		"MUNINN_ADMIN_KEY":       adminKey,
		"OPENAI_API_KEY":         upstreamKey,
		"OPENAI_BASE_URL":        up.URL() + "/v1",
		"MUNINN_LOGS_DSN":        "clickhouse://" + chAddr + "/" + db,
		"MUNINN_TRACES_ENDPOINT": langfuse.URL() + langfusePath,
		"LANGFUSE_PUBLIC_KEY":    langfusePublic,
		"LANGFUSE_SECRET_KEY":    langfuseSecret,
	}
}

// The appliance from end to end: the image's binary with the compose config, real
// ClickHouse logs, a fake upstream and a fake Langfuse. After realistic traffic, every
// dashboard query returns rows on ClickHouse 18.16 and on a modern engine, every metric
// the dashboards chart is exposed, and Langfuse received the traces.
func TestApplianceEndToEnd(t *testing.T) {
	chAddr := testenv.Require(t, testenv.ClickHouseAddr)
	ch := newCHHTTP(testenv.Require(t, testenv.ClickHouseHTTP))
	chdbLib := testenv.Require(t, testenv.ChdbLib)
	promtool := testenv.Require(t, testenv.Promtool)
	db := freshDatabase(t, ch)

	up := providertest.New(t)
	langfuse := otlptest.Start()
	t.Cleanup(langfuse.Close) // after the gateway's (cleanups run last-in first-out)
	g := startGateway(t, deployConfig(t, "builtin"), applianceEnv(up, langfuse, chAddr, db))
	prom := startPrometheus(t, prometheusBinary(t, promtool), strings.TrimPrefix(g.URL, "http://"))

	calls := sendTraffic(t, g.URL, up)
	waitForLogs(t, ch, db, calls)
	t.Run("logs", func(t *testing.T) { checkLogs(t, ch, db, calls) })
	t.Run("log API", func(t *testing.T) { checkLogAPI(t, g.URL, calls) })

	queries := dashboardSQL(t)
	if len(queries) < 20 {
		t.Fatalf("only %d ClickHouse queries in the dashboards", len(queries))
	}
	selections := dashboardSelections(t, ch, db)
	t.Run("dashboards on ClickHouse 18.16", func(t *testing.T) {
		runDashboardSQL(t, queries, selections, db, func(sql string) (string, error) {
			return ch.query(sql+"\nFORMAT TabSeparated", nil)
		})
	})
	t.Run("dashboards on ClickHouse 26", func(t *testing.T) {
		eng := copyToModern(t, chdbLib, ch, db)
		runDashboardSQL(t, queries, selections, db, func(sql string) (string, error) {
			return eng.db.Query(sql, "TabSeparated")
		})
	})
	t.Run("metrics", func(t *testing.T) { checkDashboardMetrics(t, g.URL) })
	t.Run("dashboards on Prometheus", func(t *testing.T) { checkPromQL(t, prom) })
	t.Run("langfuse", func(t *testing.T) { checkLangfuse(t, langfuse, calls) })
	t.Run("no secret leaks", func(t *testing.T) { checkNoSecrets(t, g, ch, db, langfuse) })
}

// checkNoSecrets looks for the gateway keys, the upstream key and the Langfuse secret in
// everything the appliance keeps or shows: the process output, the logs table, the
// metrics and the exported spans.
func checkNoSecrets(t *testing.T, g *gatewayProc, ch *chHTTP, db string, lf *otlptest.Receiver) {
	secrets := []string{appKey, adminKey, upstreamKey, langfuseSecret}
	rows, err := ch.query("SELECT * FROM `"+db+"`.logs FORMAT TabSeparated", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(g.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var spans strings.Builder
	for _, s := range lf.Spans() {
		fmt.Fprintf(&spans, "%s %v %v\n", s.Name, s.Attrs, s.Resource)
	}
	places := map[string]string{"process output": g.Output(), "logs table": rows, "metrics": string(metrics), "spans": spans.String()}
	for where, text := range places {
		for _, sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("a secret (%s...) appears in the %s", sec[:6], where)
			}
		}
	}
}

// waitForLogs waits until every request of the traffic is in the logs table and in the
// hourly rollup. ClickHouse writes an insert's rows to the table before it pushes them
// through the materialized view, so for a moment the rollup trails the table.
func waitForLogs(t *testing.T, ch *chHTTP, db string, calls []chatCall) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	q := fmt.Sprintf("SELECT (SELECT uniqExact(request_id) FROM `%[1]s`.logs), (SELECT sum(requests) FROM `%[1]s`.logs_hourly) FORMAT TabSeparated", db)
	var last string
	for {
		out, err := ch.query(q, nil)
		if err == nil {
			last = strings.TrimSpace(out)
			if f := strings.Fields(last); len(f) == 2 {
				logged, _ := strconv.Atoi(f[0])
				rolled, _ := strconv.Atoi(f[1])
				if logged >= len(calls) && rolled >= len(calls) {
					return
				}
			}
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s the logs and the rollup hold %q of %d requests", last, len(calls))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkLogs checks that the traffic landed in the logs as sent.
func checkLogs(t *testing.T, ch *chHTTP, db string, calls []chatCall) {
	ids := make([]string, len(calls))
	for i, c := range calls {
		ids[i] = "'" + c.ReqID + "'"
	}
	checks := []struct {
		what string
		sql  string
		want string
	}{
		{"every request logged", "SELECT uniqExact(request_id) FROM %s.logs WHERE request_id IN (" + strings.Join(ids, ",") + ")", fmt.Sprint(len(calls))},
		{"tenants", "SELECT arraySort(groupUniqArray(tenant)) FROM %s.logs", "['admin','app']"},
		{"models with unknown price", "SELECT arraySort(groupUniqArray(model)) FROM %s.logs WHERE cost_unknown = 1", "['" + modelUnknown + "']"},
		{"priced requests cost something", "SELECT countIf(cost_nano = 0) FROM %s.logs WHERE cost_unknown = 0 AND status = 200 AND cache_status NOT IN ('hit-exact', 'hit-semantic') AND model != '" + modelUnknown + "'", "0"},
		{"exact hits in both tenants", "SELECT uniqExact(tenant) FROM %s.logs WHERE cache_status = 'hit-exact'", "2"},
		{"semantic hits with a similarity", "SELECT countIf(similarity > 0.5) > 0 AND countIf(similarity <= 0) = 0 FROM %s.logs WHERE cache_status = 'hit-semantic'", "1"},
		// A hit is charted under the provider and model whose answer it replays; with
		// them empty, choosing a provider or model on the dashboards hides every hit.
		{"cache hits name their provider and model", "SELECT countIf(provider = '' OR model = '') FROM %s.logs WHERE cache_status IN ('hit-exact', 'hit-semantic')", "0"},
		{"hits save cost", "SELECT sum(saved_cost_nano) > 0 FROM %s.logs", "1"},
		{"a stream with a first-token time", "SELECT count() > 0 FROM %s.logs WHERE stream = 1 AND ttfb_us > 0", "1"},
		{"an error", "SELECT arraySort(groupUniqArray(error_type)) FROM %s.logs WHERE status = 400", "['invalid_request_error']"},
		{"no record stored twice", "SELECT count() = uniqExact(request_id, ts_ms) FROM %s.logs", "1"},
		{"hourly rollup agrees", "SELECT (SELECT sum(requests) FROM %[1]s.logs_hourly) = (SELECT count() FROM %[1]s.logs)", "1"},
	}
	for _, c := range checks {
		out, err := ch.query(fmt.Sprintf(c.sql, "`"+db+"`")+" FORMAT TabSeparated", nil)
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if got := strings.TrimSpace(out); got != c.want {
			t.Errorf("%s: got %s, want %s", c.what, got, c.want)
		}
	}
}

// checkLogAPI reads the logs back through the admin API.
func checkLogAPI(t *testing.T, base string, calls []chatCall) {
	get := func(key, path string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(adminKey, "/api/logs?limit=5&tenant=app"); code != 200 || !strings.Contains(body, `"app"`) {
		t.Errorf("GET /api/logs as admin: %d %s", code, body)
	}
	id := calls[0].ReqID
	if code, body := get(adminKey, "/api/logs/"+id); code != 200 || !strings.Contains(body, id) {
		t.Errorf("GET /api/logs/%s as admin: %d %s", id, code, body)
	}
	if code, _ := get(appKey, "/api/logs"); code != 401 && code != 403 {
		t.Errorf("GET /api/logs with an app key: %d, want 401 or 403", code)
	}
}

// dashboardSelections are the variable selections the queries are run with: everything
// on "All", and explicit values (one tenant; every provider and model the variable
// queries offer).
func dashboardSelections(t *testing.T, ch *chHTTP, db string) map[string]map[string][]string {
	t.Helper()
	values := func(col string) []string {
		out, err := ch.query(fmt.Sprintf("SELECT DISTINCT %s FROM `%s`.logs_hourly ORDER BY %s FORMAT TabSeparated", col, db, col), nil)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(out)
	}
	return map[string]map[string][]string{
		"All": {},
		"tenant app, every provider and model": {
			"tenant": {"app"}, "provider": values("provider"), "model": values("model"),
		},
	}
}

// runDashboardSQL expands and runs every query under every selection; each must return
// at least one row.
func runDashboardSQL(t *testing.T, queries []sqlQuery, selections map[string]map[string][]string, db string, run func(string) (string, error)) {
	now := time.Now()
	names := make([]string, 0, len(selections))
	for n := range selections {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, sel := range names {
		r := grafanaRange{From: now.Add(-6 * time.Hour), To: now.Add(time.Hour), Interval: time.Minute, Vars: selections[sel]}
		for _, q := range queries {
			sql, err := expandMacros(q.SQL, r)
			if err != nil {
				t.Errorf("%s: %v", q.Name, err)
				continue
			}
			sql = inDatabase(sql, db)
			out, err := run(sql)
			if err != nil {
				t.Errorf("%s [%s]: %v\n%s", q.Name, sel, err, sql)
				continue
			}
			if rowCount(out) == 0 {
				t.Errorf("%s [%s]: no rows\n%s", q.Name, sel, sql)
			}
		}
	}
}

// checkDashboardMetrics scrapes /metrics and finds every metric the boards chart.
func checkDashboardMetrics(t *testing.T, base string) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, b)
	}
	exposed := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			exposed[strings.Fields(rest)[0]] = true
		}
	}
	if promtool := os.Getenv(testenv.Promtool); promtool != "" { // required by the caller
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(b)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	}
	want := dashboardMetrics(t)
	if len(want) < 10 {
		t.Fatalf("only %d metrics named by the dashboards", len(want))
	}
	var missing []string
	for _, m := range want {
		if !exposed[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the dashboards chart metrics the gateway does not expose: %v", missing)
	}
}

// checkLangfuse checks that the fake Langfuse received a span for every request, with
// Langfuse's auth and ingestion headers, on Langfuse's OTLP path.
func checkLangfuse(t *testing.T, lf *otlptest.Receiver, calls []chatCall) {
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(langfusePublic+":"+langfuseSecret))
	deadline := time.Now().Add(30 * time.Second)
	var missing []string
	for {
		seen := map[string]bool{}
		for _, s := range lf.Spans() {
			if id, ok := s.Attrs["muninn.request_id"].(string); ok {
				seen[id] = true
			}
		}
		missing = missing[:0]
		for _, c := range calls {
			if !seen[c.ReqID] {
				missing = append(missing, c.ReqID)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		lf.WaitSpans(len(lf.Spans())+1, time.Second)
	}
	if len(missing) > 0 {
		t.Errorf("no span for %d of %d requests (e.g. %s)", len(missing), len(calls), missing[0])
	}
	reqs := lf.Requests()
	if len(reqs) == 0 {
		t.Fatal("the fake Langfuse received no export")
	}
	for _, r := range reqs {
		if r.Path != langfusePath {
			t.Errorf("export to %s, want %s", r.Path, langfusePath)
		}
		if got := r.Header.Get("Authorization"); got != wantAuth {
			t.Errorf("export Authorization = %q, want Langfuse's Basic public:secret", got)
		}
		if r.Header.Get("x-langfuse-ingestion-version") == "" {
			t.Error("export without x-langfuse-ingestion-version")
		}
	}
}
