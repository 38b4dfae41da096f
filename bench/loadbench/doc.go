// Package main, the loadbench command, is Muninn's load benchmark. From the repository root:
//
//	go run ./bench/loadbench            # the full run, about 75 seconds
//	go run ./bench/loadbench -short     # a quick smoke run, about 15 seconds
//
// It builds ./cmd/muninn and ./bench/fakeupstream, starts the fake upstream and the
// gateway as separate processes on loopback ports, and runs three phases, each both
// directly against the fake upstream (the baseline) and through the gateway, in
// alternating slices (-rounds):
//
//  1. fixed rate (open loop; default 2000 req/s for 10 s): latency from the scheduled
//     send time, so that stalls are not hidden by coordinated omission;
//  2. closed loop (default 64 connections for 10 s): maximum throughput;
//  3. streaming (20 SSE chunks; default 500 req/s for 10 s): time to first byte.
//
// For each it prints p50/p90/p99/p99.9 latency, the achieved rate, errors, the gateway's
// CPU seconds (total and per 10k requests) and peak RSS, then the overheads (gateway
// minus direct) and how they compare with the targets. -json FILE also writes the
// figures as JSON. The exit status is 1 when the run fails or has errors, not when a
// target is missed (the machine may be busy). See bench/README.md for the method, every
// flag and measured figures.
//
// Imports: bench/internal/runner and the standard library.
package main
