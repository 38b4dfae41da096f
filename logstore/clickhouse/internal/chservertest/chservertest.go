package chservertest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Config is the stock server config the private instance starts from.
const Config = "/etc/clickhouse-server/config.xml"

// Server is a private clickhouse-server.
type Server struct {
	t                testing.TB
	bin, dir         string
	tcp, http, inter int
	cmd              *exec.Cmd
	exited           chan struct{}
}

// Start starts a server, or fails the test when the binary is missing.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("clickhouse-server")
	if err != nil {
		t.Fatalf("clickhouse-server not installed: %v", err)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), tcp: freePort(t), http: freePort(t), inter: freePort(t)}
	for _, d := range []string{"tmp", "uf", "fs"} {
		os.MkdirAll(filepath.Join(s.dir, d), 0o750)
	}
	s.start()
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port of the native protocol.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.tcp) }

func (s *Server) start() {
	s.t.Helper()
	d := s.dir + "/"
	s.cmd = exec.Command(s.bin, "--config-file="+Config, "--",
		"--path="+d, "--tmp_path="+d+"tmp/", "--user_files_path="+d+"uf/", "--format_schema_path="+d+"fs/",
		"--logger.log="+d+"ch.log", "--logger.errorlog="+d+"ch.err.log",
		"--tcp_port="+strconv.Itoa(s.tcp), "--http_port="+strconv.Itoa(s.http),
		"--interserver_http_port="+strconv.Itoa(s.inter))
	s.cmd.Dir = s.dir
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start clickhouse-server: %v", err)
	}
	exited := make(chan struct{})
	s.exited = exited
	go func(c *exec.Cmd) { c.Wait(); close(exited) }(s.cmd)
	ping := fmt.Sprintf("http://127.0.0.1:%d/ping", s.http)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "ch.err.log"))
			s.t.Fatalf("clickhouse-server exited while starting:\n%s", log)
		default:
		}
		if resp, err := http.Get(ping); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatal("clickhouse-server did not answer /ping within 60s")
}

// Stop kills the server (SIGKILL: an outage, not a maintenance window) and waits for it
// to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// Restart starts the stopped server again on the same ports and data.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
