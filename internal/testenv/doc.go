// Package testenv tells tests where the real backends started by scripts/test are, and
// decides what happens when one is missing.
//
// scripts/test starts ClickHouse, Postgres+pgvector (PGlite) and friends on loopback ports
// it picks, exports their addresses in MUNINN_TEST_* variables and sets
// MUNINN_TEST_STRICT=1. Under strict mode a missing backend fails the test, so CI can never
// pass by skipping; outside it (a plain `go test ./...` on a laptop) the test is skipped
// with a message naming the variable to set.
//
// Imported only by tests.
package testenv
