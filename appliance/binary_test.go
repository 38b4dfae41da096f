package appliance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testVersion is passed as the Dockerfile's VERSION build argument.
const testVersion = "v0.0.0-appliance-test"

var (
	workDir string // removed after the tests

	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "muninn-appliance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// muninnBinary builds Muninn once with the Dockerfile's own `go build` command (its
// environment, flags and ARG defaults, VERSION set to testVersion), in the build context
// .dockerignore leaves, and returns the binary's path. Every test that runs the gateway uses this binary, so what is tested
// is what the image ships.
func muninnBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		b, err := findGoBuild(readDockerfile(t))
		if err != nil {
			buildErr = err
			return
		}
		// Build in the context docker would send, so a file .dockerignore leaves out
		// but the build needs fails here as it would in `docker build`.
		ctxDir := filepath.Join(workDir, "context")
		root, err := filepath.Abs(repoRoot)
		if err == nil {
			err = dockerContext(root, ctxDir)
		}
		if err != nil {
			buildErr = fmt.Errorf("build context: %w", err)
			return
		}
		defer os.RemoveAll(ctxDir)
		out := filepath.Join(workDir, "out", "muninn")
		cmdline := strings.Replace(b.Command, b.Output, out, 1)
		cmd := exec.Command("sh", "-ec", cmdline)
		cmd.Dir = ctxDir
		cmd.Env = os.Environ()
		for k, v := range b.Args {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, "VERSION="+testVersion)
		if o, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%s: %v\n%s", cmdline, err, o)
			return
		}
		binPath = out
	})
	if buildErr != nil {
		t.Fatalf("build with the Dockerfile's command: %v", buildErr)
	}
	return binPath
}

// gatewayProc is a running muninn process.
type gatewayProc struct {
	URL       string // http://127.0.0.1:port
	cmd       *exec.Cmd
	mu        sync.Mutex
	output    bytes.Buffer // stdout and stderr
	listening bool
	done      chan struct{}
	err       error
}

// Output returns what the process printed so far.
func (g *gatewayProc) Output() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.output.String()
}

// lockedWriter appends to the process output; with addr set it sends the listen address
// once muninn prints "listening on http://ADDR".
type lockedWriter struct {
	g    *gatewayProc
	addr chan string
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.g.mu.Lock()
	defer w.g.mu.Unlock()
	n, err := w.g.output.Write(p)
	if w.addr != nil && !w.g.listening {
		out := w.g.output.String()
		if _, rest, ok := strings.Cut(out, " listening on "); ok {
			if line, _, ok := strings.Cut(rest, "\n"); ok {
				w.g.listening = true
				w.addr <- strings.TrimSpace(line)
			}
		}
	}
	return n, err
}

// startGateway runs the binary with a config file and env (plus PATH and a fresh
// MUNINN_DATA_DIR), listening on a free loopback port, and waits until /readyz answers
// 200. It is stopped with SIGTERM when the test ends.
func startGateway(t *testing.T, config string, env map[string]string) *gatewayProc {
	t.Helper()
	bin := muninnBinary(t)
	args := []string{"-listen", "127.0.0.1:0"}
	if config != "" {
		args = append([]string{"-config", config}, args...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "MUNINN_DATA_DIR=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	g := &gatewayProc{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	cmd.Stdout = lockedWriter{g, addr}
	cmd.Stderr = lockedWriter{g, nil}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		g.err = cmd.Wait()
		close(g.done)
	}()
	t.Cleanup(func() { g.stop(t) })

	select {
	case u := <-addr:
		g.URL = u
	case <-g.done:
		t.Fatalf("muninn exited before listening: %v\n%s", g.err, g.Output())
	case <-time.After(60 * time.Second):
		t.Fatalf("muninn did not listen within 60s\n%s", g.Output())
	}
	if err := g.waitReady(30 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, g.Output())
	}
	return g
}

// waitReady polls /readyz until it answers 200.
func (g *gatewayProc) waitReady(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var last string
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", g.URL+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("status %d: %s", resp.StatusCode, b)
		} else {
			last = err.Error()
		}
		select {
		case <-g.done:
			return fmt.Errorf("muninn exited: %v", g.err)
		case <-ctx.Done():
			return fmt.Errorf("/readyz not ready within %v: %s", limit, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ready reports whether /readyz answers 200 now.
func (g *gatewayProc) ready() bool {
	hc := http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(g.URL + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop sends SIGTERM and waits for a clean exit (SIGKILL after 20 s).
func (g *gatewayProc) stop(t *testing.T) {
	select {
	case <-g.done:
		return
	default:
	}
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.done:
		if g.err != nil {
			t.Errorf("muninn did not stop cleanly: %v\n%s", g.err, g.Output())
		}
	case <-time.After(20 * time.Second):
		_ = g.cmd.Process.Kill()
		<-g.done
		t.Errorf("muninn did not stop within 20s of SIGTERM\n%s", g.Output())
	}
}
