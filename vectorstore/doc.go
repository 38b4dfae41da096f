// Package vectorstore is the seam between Muninn's semantic cache and the engine that stores
// and searches embedding vectors.
//
// It holds the small Store interface (Upsert, Search, Delete, Close), optional capabilities
// discovered by type assertion (Pinger, NamespaceEnsurer, Sweeper, Statser,
// NamespaceDropper, FilterDeleter, Getter), typed errors, a registry of backends by name
// (Register, Open) in the style of database/sql, and the vector helpers every backend uses
// (Validate, Normalize, Cosine, SortMatches).
//
// It is a leaf: it imports nothing from Muninn. Backends live in sub-packages and register
// themselves from an init function; a binary links the ones it wants with a blank import:
//
//	import _ "github.com/muninn-gw/muninn/vectorstore/memory"
//	s, err := vectorstore.Open(ctx, "builtin", rawJSONConfig)
//
// # Contracts every backend keeps
//
//   - Scores are cosine similarity in [-1, 1] whatever the engine's native scale (distance,
//     (1+cos)/2, inner product of normalised vectors...), so a cache threshold such as 0.9
//     means the same thing on every backend.
//   - Search returns at most k matches, best first; equal scores are ordered by ascending ID
//     (SortMatches), so results are deterministic.
//   - Namespaces isolate data completely. A namespace takes the dimension of its first
//     vector (or of EnsureNamespace); other dimensions fail with ErrDimensionMismatch.
//   - Vectors with NaN or Inf components, and all-zero or empty vectors, fail with
//     ErrInvalidVector; a batch with one bad point stores nothing.
//   - A point whose ExpiresAt has passed is never returned, even before a sweep removed it.
//   - Filters are conjunctions of equality conditions on payload fields.
//   - After Close, every call fails with ErrClosed.
//   - Errors are wrapped with context; callers branch with errors.Is on the Err* values.
//
// The conformance suite in vectorstore/vectorstoretest checks all of this; every backend
// runs it.
//
// # Choosing a backend
//
// The built-in store ("builtin", package vectorstore/memory) needs no infrastructure: an
// in-process ANN index with crash-safe persistence in a local directory. It is the right
// choice while one Muninn instance serves the traffic and the cache fits in that machine's
// memory: around a million 512-dimension entries take about 1 GB in its int8 mode.
//
// Switch to Qdrant or pgvector when any of these holds:
//   - several Muninn replicas must share one cache (the built-in store is per process);
//   - the cache outgrows one machine's memory, or must survive the loss of the machine
//     (replication, backups);
//   - you already operate Postgres (pgvector: cache entries next to your data, SQL tooling)
//     or want a dedicated vector engine with sharding and on-disk indexes (Qdrant).
package vectorstore
