// Package inproc holds in-process benchmarks of the whole request path — a fasthttp
// client, the gateway's real server with the real openai provider, and the fake upstream
// (gateway/provider/providertest) — over loopback, for CPU and allocation profiles:
//
//	go test -run '^$' -bench . -benchtime 20000x -cpuprofile /tmp/cpu.out ./bench/internal/inproc
//	go tool pprof -top -focus 'muninn/gateway' /tmp/cpu.out
//
// Everything shares one process, so ns/op and allocs/op are those of client + gateway +
// upstream; the Direct sub-benchmark measures client + upstream alone, and the
// difference is the gateway's. The process-level figures (CPU and RSS of the gateway
// alone) come from ./bench/loadbench.
//
// The package has no non-test code. Imports (tests): gateway, gateway/provider/openai,
// gateway/provider/providertest, fasthttp.
package inproc
