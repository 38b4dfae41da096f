package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/muninn-gw/muninn"

// rule says which internal packages a package (and everything below it, unless a more
// specific rule exists) may import. Paths are relative to the module root; a package may
// always import its own sub-packages.
type rule struct {
	pkg   string
	allow []string
}

var rules = []rule{
	{"gateway/api", nil},
	{"pricing", nil},
	{"vectorstore", nil},
	{"logstore", nil},
	{"cache/embed", nil},
	{"vectorstore/vectorstoretest", []string{"vectorstore", "internal/testenv"}},
	{"logstore/logstoretest", []string{"logstore", "internal/testenv"}},
	{"cache", []string{"vectorstore", "cache/embed"}},
	{"telemetry", []string{"gateway/api", "pricing", "logstore"}},
	{"gateway/provider", []string{"gateway/api"}},
	{"gateway/plugins", []string{"gateway", "cache", "vectorstore", "pricing", "logstore", "telemetry"}},
	{"gateway", []string{"gateway/api", "gateway/provider"}},
}

// forbidden are imports nobody but cmd/muninn (and tests) may make.
var wiredOnlyByMain = []string{"gateway/plugins"}

func listDeps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	deps := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(f[0], module+"/")
		for _, d := range f[1:] {
			if strings.HasPrefix(d, module+"/") {
				deps[pkg] = append(deps[pkg], strings.TrimPrefix(d, module+"/"))
			}
		}
		if _, ok := deps[pkg]; !ok {
			deps[pkg] = nil
		}
	}
	return deps
}

func under(pkg, root string) bool { return pkg == root || strings.HasPrefix(pkg, root+"/") }

// ruleFor returns the most specific rule covering pkg.
func ruleFor(pkg string) (rule, bool) {
	best, found := rule{}, false
	for _, r := range rules {
		if under(pkg, r.pkg) && (!found || len(r.pkg) > len(best.pkg)) {
			best, found = r, true
		}
	}
	return best, found
}

func TestImportRules(t *testing.T) {
	deps := listDeps(t)
	if len(deps) == 0 {
		t.Fatal("go list found no packages")
	}
	for pkg, ds := range deps {
		r, ok := ruleFor(pkg)
		for _, d := range ds {
			if d == "internal/testenv" && !strings.HasSuffix(pkg, "test") {
				t.Errorf("%s imports internal/testenv, which only tests and test suites may use", pkg)
			}
			if !under(pkg, "cmd") {
				for _, w := range wiredOnlyByMain {
					if under(d, w) && !under(pkg, w) {
						t.Errorf("%s imports %s: only cmd/muninn wires plugins", pkg, d)
					}
				}
			}
			if !ok || under(d, r.pkg) {
				continue
			}
			allowed := false
			for _, a := range r.allow {
				if under(d, a) {
					allowed = true
					break
				}
			}
			if !allowed {
				t.Errorf("%s imports %s; rule %q allows only %v", pkg, d, r.pkg, r.allow)
			}
		}
	}
}
