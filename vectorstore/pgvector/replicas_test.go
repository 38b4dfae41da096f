package pgvector_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	"github.com/muninn-gw/muninn/gateway/plugins/semcache"
	_ "github.com/muninn-gw/muninn/gateway/provider/openai" // registers "openai"
	"github.com/muninn-gw/muninn/gateway/provider/providertest"
	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/vectorstore"
)

// TestGatewayReplicasShareCache runs two gateway processes (this test binary re-executed),
// each with its own semantic cache (own memory, own data directory, own upstream) over
// one pgvector database, the way replicas behind a load balancer are configured. Gateway
// A answers two misses from its upstream; gateway B then serves the same prompt (exact
// tier) and a paraphrase (semantic tier) from A's entries without calling its upstream,
// and still misses a near-miss and another tenant's prompt. They run one after the other
// because the test server accepts one connection at a time; on a real Postgres they run
// side by side.
func TestGatewayReplicasShareCache(t *testing.T) {
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix := newPrefix(t, dsn)
	dir := t.TempDir()
	releaseShared()
	for _, role := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGatewayReplicaProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "MUNINN_REPLICA_ROLE="+role, "MUNINN_REPLICA_PREFIX="+prefix, "MUNINN_REPLICA_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestGatewayReplicaProcess") {
			t.Fatalf("gateway %s: %v\n%s", role, err, out)
		}
		t.Logf("gateway %s:\n%s", role, out)
		settle()
	}
}

// replicaCall is one request a replica makes and the cache status it must get.
type replicaCall struct {
	key, prompt, want string
	upstream          int    // upstream calls expected after it
	reason            string // x-muninn-cache-reason expected, when set
}

// TestGatewayReplicaProcess is the body of one gateway process in
// TestGatewayReplicasShareCache.
func TestGatewayReplicaProcess(t *testing.T) {
	role := os.Getenv("MUNINN_REPLICA_ROLE")
	if role == "" {
		t.Skip("run by TestGatewayReplicasShareCache")
	}
	dsn := testenv.Require(t, testenv.PostgresDSN)
	prefix, dir := os.Getenv("MUNINN_REPLICA_PREFIX"), os.Getenv("MUNINN_REPLICA_DIR")

	// The vector_store section a replica's config file has (one session: the test server).
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "1")
	q.Set("default_query_exec_mode", "exec")
	u.RawQuery = q.Encode()
	raw, _ := json.Marshal(map[string]any{"url": u.String(), "table_prefix": prefix, "sweep_interval": "off", "timeout": "60s"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := vectorstore.Open(ctx, "pgvector", raw)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	emb, err := uselite.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Below the default threshold, so that the near-miss check, not the threshold, turns
	// the near-miss away on the second replica.
	c, err := cache.New(cache.Config{DataDir: filepath.Join(dir, role), Threshold: 0.70}, cache.Options{Store: st, Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	p := semcache.New(c, semcache.Options{})
	up := providertest.New(t)
	gcfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{
		"up": {Type: "openai", BaseURL: up.URL() + "/v1", Models: []string{"gpt-test"},
			Keys: []gateway.KeyConfig{{Name: "k1", Value: "sk-k1-upstream"}}}}}
	gcfg.Auth.Keys = []gateway.GatewayKey{{Name: "acme", Value: "sk-acme-0123456789"}, {Name: "beta", Value: "sk-beta-0123456789"}}
	gw := gatewaytest.Start(t, gcfg, gateway.Options{Plugins: []gateway.Plugin{p}, Routes: p.Routes(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer gw.Close()

	answers := filepath.Join(dir, "answers.json")
	var calls []replicaCall
	if role == "a" {
		calls = []replicaCall{
			{"acme", "What is the capital of France?", "miss", 1, ""},
			{"acme", "How do I reverse a list in Python?", "miss", 2, ""},
		}
	} else {
		calls = []replicaCall{
			{"acme", "What is the capital of France?", "hit-exact", 0, ""},
			{"acme", "How can I reverse a Python list?", "hit-semantic", 0, ""},
			{"acme", "What is the capital of Germany?", "miss", 1, "near-miss:entity"},
			{"beta", "What is the capital of France?", "miss", 2, ""},
		}
	}
	got := map[string]string{}
	if role == "b" {
		b, err := os.ReadFile(answers)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
	}
	for _, call := range calls {
		body, _ := json.Marshal(map[string]any{"model": "up/gpt-test",
			"messages": []map[string]string{{"role": "user", "content": call.prompt}}})
		req, _ := http.NewRequest(http.MethodPost, gw.URL+"/v1/chat/completions", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer sk-"+call.key+"-0123456789")
		resp, err := gatewaytest.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var chat api.ChatResponse
		if resp.StatusCode != http.StatusOK || json.Unmarshal(rb, &chat) != nil || len(chat.Choices) == 0 {
			t.Fatalf("%q: status %d: %s", call.prompt, resp.StatusCode, rb)
		}
		status := resp.Header.Get(semcache.HeaderCache)
		reason := resp.Header.Get("x-muninn-cache-reason")
		if status != call.want || up.Calls() != call.upstream || (call.reason != "" && reason != call.reason) {
			t.Fatalf("gateway %s, %s %q: %s (%s), upstream calls %d; want %s, %d", role, call.key, call.prompt,
				status, reason, up.Calls(), call.want, call.upstream)
		}
		content := chat.Choices[0].Message.Content.String()
		switch {
		case role == "a":
			got[call.prompt] = content
		case call.want == "hit-exact" && content != got[call.prompt]:
			t.Fatalf("hit-exact served %q, gateway a answered %q", content, got[call.prompt])
		case call.want == "hit-semantic" && content != got["How do I reverse a list in Python?"]:
			t.Fatalf("hit-semantic served %q", content)
		}
		t.Logf("gateway %s: %s %q -> %s %s", role, call.key, call.prompt, status, resp.Header.Get("x-muninn-cache-similarity"))
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if role == "a" {
		b, _ := json.Marshal(got)
		if err := os.WriteFile(answers, b, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if s := c.Stats(); s.Adopted != 2 {
		t.Fatalf("gateway b adopted %d entries, want 2: %+v", s.Adopted, s)
	}
}
