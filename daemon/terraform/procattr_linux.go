package terraform

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// processAttr starts Terraform in a process group of its own, and asks the
// kernel to SIGKILL it when the thread that started it dies (prctl
// PR_SET_PDEATHSIG): a driftd killed with SIGKILL takes its Terraform with
// it instead of leaving it to race the next driftd's plan. The signal is
// tied to the forking thread, not the process (Go's syscall.SysProcAttr
// documentation, go.dev/issue/27505), so run starts and waits for Terraform
// on a goroutine locked to its thread. SIGKILL, not SIGINT: a Terraform that
// outlives its driftd is what must not happen; the local backend's fcntl
// state lock goes with the process.
func processAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// processStart is a process's start time in clock ticks since boot (field
// 22 of /proc/PID/stat, proc(5)), which tells a process from a later one
// given the same pid; ok is false when no process has the pid.
func processStart(pid int) (string, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	// The command name (field 2) may hold spaces and parentheses: fields
	// are counted from the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return "", false
	}
	return f[19], true
}

// canSweepGroups says whether processStart can vouch for a pid here.
const canSweepGroups = true
