//go:build !unix

package runner

import "time"

// cpuSelf is unknown off Unix: the load generator's CPU is reported as zero.
func cpuSelf() time.Duration { return 0 }
