package runner

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the child die with the benchmark even if the benchmark is killed.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
