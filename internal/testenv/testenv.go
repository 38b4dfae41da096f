package testenv

import (
	"os"
	"testing"
)

// Variables exported by scripts/test.
const (
	ClickHouseAddr = "MUNINN_TEST_CLICKHOUSE"      // host:port of ClickHouse's native protocol
	ClickHouseHTTP = "MUNINN_TEST_CLICKHOUSE_HTTP" // host:port of ClickHouse's HTTP interface
	PostgresDSN    = "MUNINN_TEST_POSTGRES"        // postgres:// URL of a pgvector-enabled server
	ChdbLib        = "MUNINN_TEST_CHDB_LIB"        // path of libchdb.so (a modern ClickHouse engine)
	Promtool       = "MUNINN_TEST_PROMTOOL"        // path of promtool
	QdrantAddr     = "QDRANT_ADDR"                 // host:port of a real Qdrant (gRPC); optional
	NodeModules    = "MUNINN_TEST_NODE_MODULES"    // path of the dev-time node_modules
	Strict         = "MUNINN_TEST_STRICT"

	// PGlite serves one session, so a package that runs while the vector store's suite
	// uses PostgresDSN gets a server of its own.
	PostgresDSNAppliance = "MUNINN_TEST_POSTGRES_APPLIANCE"
)

// IsStrict reports whether missing backends must fail tests.
func IsStrict() bool { return os.Getenv(Strict) == "1" }

// Require returns the value of the variable name, or fails (strict) or skips the test.
func Require(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if IsStrict() {
		t.Fatalf("%s is not set: scripts/test should have started this backend", name)
	}
	t.Skipf("%s not set: run scripts/test, or set it to a running backend", name)
	return ""
}

// Optional returns the value of the variable name, or skips the test even under strict
// mode. Use only for backends that cannot run on the CI machine (a real Qdrant).
func Optional(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s not set: optional backend", name)
	}
	return v
}
