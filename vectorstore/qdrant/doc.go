// Package qdrant is the Qdrant backend of vectorstore, registered as "qdrant". It talks
// gRPC through the official client (github.com/qdrant/go-client).
//
// # Layout: one collection per dimension, namespaces as an indexed tenant field
//
// The semantic cache creates one namespace per cache scope, so a deployment can have
// thousands of them, most small. A Qdrant collection is heavy (its own segments, WAL,
// HNSW graph, optimizer threads, and per-collection memory overhead), and Qdrant's own
// multitenancy guide recommends against a collection per tenant. So:
//
//   - PREFIX_d<dim> holds every namespace of that dimension (usually exactly one
//     collection, since one embedding model serves a deployment), with cosine distance;
//   - each point carries its namespace in the payload field "_ns", indexed as a keyword
//     with is_tenant=true, and every search is filtered on it. The collection is created
//     with hnsw m=0 and payload_m=16: no global graph, one small graph per namespace,
//     which is Qdrant's recommended setting when every query names its tenant;
//   - PREFIX_namespaces is the namespace registry: one point per namespace recording its
//     dimension, so "a namespace keeps the dimension of its first vector" holds across
//     replicas and restarts, and an unknown namespace is answered without a search.
//
// # Points
//
// Qdrant ids must be unsigned integers or UUIDs: Muninn IDs map to UUIDv5(ns, ID), so
// upserts from any replica address the same point, and the original ID is kept in the
// payload ("_id"). The caller's payload is stored as the object "p" and returned as is;
// for filtering, each field is also written as a keyword term "len(key):key=value" in the
// array "_f", which has one keyword index. Any field can therefore be filtered through an
// index, whatever its name or characters, and user keys can never collide with Muninn's
// fields. Expiry is "_exp" (unix milliseconds, MaxInt64 for never), with an integer range
// index: searches add "_exp > now", so expired points are never returned, and a
// background sweep (every SweepInterval) deletes them to reclaim space.
//
// Scores: Qdrant normalises cosine vectors on upload and returns the dot product of
// normalised vectors, which is already the cosine similarity in [-1, 1]; it is only
// clamped against rounding. Ties are ordered by ID, as the contract requires, by asking
// for a few extra candidates and sorting.
//
// Upserts are validated as a whole before anything is written, de-duplicated (last
// point with an ID wins), and sent in batches of BatchSize with wait=true, so a write is
// visible to every replica when Upsert returns. A network failure in the middle of a
// multi-batch upsert leaves the earlier batches written.
//
// # Options
//
// API key (sent as "api-key" metadata, never logged), TLS with a custom CA or server
// name, connection count, per-call timeout, collection prefix, HNSW, sharding and
// replication settings for the collections Muninn creates. See Config. Ping is Qdrant's
// health check.
//
// # Testing
//
// vectorstore/qdrant/qdranttest is an in-process Qdrant (the client's own gRPC service
// stubs over an exact in-memory engine) that the conformance suite runs against on every
// test run. When QDRANT_ADDR (host:port of a real Qdrant's gRPC port) is set, the suite
// also runs against that server.
//
// Imports vectorstore and the Qdrant client; nothing else from Muninn.
package qdrant
