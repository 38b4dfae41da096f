package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// moduleRoot finds the Muninn module's root directory from the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find module root (go env GOMOD): %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("find module root: not inside the Muninn module (run from the repository)")
	}
	return filepath.Dir(mod), nil
}

// build compiles pkg (relative to root) into dir and returns the binary's path.
func build(ctx context.Context, root, dir, pkg, name string) (string, error) {
	bin := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// proc is a child process that announced its URL on stdout.
type proc struct {
	name string
	cmd  *exec.Cmd
	url  string // http://host:port
	addr string // host:port
	logf *os.File
	done chan struct{}
	err  error
}

// childEnv is the environment of the children, without proxy settings: the benchmark
// measures loopback traffic and a proxy would route it elsewhere.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// start runs bin with args and waits until a stdout line contains "listening on
// http://ADDR". Everything the process prints goes to logPath.
func start(ctx context.Context, name, logPath, bin string, args ...string) (*proc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = childEnv()
	cmd.Stderr = logf
	dieWithParent(cmd)
	// A pipe of our own rather than StdoutPipe: Wait closes that one, losing output.
	stdout, w, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		stdout.Close()
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logf: logf, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if _, rest, ok := strings.Cut(line, "listening on http://"); ok {
				select {
				case found <- strings.Fields(rest + " ")[0]:
				default:
				}
			}
		}
		_, _ = io.Copy(logf, stdout)
		stdout.Close()
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case addr := <-found:
		p.addr, p.url = addr, "http://"+addr
		return p, nil
	case <-p.done:
		logf.Close()
		return nil, fmt.Errorf("start %s: exited (%v) before listening:\n%s", name, p.err, logTail(logPath))
	case <-timer.C:
		p.stop()
		return nil, fmt.Errorf("start %s: not listening after 30s; see %s", name, logPath)
	case <-ctx.Done():
		p.stop()
		return nil, fmt.Errorf("start %s: %w", name, ctx.Err())
	}
}

// logTail returns the last lines of a process log, for error messages.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-10):], "\n")
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// alive reports an error when the process has exited.
func (p *proc) alive() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited: %v (log: %s)", p.name, p.err, p.logf.Name())
	default:
		return nil
	}
}

// stop sends SIGTERM, then SIGKILL after 10s, and waits.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.logf.Close()
}

// waitReady polls url until it answers 200.
func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("wait for %s: %w", url, errors.Join(err, ctx.Err()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// gatewayConfig is the gateway's config for the benchmark: one OpenAI-compatible
// provider "fake" at the fake upstream, the semantic cache and the request logs off
// (both are on by default), metrics off unless asked, and the data directory in dataDir.
// extra, when not empty, is a JSON object whose members are added at the top level
// (replacing ours), to benchmark the gateway with its cache, logs or traces on.
func gatewayConfig(upstreamURL, dataDir string, conns int, metrics bool, extra []byte) ([]byte, error) {
	cfg := map[string]any{
		"data_dir": dataDir,
		"cache":    map[string]any{"enabled": false},
		"logs":     map[string]any{"backend": "off"},
		"providers": map[string]any{
			"fake": map[string]any{
				"type":     "openai",
				"base_url": upstreamURL + "/v1",
				"keys":     []any{map[string]any{"name": "bench", "value": "sk-bench-not-a-secret"}},
				"models":   []string{model},
			},
		},
	}
	if conns > 0 {
		cfg["providers"].(map[string]any)["fake"].(map[string]any)["max_conns"] = conns
	}
	if !metrics {
		cfg["metrics"] = map[string]any{"disabled": true}
	}
	if len(bytes.TrimSpace(extra)) > 0 {
		var more map[string]any
		if err := json.Unmarshal(extra, &more); err != nil {
			return nil, fmt.Errorf("extra gateway config: want a JSON object: %w", err)
		}
		for k, v := range more {
			cfg[k] = v
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cfg); err != nil {
		return nil, fmt.Errorf("gateway config: %w", err)
	}
	return b.Bytes(), nil
}
