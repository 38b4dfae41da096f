//go:build benchcompare

package pgvector_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
	_ "github.com/muninn-gw/muninn/vectorstore/memory"
)

// With -tags benchcompare the built-in store is benchmarked in the same process, as the
// baseline of the figures in README.md.
func init() {
	// The baseline runs at the sizes the test Postgres runs.
	benchBackends = append([]benchBackend{{name: "builtin", max: benchBackends[0].max, open: func(b *testing.B) vectorstore.Store {
		s, err := vectorstore.Open(context.Background(), "builtin", json.RawMessage(`{}`))
		if err != nil {
			b.Fatal(err)
		}
		return s
	}}}, benchBackends...)
}
