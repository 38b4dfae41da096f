package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
)

func lookup(m map[string]string) gateway.LookupFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestEnvConfig(t *testing.T) {
	cfg, notes, err := loadConfig(flags{listen: "127.0.0.1:9999"}, lookup(map[string]string{
		"OPENAI_API_KEY": "sk-test", "ANTHROPIC_API_KEY": "sk-ant", "MUNINN_UPSTREAM": "http://127.0.0.1:11434/v1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9999" || len(cfg.Providers) != 3 || cfg.DefaultProvider != "upstream" {
		t.Errorf("cfg %+v", cfg)
	}
	if cfg.Providers["openai"].Keys[0].Value != "sk-test" {
		t.Errorf("openai key not taken from the environment")
	}
	joined := strings.Join(notes, "\n")
	if strings.Contains(joined, "sk-test") || !strings.Contains(joined, "MUNINN_UPSTREAM") {
		t.Errorf("notes: %s", joined)
	}
	cfg, notes, err = loadConfig(flags{}, lookup(nil))
	if err != nil || cfg.Listen != gateway.DefaultListen || len(cfg.Providers) != 0 || !strings.Contains(strings.Join(notes, " "), "no provider") {
		t.Errorf("empty env: %v %+v %v", err, cfg, notes)
	}
}

func TestWireOrder(t *testing.T) {
	saved := wirers
	defer func() { wirers = saved }()
	wirers = nil
	var order []string
	wire(20, "b", func(w *wiring) error { order = append(order, "b"); w.AddPlugin(2, named("late")); return nil })
	wire(10, "a", func(w *wiring) error {
		order = append(order, "a")
		w.AddPlugin(1, named("early"))
		w.OnClose("a", func(context.Context) error { order = append(order, "close-a"); return nil })
		return nil
	})
	w := &wiring{}
	if err := wireAll(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	ps := w.Plugins()
	if strings.Join(order, ",") != "a,b" || ps[0].Name() != "early" || ps[1].Name() != "late" {
		t.Errorf("order %v plugins %v", order, ps)
	}
	w.close(context.Background())
	if order[len(order)-1] != "close-a" {
		t.Errorf("closers not run: %v", order)
	}
}

type named string

func (n named) Name() string { return string(n) }

// TestBinary builds muninn, starts it, reloads it with SIGHUP (a bad file is rejected,
// a good one applied) and stops it with SIGTERM.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "muninn")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "-version").Output(); err != nil || !strings.HasPrefix(string(out), "muninn ") {
		t.Fatalf("-version: %q %v", out, err)
	}
	up := providertest.New(t)
	cfgPath := filepath.Join(dir, "muninn.yaml")
	cfgText := "listen: 127.0.0.1:0\ndrain_timeout: 5s\nproviders:\n  local:\n    type: openai\n    base_url: " + up.URL() + "/v1\n    keys: [{value: env.MUNINN_TEST_UPSTREAM_KEY}]\naliases: {fast: local/m1}\n"
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-config", cfgPath)
	cmd.Env = append(os.Environ(), "MUNINN_TEST_UPSTREAM_KEY=sk-upstream-test", "MUNINN_DATA_DIR="+filepath.Join(dir, "data"))
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	logs := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs <- sc.Text()
		}
	}()
	sc := bufio.NewScanner(stdout)
	var base string
	for sc.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if base == "" {
		t.Fatal("no listen line")
	}
	get := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if get("/readyz") != 200 || get("/version") != 200 {
		t.Fatal("not ready")
	}
	// A chat request through the binary to the fake upstream, by alias.
	resp, err := http.Post(base+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"fast","messages":[{"role":"user","content":"hello binary"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "echo: hello binary") {
		t.Fatalf("chat through the binary: %d %s", resp.StatusCode, body)
	}
	if last, _ := up.LastRequest(); last.Header.Get("Authorization") != "Bearer sk-upstream-test" {
		t.Errorf("upstream auth %q", last.Header.Get("Authorization"))
	}
	waitLog := func(substr string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case l := <-logs:
				if strings.Contains(l, substr) {
					return
				}
			case <-deadline:
				t.Fatalf("no log line containing %q", substr)
			}
		}
	}
	os.WriteFile(cfgPath, []byte("listen: 127.0.0.1:0\nbogus: 1\n"), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitLog("reload rejected")
	os.WriteFile(cfgPath, []byte("listen: 127.0.0.1:0\naliases: {}\n"), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitLog("reloaded")
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
}

func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "muninn.json")
	if err := os.WriteFile(path, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if ch := watchFile(path, false, log); len(ch) != 0 {
		t.Fatal("watching while off")
	}
	ch := watchFile(path, true, log)
	// An editor's save: write a new file and rename it over the old one.
	tmp := filepath.Join(dir, ".muninn.json.tmp")
	if err := os.WriteFile(tmp, []byte(`{"aliases":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported")
	}
}
