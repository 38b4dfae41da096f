package appliance

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// promServer is a real Prometheus scraping the gateway, as in compose.
type promServer struct {
	url string
	hc  *http.Client
}

// prometheusBinary is the prometheus next to promtool (both ship in Debian's
// prometheus package, which scripts/test installs).
func prometheusBinary(t *testing.T, promtool string) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(promtool), "prometheus")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("prometheus server not found next to promtool: %v", err)
	}
	return p
}

// startPrometheus runs Prometheus scraping target (host:port) every second, with the
// compose scrape config's job and path, and waits until it is ready.
func startPrometheus(t *testing.T, bin, target string) *promServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"+
		"  - job_name: muninn\n    metrics_path: /metrics\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	p := &promServer{url: "http://" + addr, hc: &http.Client{Timeout: 10 * time.Second}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := p.hc.Get(p.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-done:
			t.Fatalf("prometheus exited:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready within 30s:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// query runs an instant query and returns how many series it produced.
func (p *promServer) query(q string) (int, error) {
	resp, err := p.hc.Get(p.url + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string            `json:"resultType"`
			Result     []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, fmt.Errorf("decode answer: %w", err)
	}
	if r.Status != "success" {
		return 0, fmt.Errorf("%s", r.Error)
	}
	return len(r.Data.Result), nil
}

// checkPromQL runs every panel's PromQL (Grafana's variables on "All") against the
// Prometheus scraping the gateway; each must produce at least one series. Prometheus
// needs a few scrapes after the traffic, so empty answers are retried for a while.
func checkPromQL(t *testing.T, p *promServer) {
	qs := promQueries(t)
	names := make([]string, 0, len(qs))
	for n := range qs {
		names = append(names, n)
	}
	sort.Strings(names)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var empty, failed []string
		for _, n := range names {
			got, err := p.query(qs[n])
			switch {
			case err != nil:
				failed = append(failed, fmt.Sprintf("%s: %v\n\t%s", n, err, qs[n]))
			case got == 0:
				empty = append(empty, fmt.Sprintf("%s\n\t%s", n, qs[n]))
			}
		}
		for _, f := range failed {
			t.Errorf("PromQL fails: %s", f)
		}
		if len(failed) > 0 || len(empty) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, e := range empty {
				t.Errorf("PromQL returns no series: %s", e)
			}
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}
