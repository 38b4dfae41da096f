package appliance

import (
	"debug/elf"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The image is multi-stage, runs as a non-root user, keeps its data on a volume, checks
// its health with `muninn healthcheck .../readyz` (the image has no shell) and exposes
// the gateway port.
func TestDockerfileShape(t *testing.T) {
	ins := readDockerfile(t)
	last := ins[len(ins)-1].Stage
	if last < 1 {
		t.Fatalf("want a multi-stage build (build stage + runtime stage), found %d stage(s)", last+1)
	}
	final := map[string][]string{}
	var froms []string
	for _, in := range ins {
		if in.Cmd == "FROM" {
			froms = append(froms, in.Args)
		}
		if in.Stage == last {
			final[in.Cmd] = append(final[in.Cmd], in.Args)
		}
	}
	b, err := findGoBuild(ins)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"every base image pinned to a version (no :latest, no bare name)", allPinned(froms)},
		{"the runtime stage is not the Go toolchain image", !strings.Contains(froms[last], "golang")},
		{"the binary is static (CGO_ENABLED=0)", strings.Contains(b.Command, "CGO_ENABLED=0")},
		{"the runtime stage copies the binary from the build stage", anyHas(final["COPY"], "--from=", b.Output)},
		{"a non-root USER in the runtime stage", nonRoot(final["USER"])},
		{"a VOLUME for MUNINN_DATA_DIR", volumeForDataDir(final["VOLUME"], final["ENV"])},
		{"HEALTHCHECK runs `muninn healthcheck .../readyz`", anyHas(final["HEALTHCHECK"], "healthcheck", "/readyz")},
		{"EXPOSE 8080", anyHas(final["EXPOSE"], "8080")},
		{"ENTRYPOINT is the binary", len(final["ENTRYPOINT"]) == 1 && strings.Contains(final["ENTRYPOINT"][0], "muninn")},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("Dockerfile: want %s", c.what)
		}
	}
}

func allPinned(froms []string) bool {
	for _, f := range froms {
		image := strings.Fields(f)[0]
		_, tag, ok := strings.Cut(image[strings.LastIndex(image, "/")+1:], ":")
		if !ok || tag == "" || tag == "latest" {
			return false
		}
	}
	return len(froms) > 0
}

func anyHas(args []string, subs ...string) bool {
	for _, a := range args {
		all := true
		for _, s := range subs {
			all = all && strings.Contains(a, s)
		}
		if all {
			return true
		}
	}
	return false
}

func nonRoot(users []string) bool {
	if len(users) == 0 {
		return false
	}
	u, _, _ := strings.Cut(users[len(users)-1], ":")
	return u != "root" && u != "0" && u != ""
}

func volumeForDataDir(volumes, envs []string) bool {
	dir := ""
	for _, e := range envs {
		if v, ok := strings.CutPrefix(e, "MUNINN_DATA_DIR="); ok {
			dir = v
		}
	}
	if dir == "" {
		return false
	}
	for _, v := range volumes {
		var list []string
		if json.Unmarshal([]byte(v), &list) != nil {
			list = strings.Fields(v)
		}
		for _, p := range list {
			if p == dir {
				return true
			}
		}
	}
	return false
}

// The Dockerfile's build command, run as written, builds a static binary that reports
// the version passed as the VERSION build argument.
func TestDockerfileBuildsTheTestedBinary(t *testing.T) {
	bin := muninnBinary(t)
	out, err := exec.Command(bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("muninn -version: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "muninn "+testVersion; got != want {
		t.Errorf("muninn -version = %q, want %q (the Dockerfile's -X main.version)", got, want)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader; the distroless static image has none")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links shared libraries %v", libs)
	}
	if f.Section(".debug_info") != nil {
		t.Error("the binary carries DWARF debug info (the Dockerfile builds with -s -w)")
	}
}

// `muninn healthcheck URL` (the image's HEALTHCHECK and compose's) exits 0 when the
// gateway is ready and non-zero otherwise.
func TestHealthcheckSubcommand(t *testing.T) {
	bin := muninnBinary(t)
	g := startGateway(t, "", nil)

	unready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer unready.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	cases := []struct {
		name string
		url  string
		ok   bool
	}{
		{"ready gateway", g.URL + "/readyz", true},
		{"gateway liveness", g.URL + "/healthz", true},
		{"unknown path", g.URL + "/no-such-path", false},
		{"server answering 503", unready.URL + "/readyz", false},
		{"nothing listening", closed.URL + "/readyz", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := exec.Command(bin, "healthcheck", tc.url).CombinedOutput()
			if tc.ok && err != nil {
				t.Errorf("healthcheck %s: %v\n%s", tc.url, err, out)
			}
			if !tc.ok {
				if err == nil {
					t.Errorf("healthcheck %s exited 0", tc.url)
				} else if !strings.Contains(string(out), "unhealthy") {
					t.Errorf("healthcheck %s should say why: %q", tc.url, out)
				}
			}
		})
	}
}

// While the gateway drains after SIGTERM, /readyz fails and so does the healthcheck,
// so orchestrators stop routing to it before it closes.
func TestHealthcheckFailsWhileDraining(t *testing.T) {
	bin := muninnBinary(t)
	cfg := filepath.Join(t.TempDir(), "muninn.yaml")
	if err := os.WriteFile(cfg, []byte("drain_delay: 2s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := startGateway(t, cfg, nil)
	if out, err := exec.Command(bin, "healthcheck", g.URL+"/readyz").CombinedOutput(); err != nil {
		t.Fatalf("healthcheck of the ready gateway: %v\n%s", err, out)
	}
	if err := g.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Wait until the signal was handled: /readyz stops answering 200.
	for g.ready() {
		time.Sleep(20 * time.Millisecond)
	}
	out, err := exec.Command(bin, "healthcheck", g.URL+"/readyz").CombinedOutput()
	if err == nil {
		t.Fatalf("healthcheck of a draining gateway exited 0: %s", out)
	}
	<-g.done
	if g.err != nil {
		t.Errorf("muninn exited with %v after draining\n%s", g.err, g.Output())
	}
}
