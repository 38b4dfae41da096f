// Package logstore holds Muninn's request log: the Record every request becomes, the small
// Sink and Reader contracts that log backends implement, the name registry that opens them,
// and the Batcher that moves records from the request path to a sink without ever blocking
// a request and without losing records when the sink is down.
//
// Imports: nothing from this module (a leaf). Backends live below it (clickhouse, sqlite)
// and register themselves by name, like database/sql drivers; the conformance suite in
// logstoretest proves they give the same answers.
//
// Contracts:
//   - Sink.WriteBatch must not retain the slice or the records after it returns, and must
//     be idempotent per record identity (RequestID, TimeMs): the Batcher replays a batch
//     whose outcome is unknown, so a record may be written twice and must be stored once.
//   - A sink marks failures worth retrying with Retryable; other errors are final.
//   - Batcher.TryAdd never waits for the sink. When the sink is down or slow, records go to
//     an on-disk spool and are replayed, oldest first, when it is back.
//   - Money is int64 nano-USD; durations are stored with microsecond precision.
package logstore
