//go:build !linux

package terraform

import "syscall"

// processAttr starts Terraform in a process group of its own; only Linux
// can tie its life to driftd's (procattr_linux.go).
func processAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// processStart cannot tell a process from a later one with its pid here.
func processStart(int) (string, bool) { return "", false }

// canSweepGroups: without processStart a recorded group is never killed.
const canSweepGroups = false
