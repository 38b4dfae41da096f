// Package pgvector is the Postgres + pgvector backend of vectorstore, registered as
// "pgvector". It uses pgx/v5 (a connection pool) and pgvector-go's types.
//
// # Schema (owned by this package)
//
// Open migrates the database under an advisory lock, so replicas starting together do
// not race: CREATE EXTENSION IF NOT EXISTS vector, then numbered migrations recorded in
// PREFIX_migrations (a database newer than the code is refused). Tables:
//
//   - PREFIX_namespaces(ns primary key, dim): the registry. Its primary key makes "the
//     first vector fixes the namespace's dimension" hold across replicas: the first
//     INSERT wins and every other writer reads the winner back.
//   - PREFIX_d<dim>(ns, id, embedding vector(dim), payload jsonb, expires_at bigint),
//     primary key (ns, id): one table per dimension (a typed vector column needs a fixed
//     dimension and the HNSW index needs typed columns), created on first use with an
//     HNSW index (vector_cosine_ops; up to 2000 dimensions, wider tables are searched
//     exactly), a GIN jsonb_path_ops index on payload and a partial index on expires_at.
//
// One table holds all namespaces of a dimension, because the cache creates a namespace
// per scope (thousands of them) and a table or partition each would multiply catalog
// entries and indexes.
//
// # Search
//
// Scores are 1 - cosine distance (<=>), i.e. the cosine similarity in [-1, 1]. A search is
//
//	SELECT ... WHERE ns = $ns AND (expires_at IS NULL OR expires_at > $now) [AND payload @> $filter]
//	ORDER BY embedding <=> $q LIMIT k+8
//
// and ties are then ordered by ID (a second ORDER BY key would disable the index).
// Filtering keeps recall in two ways. The planner picks the (ns, id) primary key or the
// payload GIN index and sorts exactly when the namespace or the filter selects few rows,
// which is the common case for cache scopes. When it walks the HNSW index instead, a
// plain HNSW scan stops after ef_search candidates and the WHERE clause can leave fewer
// than k rows (often none: a small namespace in a big table); on pgvector >= 0.8 every
// connection sets hnsw.iterative_scan = relaxed_order (IterativeScan "auto"), so the scan
// goes on until k rows pass, bounded by hnsw.max_scan_tuples, and the final sort in Go
// repairs the relaxed order. TestFilteredSearchKeepsRecall shows both: exact top-k with
// iterative scans, zero rows without them. Before 0.8, raise EfSearch.
//
// Expired rows are never returned (the WHERE clause) and are deleted every SweepInterval.
//
// # Connections
//
// Config.URL is a plain postgres:// URL (TLS via sslmode etc., pool_max_conns and
// default_query_exec_mode work there too). Options: pool size and lifetimes, and the pgx
// execution mode: the default "cache_statement" uses named prepared statements (fastest
// on a direct connection); use "exec" behind PgBouncer in transaction mode, and for
// single-session servers (PGlite, which also needs max_conns 1). Every connection gets
// the vector types registered (pgxvec.RegisterTypes) and the hnsw.* settings in
// AfterConnect; OpenPool accepts a pool the application owns. Upserts of more than
// BatchSize points run in one transaction; NUL characters, which Postgres text cannot
// hold, are rejected with ErrInvalidArgument.
//
// Imports vectorstore, pgx and pgvector-go; nothing else from Muninn.
package pgvector
