//go:build !unix

package gateway

import "syscall"

const peekSupported = false

func peekClosed(syscall.RawConn) bool { return false }
