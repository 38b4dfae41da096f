package appliance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/muninn-gw/muninn/internal/testenv"
)

func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// Grafana's provisioning matches what the boards and compose expect: every datasource a
// board uses is provisioned with that uid and type, the dashboards provider reads the
// folder compose mounts, and the ClickHouse datasource reaches the compose service.
func TestGrafanaProvisioning(t *testing.T) {
	var ds struct {
		Datasources []struct {
			Name, UID, Type, URL string
			JSONData             map[string]any `yaml:"jsonData"`
			SecureJSONData       map[string]any `yaml:"secureJsonData"`
		}
	}
	readYAML(t, "deploy/grafana/provisioning/datasources/datasources.yaml", &ds)
	provisioned := map[string]string{}
	for _, d := range ds.Datasources {
		provisioned[d.UID] = d.Type
		if d.Type == "grafana-clickhouse-datasource" {
			if d.JSONData["host"] != "clickhouse" || d.JSONData["defaultDatabase"] != "muninn" {
				t.Errorf("ClickHouse datasource: host %v, database %v; want the compose service clickhouse and database muninn",
					d.JSONData["host"], d.JSONData["defaultDatabase"])
			}
			if pw, _ := d.SecureJSONData["password"].(string); !strings.HasPrefix(pw, "$") {
				t.Error("ClickHouse datasource password must come from the environment")
			}
		}
	}
	for _, name := range boardFiles {
		b, _ := readBoard(t, name)
		check := func(where string, d map[string]string) {
			if d == nil {
				t.Errorf("%s / %s: no datasource", name, where)
				return
			}
			if typ, ok := provisioned[d["uid"]]; !ok || typ != d["type"] {
				t.Errorf("%s / %s: datasource %v is not provisioned (have %v)", name, where, d, provisioned)
			}
		}
		for _, v := range b.Templating.List {
			if v.Datasource != nil {
				check("variable "+v.Name, v.Datasource)
			}
		}
		for _, p := range b.Panels {
			for _, tg := range p.Targets {
				check(p.Title, tg.Datasource)
			}
		}
	}

	var dp struct {
		Providers []struct {
			Options struct{ Path string }
		}
	}
	readYAML(t, "deploy/grafana/provisioning/dashboards/muninn.yaml", &dp)
	p, err := loadCompose(t, exampleEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	mounted := ""
	dashboards, _ := filepath.Abs(filepath.Join(repoRoot, "dashboards"))
	for _, v := range p.Services["grafana"].Volumes {
		if v.Source == dashboards {
			mounted = v.Target
		}
	}
	if len(dp.Providers) != 1 || mounted == "" || dp.Providers[0].Options.Path != mounted {
		t.Errorf("dashboards provider reads %+v; compose mounts dashboards/ at %q", dp.Providers, mounted)
	}
}

// Prometheus' config is valid for Prometheus itself and scrapes the gateway service.
func TestPrometheusConfig(t *testing.T) {
	promtool := testenv.Require(t, testenv.Promtool)
	path := filepath.Join(repoRoot, "deploy", "prometheus", "prometheus.yml")
	if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool check config: %v\n%s", err, out)
	}
	var cfg struct {
		ScrapeConfigs []struct {
			MetricsPath   string `yaml:"metrics_path"`
			StaticConfigs []struct {
				Targets []string
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "deploy/prometheus/prometheus.yml", &cfg)
	found := false
	for _, sc := range cfg.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			for _, tg := range st.Targets {
				if tg == "muninn:8080" && (sc.MetricsPath == "" || sc.MetricsPath == "/metrics") {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("prometheus.yml does not scrape muninn:8080/metrics")
	}
}
