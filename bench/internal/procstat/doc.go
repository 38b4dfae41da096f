// Package procstat reads what the load benchmark reports about a process from Linux's
// /proc: CPU time (utime + stime of /proc/PID/stat) and resident memory (VmRSS and the
// peak VmHWM of /proc/PID/status), and resets the peak through /proc/PID/clear_refs so
// that each phase reports its own.
//
// Imports: the standard library only. On systems without /proc every call fails with an
// error; the benchmark then reports the figures as unavailable.
package procstat
