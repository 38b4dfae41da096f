// Package vectorstoretest is the conformance suite every vectorstore backend runs, in the
// spirit of testing/fstest.TestFS:
//
//	func TestConformance(t *testing.T) {
//		vectorstoretest.Run(t, func(t *testing.T) vectorstore.Store { return openMine(t) })
//	}
//
// It checks the contracts written in package vectorstore: exact cosine scores on
// hand-made vectors (negative ones included), best-first ordering with ties by ID, k,
// filters, namespace isolation, deletes, upsert overwrites, expiry, dimension and
// invalid-vector errors, concurrency and close semantics, plus the optional interfaces a
// backend implements. Results that must be exact use data small enough for any ANN index
// to be exact on; backends with an approximate index pass too.
//
// Every subtest calls open for a fresh store and closes it at the end. Namespaces are
// unique per run (lower-case letters, digits and underscores, at most 40 bytes), so
// backends that share one server between subtests do not see each other's data.
//
// It may import only vectorstore and internal/testenv (and the standard library).
package vectorstoretest
