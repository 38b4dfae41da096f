// Package main, the vecbench command, measures the built-in vector store on clustered 512-dimension vectors
// from vecgen: build throughput, memory per point, single-query search latency (p50,
// p99) against a full-scan baseline from the same run, recall@1 against exact cosine
// search, and the reload time of a data directory.
//
//	go run ./vectorstore/internal/vecbench -n 100000
//	go run ./vectorstore/internal/vecbench -n 1000000 -quant int8 -dir /tmp/vs1m
package main
