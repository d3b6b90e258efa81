// Command runmeasure runs one program and prints, as one JSON object, its
// wall time, its CPU time and its peak resident set size: ru_maxrss of the
// child, from wait4 (os.ProcessState.SysUsage). BenchmarkStartup runs driftd
// through it because that figure is only the child's own when a small
// process starts it: Go starts a child sharing the parent's memory until
// exec (vfork), and the kernel carries the parent's high-water mark into
// the child's ru_maxrss, so read by a 60 MB test binary it would say 60 MB.
// Started from here, it is the larger of driftd's peak and this program's
// few MB.
//
// It imports nothing of driftd.
//
//	runmeasure PROGRAM [ARG...]
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Result is what runmeasure prints.
type Result struct {
	WallNanos int64 `json:"wall_ns"`
	CPUNanos  int64 `json:"cpu_ns"`
	MaxRSSKiB int64 `json:"maxrss_kib"`
	ExitCode  int   `json:"exit_code"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: runmeasure PROGRAM [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	r := Result{
		WallNanos: wall.Nanoseconds(),
		CPUNanos:  (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Nanoseconds(),
		MaxRSSKiB: ru.Maxrss, // KiB on Linux (getrusage(2))
		ExitCode:  cmd.ProcessState.ExitCode(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		os.Exit(1)
	}
}
