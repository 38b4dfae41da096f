package appliance

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// grafanaRange is what a Grafana ClickHouse panel query is expanded with: the dashboard's
// time range, the panel's interval and the template variables' selections (nil: "All").
type grafanaRange struct {
	From, To time.Time
	Interval time.Duration
	Vars     map[string][]string
}

var (
	timeFilterMacro = regexp.MustCompile(`\$__timeFilter\(\s*([^)]+?)\s*\)`)
	// $__conditionalAll(condition, $var): the condition may hold parentheses one level deep.
	conditionalAllMacro = regexp.MustCompile(`\$__conditionalAll\(((?:[^()]|\([^()]*\))*?),\s*\$(\w+)\s*\)`)
	varFormatted        = regexp.MustCompile(`\$\{(\w+):(\w+)\}`)
	plainVar            = regexp.MustCompile(`\$(\w+)\b`)
)

// expandMacros expands a panel's SQL the way grafana-clickhouse-datasource (v4) and
// Grafana's templating do, for the macros and formats the boards use. Anything left that
// starts with '$' is an error: the query would not run in Grafana either.
func expandMacros(sql string, r grafanaRange) (string, error) {
	from, to := r.From.Unix(), r.To.Unix()
	sql = timeFilterMacro.ReplaceAllStringFunc(sql, func(m string) string {
		col := timeFilterMacro.FindStringSubmatch(m)[1]
		return fmt.Sprintf("%s >= toDateTime(%d) AND %s <= toDateTime(%d)", col, from, col, to)
	})
	sql = conditionalAllMacro.ReplaceAllStringFunc(sql, func(m string) string {
		sub := conditionalAllMacro.FindStringSubmatch(m)
		if r.Vars[sub[2]] == nil {
			return "1=1"
		}
		return strings.TrimSpace(sub[1])
	})
	var bad error
	sql = varFormatted.ReplaceAllStringFunc(sql, func(m string) string {
		sub := varFormatted.FindStringSubmatch(m)
		vals, ok := r.Vars[sub[1]]
		if sub[2] != "singlequote" {
			bad = fmt.Errorf("format %s of ${%s} not supported by the test", sub[2], sub[1])
			return m
		}
		if !ok || vals == nil {
			// Grafana sends every value for "All" without a custom all value.
			return "'$__all'"
		}
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
		}
		return strings.Join(q, ",")
	})
	if bad != nil {
		return "", bad
	}
	intervalS := int64(r.Interval / time.Second)
	if intervalS < 1 {
		intervalS = 1
	}
	sql = strings.NewReplacer(
		"$__interval_s", strconv.FormatInt(intervalS, 10),
		"$__interval_ms", strconv.FormatInt(r.Interval.Milliseconds(), 10),
		"$__fromTime", fmt.Sprintf("toDateTime(%d)", from),
		"$__toTime", fmt.Sprintf("toDateTime(%d)", to),
	).Replace(sql)
	if m := plainVar.FindString(sql); m != "" {
		return "", fmt.Errorf("unexpanded %s in %q", m, sql)
	}
	return sql, nil
}

// sqlQuery is one ClickHouse query of a board: a panel target or a variable.
type sqlQuery struct {
	Name string // board / panel
	SQL  string // raw, with macros
}

// dashboardSQL returns every ClickHouse query of the boards, the variables' included.
func dashboardSQL(t *testing.T) []sqlQuery {
	t.Helper()
	var out []sqlQuery
	for _, name := range boardFiles {
		b, _ := readBoard(t, name)
		for _, v := range b.Templating.List {
			if q, ok := v.Query.(string); ok && v.Datasource["type"] == "grafana-clickhouse-datasource" {
				out = append(out, sqlQuery{name + " / variable " + v.Name, q})
			}
		}
		for _, p := range b.Panels {
			for i, tg := range p.Targets {
				if tg.Datasource["type"] == "grafana-clickhouse-datasource" {
					out = append(out, sqlQuery{fmt.Sprintf("%s / %s #%c", name, p.Title, 'A'+i), tg.RawSQL})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// inDatabase points the boards' muninn.* tables at db.
func inDatabase(sql, db string) string {
	return regexp.MustCompile(`\bmuninn\.(logs\w*)\b`).ReplaceAllString(sql, "`"+db+"`.$1")
}

func TestExpandMacros(t *testing.T) {
	r := grafanaRange{
		From: time.Unix(1000, 0), To: time.Unix(2000, 0), Interval: 90 * time.Second,
		Vars: map[string][]string{"tenant": {"a", "o'k"}, "model": nil},
	}
	cases := []struct {
		in, want, err string
	}{
		{"WHERE $__timeFilter(ts)", "WHERE ts >= toDateTime(1000) AND ts <= toDateTime(2000)", ""},
		{"$__conditionalAll(tenant IN (${tenant:singlequote}), $tenant)", `tenant IN ('a','o\'k')`, ""},
		{"$__conditionalAll(model IN (${model:singlequote}), $model)", "1=1", ""},
		{"intDiv(x, $__interval_s)", "intDiv(x, 90)", ""},
		{"$__fromTime < t", "toDateTime(1000) < t", ""},
		{"${tenant:csv}", "", "format csv"},
		{"WHERE $unknown = 1", "", "unexpanded $unknown"},
	}
	for _, tc := range cases {
		got, err := expandMacros(tc.in, r)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if got := inDatabase("FROM muninn.logs_hourly JOIN muninn.logs", "t1"); got != "FROM `t1`.logs_hourly JOIN `t1`.logs" {
		t.Errorf("inDatabase: %q", got)
	}
}
