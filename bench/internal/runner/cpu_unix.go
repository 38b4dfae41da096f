//go:build unix

package runner

import (
	"syscall"
	"time"
)

// cpuSelf is the load generator's own CPU time.
func cpuSelf() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
