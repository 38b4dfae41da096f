//go:build linux

package uselite

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUTime is the CPU time of the calling OS thread (CLOCK_THREAD_CPUTIME_ID), with
// nanosecond resolution; with the goroutine locked to its thread, the difference over one
// call is that call's CPU time, free of the time spent waiting for a core.
func threadCPUTime() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
