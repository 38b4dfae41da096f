// Package hist is a small log-linear latency histogram in the spirit of HdrHistogram:
// values (nanoseconds) are counted in buckets whose width grows with the value, so that
// every recorded value is known to within 1/256 of itself (about 0.4%) while the whole
// histogram is a fixed array of a few thousand counters.
//
// A Histogram is not safe for concurrent use: give each goroutine its own and Merge them.
//
// Imports: the standard library only.
package hist
