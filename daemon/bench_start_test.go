package daemon

import (
	"encoding/json"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
)

// measured is one run as internal/runmeasure reports it.
type measured struct {
	WallNanos int64 `json:"wall_ns"`
	CPUNanos  int64 `json:"cpu_ns"`
	MaxRSSKiB int64 `json:"maxrss_kib"`
	ExitCode  int   `json:"exit_code"`
}

// runMeasured runs a command once through runmeasure and returns its wall
// time, its CPU time (user+sys from wait4) and its peak RSS in KiB
// (ru_maxrss from wait4). runmeasure starts it, not the test: ru_maxrss of
// a child the test binary started would be the test binary's own peak
// (internal/runmeasure says why).
func runMeasured(b *testing.B, runmeasure, name string, args ...string) (wall, cpu time.Duration, peakKiB int64) {
	out, err := exec.Command(runmeasure, append([]string{name}, args...)...).Output()
	if err != nil {
		b.Fatalf("runmeasure %s %v: %v", name, args, err)
	}
	var m measured
	if err := json.Unmarshal(out, &m); err != nil {
		b.Fatalf("runmeasure answered %q: %v", out, err)
	}
	if m.ExitCode != 0 {
		b.Fatalf("%s %v exited %d", name, args, m.ExitCode)
	}
	return time.Duration(m.WallNanos), time.Duration(m.CPUNanos), m.MaxRSSKiB
}

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkStartup runs the real binary, built as shipped: `driftd
// version`, and `driftd check` of one target whose env is a file (against an
// in-process Okta simulator). It reports the median wall and CPU time and the median and
// highest peak RSS of b.N runs (run it with -benchtime 20x or more). The
// targets on a 2-core machine: 15 ms wall for version, 25 ms for check,
// 25 MB peak for each (README, "Performance").
func BenchmarkStartup(b *testing.B) {
	bin := fixture.ShippedDriftd(b)
	runmeasure := fixture.RunMeasure(b)
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
				w, cpu, p := runMeasured(b, runmeasure, bin, c.args...)
				walls, cpus, peaks = append(walls, w), append(cpus, cpu), append(peaks, p)
			}
			b.ReportMetric(float64(median(walls).Microseconds())/1e3, "median-wall-ms")
			b.ReportMetric(float64(median(cpus).Microseconds())/1e3, "median-cpu-ms")
			b.ReportMetric(float64(median(peaks))/1024, "median-peak-RSS-MB")
			b.ReportMetric(float64(slices.Max(peaks))/1024, "max-peak-RSS-MB")
		})
	}
}
