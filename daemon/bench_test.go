package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
)

// BenchmarkCheckPass is one `check` pass (observe and evaluate every target)
// in-process: ns/op is the pass's wall time, B/op what it allocates.
func BenchmarkCheckPass(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			sim, file := fixture.Fleet(b, n)
			cfg, err := config.LoadConfig(file)
			if err != nil {
				b.Fatal(err)
			}
			engine, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), EngineOptions{})
			if err != nil {
				b.Fatal(err)
			}
			targets, _ := cfg.Select("")
			sim.ResetCounts()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				rep := engine.CheckAll(context.Background(), targets)
				if rep.ExitCode() != 0 {
					b.Fatalf("pass not in sync: %+v", rep.Targets[0])
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(sim.Count(""))/float64(b.N*n), "okta+discovery-req/target")
			b.ReportMetric(float64(sim.Count("/.well-known/openid-configuration"))/float64(b.N), "discovery-req/pass")
		})
	}
}

// BenchmarkCheckCommand runs the real `driftd check` binary, so the pass
// includes process start and config load. Each run goes through
// internal/runmeasure (runMeasured), which reads the child's wall time, CPU
// time and peak RSS (ru_maxrss) from wait4: started by this test binary,
// the child's ru_maxrss would begin at the test binary's own peak, and
// polling /proc/PID/status (VmHWM) could miss a peak between two polls.
// ns/op also counts runmeasure's own start; median-wall-ms is driftd's.
func BenchmarkCheckCommand(b *testing.B) {
	bin := fixture.Driftd(b)
	runmeasure := fixture.RunMeasure(b)
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			_, file := fixture.Fleet(b, n)
			var walls, cpus []time.Duration
			var peaks []int64
			b.ResetTimer()
			for range b.N {
				w, cpu, p := runMeasured(b, runmeasure, bin, "check", "--config", file, "--output", "json")
				walls, cpus, peaks = append(walls, w), append(cpus, cpu), append(peaks, p)
			}
			b.StopTimer()
			b.ReportMetric(float64(median(walls).Microseconds())/1e3, "median-wall-ms")
			b.ReportMetric(float64(median(cpus).Microseconds())/1e3, "median-cpu-ms")
			b.ReportMetric(float64(slices.Max(peaks))/1024, "peak-RSS-MB")
		})
	}
}

// BenchmarkCheckVersusTerraformRefreshOnly measures, on one workspace with
// nothing drifted, a `driftd check` pass against `terraform plan
// -refresh-only` (what Terraform-based drift detection runs on a schedule):
// wall time and CPU time (user+sys of the process and its children).
func BenchmarkCheckVersusTerraformRefreshOnly(b *testing.B) {
	tf := newTFFixture(b, "alert", `"*"`)
	bin := fixture.Driftd(b)
	tfBin := fixture.Terraform(b)
	run := func(name string, args ...string) (wall, cpu time.Duration) {
		cmd := exec.Command(name, args...)
		cmd.Dir = tf.work
		cmd.Env = os.Environ()
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		// RUSAGE_CHILDREN counts every descendant that was waited for,
		// which includes Terraform's provider plugin processes.
		before := childrenCPU()
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s %v: %v", name, args, err)
		}
		return time.Since(start), childrenCPU() - before
	}
	var dWall, dCPU, tWall, tCPU time.Duration
	b.ResetTimer()
	for range b.N {
		w, c := run(bin, "check", "--config", tf.Cfg)
		dWall, dCPU = dWall+w, dCPU+c
		w, c = run(tfBin, "plan", "-refresh-only", "-input=false", "-lock=false", "-detailed-exitcode")
		tWall, tCPU = tWall+w, tCPU+c
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(dWall.Milliseconds())/n, "driftd-wall-ms")
	b.ReportMetric(float64(dCPU.Milliseconds())/n, "driftd-cpu-ms")
	b.ReportMetric(float64(tWall.Milliseconds())/n, "terraform-wall-ms")
	b.ReportMetric(float64(tCPU.Milliseconds())/n, "terraform-cpu-ms")
	b.ReportMetric(float64(tWall)/float64(dWall), "wall-ratio")
	b.ReportMetric(float64(tCPU)/float64(dCPU), "cpu-ratio")
}

func childrenCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
