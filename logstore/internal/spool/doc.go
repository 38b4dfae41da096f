// Package spool is an append-only, checksummed, segmented on-disk queue of opaque
// payloads. The log Batcher writes records here when the sink is down or the in-memory
// queue is full, and replays them, oldest first, when the sink is back.
//
// Layout: DIR/<seq>.seg files, each an 8-byte header then frames of
// magic(4) | length(4) | crc32c(4) | payload. A segment is sealed when it reaches the
// segment size or when the reader catches up with it; a fully acknowledged segment is
// deleted. A process restart finds the segments left on disk and replays them.
//
// Corruption (a torn tail after a crash, flipped bits): a frame whose magic, length or
// checksum is wrong is skipped up to the next frame that checks out, so the good frames
// before and after it survive; every skipped region is reported (Options.OnCorrupt and
// Stats).
//
// Concurrency: Append and Sync may be called from any goroutine; Next and Ack must be
// called from one goroutine (the replayer). Imports: standard library only.
package spool
