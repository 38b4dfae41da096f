package appliance

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
)

func loadCompose(t *testing.T, env []string, profiles ...string) (*types.Project, error) {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnv(env),
		cli.WithProfiles(profiles),
		cli.WithName("muninn"),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cli.ProjectFromOptions(context.Background(), opts)
}

// exampleEnv reads .env.example as a user's .env would be.
func exampleEnv(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.Contains(line, "=") {
			t.Fatalf(".env.example: line without '=': %q", line)
		}
		env = append(env, line)
	}
	return env
}

func serviceNames(p *types.Project) []string {
	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func TestComposeLoadsWithEveryProfile(t *testing.T) {
	base := []string{"muninn", "clickhouse", "langfuse-web", "langfuse-worker",
		"langfuse-postgres", "redis", "minio", "prometheus", "grafana"}
	cases := []struct {
		profile string
		extra   []string
		absent  []string
	}{
		{"", nil, []string{"qdrant", "pgvector"}},
		{"qdrant", []string{"qdrant"}, []string{"pgvector"}},
		{"pgvector", []string{"pgvector"}, []string{"qdrant"}},
	}
	for _, tc := range cases {
		t.Run("profile="+tc.profile, func(t *testing.T) {
			var profiles []string
			if tc.profile != "" {
				profiles = []string{tc.profile}
			}
			p, err := loadCompose(t, exampleEnv(t), profiles...)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			got := map[string]bool{}
			for _, n := range serviceNames(p) {
				got[n] = true
			}
			for _, want := range append(append([]string{}, base...), tc.extra...) {
				if !got[want] {
					t.Errorf("service %s missing (have %v)", want, serviceNames(p))
				}
			}
			for _, no := range tc.absent {
				if got[no] {
					t.Errorf("service %s should only run in its profile", no)
				}
			}
			checkServices(t, p)
		})
	}
}

var pinnedImage = regexp.MustCompile(`^[a-z0-9./-]+:[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*$`)

func checkServices(t *testing.T, p *types.Project) {
	t.Helper()
	published := map[string]bool{}
	for name, s := range p.Services {
		if s.Build == nil && !pinnedImage.MatchString(s.Image) {
			t.Errorf("%s: image %q is not pinned to a version", name, s.Image)
		}
		if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
			t.Errorf("%s: no healthcheck", name)
		}
		for dep, d := range s.DependsOn {
			if _, ok := p.Services[dep]; !ok && d.Required {
				t.Errorf("%s depends on %s, which does not exist", name, dep)
			}
			if d.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s: depends_on %s should wait for service_healthy, has %q", name, dep, d.Condition)
			}
		}
		if len(s.Ports) > 0 {
			published[name] = true
		}
		for _, v := range s.Volumes {
			switch v.Type {
			case types.VolumeTypeBind:
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("%s: bind mount source %s: %v", name, v.Source, err)
				}
			case types.VolumeTypeVolume:
				if _, ok := p.Volumes[v.Source]; !ok {
					t.Errorf("%s: volume %s is not declared", name, v.Source)
				}
			}
		}
	}
	want := map[string]bool{"muninn": true, "langfuse-web": true, "grafana": true}
	for name := range published {
		if !want[name] {
			t.Errorf("%s publishes ports to the host; only the gateway, Langfuse and Grafana may", name)
		}
	}
	for name := range want {
		if !published[name] {
			t.Errorf("%s should be published to the host", name)
		}
	}
}

func TestComposeRequiresSecrets(t *testing.T) {
	// Without a .env every required secret is reported, none is defaulted silently.
	// (The loader warns about each unset variable on logrus; that is expected here.)
	logrus.SetOutput(io.Discard)
	t.Cleanup(func() { logrus.SetOutput(os.Stderr) })
	_, err := loadCompose(t, nil)
	if err == nil {
		t.Fatal("compose loaded without any secrets set")
	}
	if !strings.Contains(err.Error(), "in .env") {
		t.Errorf("error should say which variable to set in .env: %v", err)
	}
}

func TestEnvExampleHasNoRealSecrets(t *testing.T) {
	for _, kv := range exampleEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(k, "_KEY") && strings.HasPrefix(v, "sk-") && !strings.Contains(v, "change-me") {
			t.Errorf("%s looks like a real secret", k)
		}
	}
}

func TestComposeMuninnConfigExistsForEveryVectorStore(t *testing.T) {
	for _, vs := range []string{"builtin", "qdrant", "pgvector"} {
		env := append(exampleEnv(t), "MUNINN_VECTOR_STORE="+vs)
		p, err := loadCompose(t, env)
		if err != nil {
			t.Fatal(err)
		}
		cmd := strings.Join(p.Services["muninn"].Command, " ")
		want := "/etc/muninn/config." + vs + ".yaml"
		if !strings.Contains(cmd, want) {
			t.Fatalf("muninn command %q does not select %s", cmd, want)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, "deploy", "muninn", "config."+vs+".yaml")); err != nil {
			t.Errorf("config for vector store %s: %v", vs, err)
		}
	}
}

var configEnvRef = regexp.MustCompile(`\benv\.([A-Z][A-Z0-9_]*)`)

// Every env.NAME a deploy config reads is set, non-empty, in the muninn service's
// environment, and every address there names a compose service.
func TestComposeGivesMuninnEveryConfigVariable(t *testing.T) {
	p, err := loadCompose(t, exampleEnv(t), "qdrant", "pgvector")
	if err != nil {
		t.Fatal(err)
	}
	env := p.Services["muninn"].Environment
	for _, vs := range []string{"builtin", "qdrant", "pgvector"} {
		raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "muninn", "config."+vs+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		refs := configEnvRef.FindAllStringSubmatch(string(raw), -1)
		if len(refs) < 5 {
			t.Errorf("config.%s.yaml reads only %d variables; addresses and secrets belong in the environment", vs, len(refs))
		}
		for _, m := range refs {
			if v := env[m[1]]; v == nil || *v == "" {
				t.Errorf("config.%s.yaml reads env.%s, which the muninn service does not set", vs, m[1])
			}
		}
	}
	for name, v := range env {
		if v == nil {
			continue
		}
		host := ""
		if u, err := url.Parse(*v); err == nil && u.Host != "" {
			host = u.Hostname()
		} else if h, _, err := net.SplitHostPort(*v); err == nil {
			host = h
		}
		if host == "" || strings.Contains(host, ".") {
			continue // not an address, or outside the compose network
		}
		if _, ok := p.Services[host]; !ok {
			t.Errorf("%s=%s: no compose service %q", name, *v, host)
		}
	}
}
