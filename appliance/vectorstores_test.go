package appliance

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider/providertest"
	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/telemetry/otlptest"
	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
)

// Each compose config is accepted by the binary and serves with its vector store: the
// qdrant one against a Qdrant gRPC server that checks the API key, the pgvector one
// against Postgres with pgvector. A paraphrase is answered from the semantic tier, so
// the vectors really went through that store.
func TestDeployConfigsServe(t *testing.T) {
	chAddr := testenv.Require(t, testenv.ClickHouseAddr)
	ch := newCHHTTP(testenv.Require(t, testenv.ClickHouseHTTP))

	cases := []struct {
		name  string
		setup func(t *testing.T, env map[string]string) (check func(t *testing.T))
	}{
		{"builtin", func(t *testing.T, env map[string]string) func(*testing.T) { return nil }},
		{"qdrant", func(t *testing.T, env map[string]string) func(*testing.T) {
			const key = "qdrant-appliance-test-key"
			q := qdranttest.Start(t, qdranttest.Options{APIKey: key})
			env["MUNINN_QDRANT_ADDR"] = q.Addr()
			env["QDRANT_API_KEY"] = key
			return func(t *testing.T) {
				points := 0
				for _, c := range q.Collections() {
					points += q.PointCount(c)
				}
				if points == 0 {
					t.Errorf("no points in Qdrant (collections %v)", q.Collections())
				}
			}
		}},
		{"pgvector", func(t *testing.T, env map[string]string) func(*testing.T) {
			dsn := testenv.Require(t, testenv.PostgresDSNAppliance)
			// PGlite serves one session: one connection, no prepared statements.
			sep := "?"
			if strings.Contains(dsn, "?") {
				sep = "&"
			}
			env["MUNINN_PG_URL"] = dsn + sep + "pool_max_conns=1&default_query_exec_mode=exec"
			return nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := freshDatabase(t, ch)
			up := providertest.New(t)
			lf := otlptest.Start()
			t.Cleanup(lf.Close)
			env := applianceEnv(up, lf, chAddr, db)
			check := tc.setup(t, env)
			g := startGateway(t, deployConfig(t, tc.name), env)

			c := &trafficClient{t: t, base: g.URL, hc: &http.Client{Timeout: 60 * time.Second}}
			c.chatUntil("hit-exact", "app", modelMini, "What is the capital of France?", chatOpts{})
			// The vector of the first entry is written in the background (slowly on
			// PGlite); a paraphrase asked before it lands is a miss and becomes an exact
			// entry of its own, so each try uses another paraphrase.
			c.semanticHit("app", modelMini, []string{"capital of France?", "What's the capital of France?", "Which city is the capital of France?",
				"What's the capital city of France?", "Tell me the capital of France.", "France's capital is which city?",
				"Name the capital of France.", "What city is France's capital?", "capital city of France?"})
			if note := "vector store " + tc.name; !strings.Contains(g.Output(), note) {
				t.Errorf("muninn did not start with %q:\n%s", note, g.Output())
			}
			if check != nil {
				check(t)
			}
		})
	}
}
