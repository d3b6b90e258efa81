package daemon

import (
	"io"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
)

// runMeasured runs a command once and returns its wall time, its CPU time
// (user+sys from wait4) and its peak RSS in KiB. The peak is the kernel's
// VmHWM read while the process runs: rusage's maxrss is no use here, as Go
// starts a child sharing the test's memory until exec, and the kernel
// carries that high-water mark over.
func runMeasured(b *testing.B, name string, args ...string) (wall, cpu time.Duration, peakKB int64) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		peakKB = max(peakKB, vmHWM(cmd.Process.Pid))
		select {
		case err := <-done:
			wall = time.Since(start)
			if err != nil {
				b.Fatalf("%s %v: %v", name, args, err)
			}
			return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), peakKB
		case <-time.After(100 * time.Microsecond):
		}
	}
}

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkStartup runs the real binary: `driftd version`, and `driftd
// check` of one target whose env is a file (against an in-process Okta
// simulator). It reports the median wall and CPU time and the median and
// highest peak RSS of b.N runs (run it with -benchtime 20x or more).
func BenchmarkStartup(b *testing.B) {
	bin := fixture.Driftd(b)
	_, oneTarget := fixture.Fleet(b, 1)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"version", []string{"version"}},
		{"check-one-target", []string{"check", "--config", oneTarget, "--output", "json"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var walls, cpus []time.Duration
			var peaks []int64
			for range b.N {
				w, cpu, p := runMeasured(b, bin, c.args...)
				walls, cpus, peaks = append(walls, w), append(cpus, cpu), append(peaks, p)
			}
			b.ReportMetric(float64(median(walls).Microseconds())/1e3, "median-wall-ms")
			b.ReportMetric(float64(median(cpus).Microseconds())/1e3, "median-cpu-ms")
			b.ReportMetric(float64(median(peaks))/1024, "median-peak-RSS-MB")
			b.ReportMetric(float64(slices.Max(peaks))/1024, "max-peak-RSS-MB")
		})
	}
}
