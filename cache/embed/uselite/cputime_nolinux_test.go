//go:build !linux

package uselite

import "time"

func threadCPUTime() time.Duration { return 0 }
