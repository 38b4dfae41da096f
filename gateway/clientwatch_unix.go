//go:build unix

package gateway

import "syscall"

const peekSupported = true

// peekClosed waits until the socket is readable and reports whether the peer closed it
// (EOF or an error). Pipelined data is left in place and reported as open.
func peekClosed(raw syscall.RawConn) bool {
	closed := false
	err := raw.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			return false // not readable yet: wait
		}
		closed = err != nil || n == 0
		return true
	})
	return err == nil && closed
}
