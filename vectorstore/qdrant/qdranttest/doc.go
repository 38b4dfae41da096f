// Package qdranttest is an in-process Qdrant server for tests: the official Go client's
// gRPC service stubs (Qdrant, Collections, Points) backed by an exact, in-memory
// implementation, listening on a loopback port so that the real client talks to it over
// real gRPC.
//
// It reproduces what Muninn's Qdrant backend depends on, as Qdrant does it:
//   - collections with one unnamed dense vector, Cosine or Dot distance; Cosine vectors are
//     normalised on upsert (and the query on search), so scores are cosine similarities in
//     [-1, 1], returned best first;
//   - point ids that are unsigned integers or UUIDs (canonicalised as Qdrant does), wrong
//     dimensions rejected with Qdrant's InvalidArgument "Vector dimension error";
//   - payloads stored and returned as given (all JSON value kinds, nested objects, lists);
//   - filters: must / should / must_not / min_should, nested filters, match (keyword,
//     integer, bool, any, except), range, is_empty, is_null, has_id, dotted key paths and
//     "any element of an array matches" semantics;
//   - payload indexes (create, delete, listed in collection info) and strict mode's
//     "index required" rejection of filters on unindexed fields, either per collection
//     (StrictModeConfig.UnindexedFilteringRetrieve=false) or server-wide (RequireIndexes);
//   - upsert, get, delete by ids or filter, scroll with offsets, count, query (nearest),
//     search, health check, api-key authentication.
//
// Anything else answers codes.Unimplemented, so a backend that starts to rely on more
// fails loudly instead of silently diverging from Qdrant. Search is exact (brute force):
// the fake has perfect recall, which is what Qdrant's HNSW approximates.
//
// Imports only the Qdrant client's generated types, gRPC and the standard library; used
// only by tests.
package qdranttest
