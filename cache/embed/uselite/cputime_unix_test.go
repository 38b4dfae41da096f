//go:build unix

package uselite

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time used by the process so far: on a shared machine it is a steadier
// figure than wall time (with -cpu 1 it is nearly all the benchmark's own work).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
