// Package memory is Muninn's built-in vector store, registered as "builtin": an
// in-process approximate nearest-neighbour index with crash-safe persistence in a local
// directory, so the semantic cache works with no infrastructure.
//
// It imports only vectorstore (and, for the CPU feature check of its AVX2 kernels,
// golang.org/x/sys/cpu; other CPUs use the portable Go kernels). Open it with vectorstore.Open(ctx, "builtin", rawJSON) or New.
//
// # Index
//
// Each namespace has its own HNSW graph (M links per node, 2M on the base layer, the
// neighbour-selection heuristic with pruned links kept, and a beam of a few candidates
// instead of a greedy walk on the upper layers, which on clustered data keeps a search
// from settling in the wrong cluster). Namespaces up to
// Config.ExactThreshold points are searched by a full scan, which is exact and, at that
// size, faster. HNSW was chosen over IVF because it needs no training, accepts inserts
// and deletes one at a time, and reaches the latency target with a few thousand distance
// computations per query; see README.md for the figures.
//
// Vectors are normalised on the way in, so a dot product is the cosine similarity.
// QuantInt8 stores each vector as int8 codes with one float32 scale (512 + 4 bytes at
// 512 dimensions instead of 2048); queries stay float32, so a score is exact up to the
// quantisation error of the stored vector alone, about 1e-3. The float32 originals are
// not kept (they would cost more than everything else together), so int8 scores are not
// re-ranked; Get returns the decoded vector.
//
// Deletes leave tombstones that searches still walk through. When tombstones reach an
// eighth of a namespace, a background pass rewires the live nodes that link to them and
// only then frees their slots for reuse, so deletes and evictions do not cut the graph.
//
// # Limits, expiry, eviction
//
// MaxPoints and MaxBytes bound the whole store. Bytes are an estimate of the memory the
// points take (vectors, links, IDs, payloads). Over a limit, expired points are swept
// first, then the least recently hit (EvictLRU) or least recently inserted (EvictOldest)
// points go, chosen by sampling like Redis' approximate LRU. An expired point is never
// returned, even before the background sweep (every SweepInterval) removes it.
//
// # Concurrency
//
// Searches run in parallel under a namespace's read lock; a search that keeps finding
// points its filter rejects stops after scoring a bounded number of slots (and
// namespaces up to 20 times ExactThreshold fall back to a scan when it found fewer than
// k), so a very selective filter on a large namespace may return fewer matches than
// exist: give such data its own namespace. the graph's neighbour lists
// have striped locks, so inserts link in parallel with searches and with each other
// (large batches are linked by GOMAXPROCS workers: the bulk build path). Only storing a
// point, deleting and freeing slots take the namespace's write lock briefly.
//
// # Persistence
//
// With Config.Dir set, every change is appended to a log of checksummed records
// (length, CRC-32C, body) before the call returns, buffered in memory. The buffer is
// written out every FlushInterval and, per Config.Fsync:
//
//   - FsyncInterval (default): written and fsynced every FlushInterval. A killed process
//     or a crashed machine loses at most the last interval.
//   - FsyncAlways: written and fsynced before Upsert and Delete return: nothing
//     acknowledged is lost, at one fsync per call.
//   - FsyncNever: written every FlushInterval, fsync left to the OS. A killed process
//     loses at most the last interval; a power cut may lose more.
//
// Flush forces a write and fsync. When the log passes CompactBytes, a snapshot of every
// namespace's graph (vectors, links, IDs, payloads) is written to a temporary file,
// fsynced and renamed, and older files are removed; a restart loads the snapshot as it
// is, without rebuilding the graph, and replays the log after it. A torn or corrupt
// record (bad length, checksum or content) ends the good prefix: the file is truncated
// there with a warning, later logs are set aside as *.corrupt, and the store opens with
// what was good. Damaged data is never served and never crashes the process.
//
// # When to switch
//
// The store is per process and bounded by one machine's memory: about 0.9 KB per
// 512-dimension point in int8 mode, 2.4 KB in float32 mode. Several replicas sharing one
// cache, more data than memory, or replication and backups call for Qdrant or pgvector
// (see package vectorstore).
package memory
