//go:build !linux

package runner

import "os/exec"

// dieWithParent is Linux-only; elsewhere Run's deferred stops end the children.
func dieWithParent(cmd *exec.Cmd) {}
