package appliance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/muninn-gw/muninn/internal/testenv"
)

var boardFiles = []string{"cost.json", "cache.json", "traffic.json", "pipeline.json"}

type board struct {
	Title      string `json:"title"`
	UID        string `json:"uid"`
	Templating struct {
		List []struct {
			Name       string            `json:"name"`
			Query      any               `json:"query"`
			Datasource map[string]string `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Datasource map[string]string `json:"datasource"`
			Expr       string            `json:"expr"`
			RawSQL     string            `json:"rawSql"`
		} `json:"targets"`
	} `json:"panels"`
}

func readBoard(t *testing.T, name string) (board, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "dashboards", name))
	if err != nil {
		t.Fatal(err)
	}
	var b board
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b, raw
}

// Every board is valid for the schema of Grafana's dashboard model.
func TestDashboardsMatchGrafanaSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	schemaPath, _ := filepath.Abs(filepath.Join(repoRoot, "dashboards", "schema", "dashboard.schema.json"))
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The generated schema's root is a reference to #/definitions/Dashboard.
	if err := c.AddResource("file:///dashboard.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("file:///dashboard.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	uids := map[string]bool{}
	for _, name := range boardFiles {
		b, raw := readBoard(t, name)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not match Grafana's dashboard schema: %v", name, err)
		}
		if b.UID == "" || uids[b.UID] {
			t.Errorf("%s: uid %q empty or repeated", name, b.UID)
		}
		uids[b.UID] = true
		if len(b.Panels) < 6 {
			t.Errorf("%s: only %d panels", name, len(b.Panels))
		}
		for _, p := range b.Panels {
			if len(p.Targets) == 0 {
				t.Errorf("%s / %s: no query", name, p.Title)
			}
		}
	}
}

// The committed JSON is what the generator writes.
func TestDashboardsAreGenerated(t *testing.T) {
	cmd := exec.Command("go", "run", "./dashboards/gen", "-check")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dashboards are stale (run go run ./dashboards/gen): %v\n%s", err, out)
	}
}

// promQueries returns every PromQL expression of the boards with Grafana's variables
// replaced by what Grafana would send.
func promQueries(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	repl := strings.NewReplacer("$__rate_interval", "1m", "$__range", "1h", "$__interval", "30s",
		"$provider", ".*", "$model", ".*", "$tenant", ".*")
	for _, name := range boardFiles {
		b, _ := readBoard(t, name)
		for _, p := range b.Panels {
			for i, tg := range p.Targets {
				if tg.Datasource["type"] != "prometheus" {
					continue
				}
				out[name+" / "+p.Title+" #"+string(rune('A'+i))] = repl.Replace(tg.Expr)
			}
		}
	}
	return out
}

// Every PromQL expression parses with Prometheus' own parser (promtool check rules).
func TestDashboardPromQLParses(t *testing.T) {
	promtool := testenv.Require(t, testenv.Promtool)
	qs := promQueries(t)
	if len(qs) < 20 {
		t.Fatalf("only %d PromQL queries found", len(qs))
	}
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboards\n    rules:\n")
	keys := make([]string, 0, len(qs))
	for k := range qs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		q, _ := json.Marshal(qs[k])
		rules.WriteString("      - record: dashboard:query" + string(rune('a'+i%26)) + ":" + itoa(i) + "\n        expr: " + string(q) + "\n")
	}
	path := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(path, []byte(rules.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s\n%s", err, out, rules.String())
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

var (
	metricName = regexp.MustCompile(`\b((?:muninn|gen_ai|go|process)_[a-z0-9_]+)`)
	// Label lists and matchers and string literals name labels and values, not metrics.
	promLabelParts = regexp.MustCompile(`(?:\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\))|\{[^}]*\}|"(?:[^"\\]|\\.)*"`)
)

// promMetricNames returns the metric names an expression selects, label names aside.
func promMetricNames(q string) []string {
	return metricName.FindAllString(promLabelParts.ReplaceAllString(q, " "), -1)
}

// dashboardMetrics returns the metric names the PromQL queries use, histogram suffixes
// removed.
func dashboardMetrics(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	for _, q := range promQueries(t) {
		for _, m := range promMetricNames(q) {
			m = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_sum"), "_count")
			set[m] = true
		}
	}
	var out []string
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func TestPromMetricNames(t *testing.T) {
	cases := []struct {
		q    string
		want string
	}{
		{`sum by (gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket{gen_ai_request_model=~".*"}[1m]))`,
			"[gen_ai_client_operation_duration_seconds_bucket]"},
		{`muninn_log_queue_depth / on(instance) group_left muninn_log_spool_bytes`, "[muninn_log_queue_depth muninn_log_spool_bytes]"},
		{`label_replace(muninn_errors_total, "x", "muninn_fake_total", "", "")`, "[muninn_errors_total]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(promMetricNames(tc.q)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.q, got, tc.want)
		}
	}
}
