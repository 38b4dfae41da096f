package main

// Datasource uids, as provisioned in deploy/grafana/provisioning/datasources.
var (
	promDS = map[string]string{"type": "prometheus", "uid": "prometheus"}
	chDS   = map[string]string{"type": "grafana-clickhouse-datasource", "uid": "clickhouse"}
)

// Board is one dashboard.
type Board struct {
	File, UID, Title, Description string
	Tags                          []string
	Vars                          []Var
	Panels                        []Panel
}

// Var is a query template variable (multi-select with All).
type Var struct {
	Name, Label string
	Prom        bool   // Prometheus label_values query, else ClickHouse SQL
	Query       string // label_values(...) or SQL
}

// Panel is one visualisation.
type Panel struct {
	Title, Type, Unit, Description string
	W, H                           int
	Prom                           []PromQuery
	SQL                            []SQLQuery
	Stack                          bool
}

// PromQuery is a PromQL target.
type PromQuery struct{ Expr, Legend string }

// SQLQuery is a ClickHouse target.
type SQLQuery struct {
	SQL   string
	Table bool // table result; else a time series
}

func (v Var) json() map[string]any {
	m := map[string]any{
		"name": v.Name, "label": v.Label, "type": "query", "multi": true, "includeAll": true,
		"refresh": 2, "sort": 1, "current": map[string]any{"selected": true, "text": []string{"All"}, "value": []string{"$__all"}},
		"options": []any{}, "hide": 0,
	}
	if v.Prom {
		m["datasource"] = promDS
		m["query"] = map[string]any{"query": v.Query, "refId": "PrometheusVariableQueryEditor-VariableQuery", "qryType": 1}
		m["allValue"] = ".*"
	} else {
		m["datasource"] = chDS
		m["query"] = v.Query
	}
	return m
}

// JSON returns the Grafana dashboard model.
func (b Board) JSON() map[string]any {
	vars := make([]any, 0, len(b.Vars))
	for _, v := range b.Vars {
		vars = append(vars, v.json())
	}
	panels := make([]any, 0, len(b.Panels))
	x, y, rowH := 0, 0, 0
	for i, p := range b.Panels {
		w, h := p.W, p.H
		if w == 0 {
			w = 12
		}
		if h == 0 {
			h = 8
		}
		if x+w > 24 {
			x, y, rowH = 0, y+rowH, 0
		}
		panels = append(panels, p.json(i+1, x, y, w, h))
		x += w
		rowH = max(rowH, h)
	}
	return map[string]any{
		"uid": b.UID, "title": b.Title, "description": b.Description, "tags": b.Tags,
		"schemaVersion": 39, "version": 1, "editable": false, "graphTooltip": 1,
		"timezone": "browser", "refresh": "30s", "time": map[string]any{"from": "now-24h", "to": "now"},
		"templating":  map[string]any{"list": vars},
		"annotations": map[string]any{"list": []any{}},
		"links":       []any{},
		"panels":      panels,
	}
}

func (p Panel) json(id, x, y, w, h int) map[string]any {
	typ := p.Type
	if typ == "" {
		typ = "timeseries"
	}
	var targets []any
	var ds map[string]string
	for i, q := range p.Prom {
		ds = promDS
		targets = append(targets, map[string]any{
			"refId": string(rune('A' + i)), "datasource": promDS, "expr": q.Expr,
			"legendFormat": q.Legend, "range": typ != "stat" && typ != "bargauge" && typ != "table",
			"instant": typ == "stat" || typ == "bargauge" || typ == "table",
		})
	}
	for i, q := range p.SQL {
		ds = chDS
		qt := "timeSeries"
		if q.Table {
			qt = "table"
		}
		targets = append(targets, map[string]any{
			"refId": string(rune('A' + i)), "datasource": chDS, "editorType": "sql",
			"queryType": qt, "rawSql": q.SQL,
		})
	}
	defaults := map[string]any{"unit": p.Unit}
	if typ == "timeseries" {
		stacking := "none"
		if p.Stack {
			stacking = "normal"
		}
		defaults["custom"] = map[string]any{"drawStyle": "line", "fillOpacity": 10, "stacking": map[string]any{"mode": stacking}}
	}
	return map[string]any{
		"id": id, "type": typ, "title": p.Title, "description": p.Description,
		"gridPos":    map[string]int{"x": x, "y": y, "w": w, "h": h},
		"datasource": ds, "targets": targets,
		"fieldConfig": map[string]any{"defaults": defaults, "overrides": []any{}},
		"options":     map[string]any{"legend": map[string]any{"displayMode": "list", "placement": "bottom", "showLegend": true}},
	}
}
