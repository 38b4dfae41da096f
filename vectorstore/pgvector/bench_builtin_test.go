//go:build benchcompare

package pgvector_test

import (
	_ "github.com/muninn-gw/muninn/vectorstore/memory"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

// With -tags benchcompare the built-in store is benchmarked in the same process, as the
// baseline of the figures in README.md. It runs at the sizes the test Postgres runs.
func init() {
	bench.Backends = append([]vectorstoretest.BenchBackend{vectorstoretest.BuiltinBackend(pgliteMax)}, bench.Backends...)
}
