// Package runner is the load benchmark itself: it builds the real gateway binary
// (./cmd/muninn) and the fake upstream (./bench/fakeupstream), runs each as its own
// process on a loopback port, drives both with package loadgen — every phase first
// directly against the fake upstream (the baseline) and then through the gateway, back
// to back in the same run — and measures the gateway process from /proc (CPU time, peak
// RSS) with package procstat.
//
// The gateway runs with a config holding one OpenAI-compatible provider "fake" at the
// fake upstream, metrics off unless Options.Metrics, and no cache, log or trace section:
// the figures are those of the gateway core (the costing plugin is always wired by
// cmd/muninn and stays on). Proxy variables are removed from the children's environment.
//
// Report.Print writes the tables; Report.Checks compares the figures with the targets of
// the gateway's performance section.
//
// It needs Linux (/proc and a parent-death signal for the children).
//
// Imports: bench/internal/loadgen, bench/internal/procstat, bench/internal/hist and the
// standard library. It runs the go tool to build the binaries unless given prebuilt ones.
package runner
