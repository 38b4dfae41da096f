// Package appliance holds the tests of Muninn's deployable appliance: the root Dockerfile,
// docker-compose.yml, .env.example, the files under deploy/ and the Grafana dashboards
// under dashboards/. No Docker engine is needed:
//
//   - the compose file is loaded and checked with the compose-spec reference loader
//     (services, profiles, healthchecks, volumes, pinned images, required secrets), and
//     every env.NAME a deploy/muninn config reads is set by the muninn service;
//   - the Dockerfile's shape is checked (multi-stage, static, non-root, data volume,
//     healthcheck, port) and its `go build` line is run as written: every test that
//     runs the gateway runs that binary;
//   - TestApplianceEndToEnd starts the binary with deploy/muninn/config.builtin.yaml,
//     logs to a real ClickHouse (18.16), a fake upstream and a fake Langfuse, and a real
//     Prometheus scraping it; after realistic traffic every dashboard SQL query (Grafana
//     macros expanded) returns rows on ClickHouse 18.16 and, with the rows copied into
//     the production schema, on ClickHouse 26 (chDB); every PromQL query returns series;
//     and Langfuse received a span per request with its auth headers;
//   - TestDeployConfigsServe starts the qdrant and pgvector configs against a Qdrant
//     gRPC fake and Postgres with pgvector.
//
// Backends come from scripts/test (MUNINN_TEST_CLICKHOUSE, _CLICKHOUSE_HTTP, _POSTGRES,
// _CHDB_LIB, _PROMTOOL; the prometheus server is taken from promtool's directory).
// MUNINN_APPLIANCE_KEEP_DB=1 keeps the ClickHouse databases the tests create, for
// looking at the rows after a failure.
//
// The package has no non-test code; it imports nothing at run time.
package appliance
