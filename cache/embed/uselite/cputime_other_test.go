//go:build !unix

package uselite

import "time"

func cpuTime() time.Duration { return 0 }
