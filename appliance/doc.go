// Package appliance holds the tests of Muninn's deployable appliance: the root Dockerfile,
// docker-compose.yml, .env.example, the files under deploy/ and the Grafana dashboards
// under dashboards/. No Docker engine is needed: the compose file is loaded and checked
// with the compose-spec reference loader, the Dockerfile's build command is run as-is, and
// the dashboards' queries are run against the real ClickHouse schema and the gateway's
// real /metrics.
//
// The package has no non-test code; it imports nothing at run time.
package appliance
