package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
)

// The production driftd (no demo tag) answers `driftd demo` and `driftd
// sim` by running driftd-demo (nosim.go). These tests run the real
// binaries: the production build (fixture.Driftd) and driftd-demo
// (fixture.DriftdDemo).

// demoEnv is the test process's environment without the variables that
// find driftd-demo, and PATH set to an empty directory, plus extra.
func demoEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "DRIFTD_DEMO" && name != delegatedEnvName && name != "PATH" {
			env = append(env, kv)
		}
	}
	return append(append(env, "PATH="+t.TempDir()), extra...)
}

// delegatedEnvName is nosim.go's delegatedEnv, which a build with the demo
// tag (these tests run in both) does not define.
const delegatedEnvName = "DRIFTD_DELEGATED_TO"

// runDriftd runs bin with args, env and stdin to its exit, and returns its
// exit code and output. The deadline only bounds a hang (a driftd-demo
// that ran itself forever); no result depends on it.
func runDriftd(t *testing.T, bin string, env []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s %s did not exit within 5 minutes\n%s%s", bin, strings.Join(args, " "), stdout.String(), stderr.String())
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// linkBeside puts the files (hard links, so each is its own executable
// path) in one new directory under the given names and returns it.
func linkBeside(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.Link(src, filepath.Join(dir, name)); err != nil {
			t.Fatalf("linking %s into %s: %v", src, dir, err)
		}
	}
	return dir
}

// TestTheProductionDemoRunsDriftdDemo: `driftd demo --help` and `driftd sim
// nosuch` from the production binary are driftd-demo's answers and exit
// codes, whether driftd-demo is beside driftd (as the image and the release
// archive ship it), named in DRIFTD_DEMO, or on PATH.
func TestTheProductionDemoRunsDriftdDemo(t *testing.T) {
	driftd, demo := fixture.Driftd(t), fixture.DriftdDemo(t)
	shipped := linkBeside(t, map[string]string{"driftd": driftd, "driftd-demo": demo})
	found := map[string]struct {
		bin string
		env []string
	}{
		"beside driftd":  {filepath.Join(shipped, "driftd"), demoEnv(t)},
		"in DRIFTD_DEMO": {driftd, demoEnv(t, "DRIFTD_DEMO="+demo)},
		"on PATH":        {driftd, append(demoEnv(t), "PATH="+filepath.Dir(demo))},
	}
	for where, f := range found {
		t.Run(where, func(t *testing.T) {
			code, stdout, stderr := runDriftd(t, f.bin, f.env, "", "demo", "--help")
			if code != ExitOK || !strings.Contains(stdout, "driftd demo [--keep-running] [--listen ADDR] [--okta-listen ADDR]") {
				t.Errorf("driftd demo --help: exit %d, want 0 and the demo's own usage\n%s%s", code, stdout, stderr)
			}
			code, stdout, stderr = runDriftd(t, f.bin, f.env, "", "sim", "nosuch")
			if code != ExitError || !strings.Contains(stderr, `unknown command "nosuch" for "driftd sim": the simulators are: okta`) || strings.Contains(stderr, "holds no simulators") {
				t.Errorf("driftd sim nosuch: exit %d, want driftd-demo's exit 1 and its answer\n%s%s", code, stdout, stderr)
			}
		})
	}
}

// TestTheProductionDemoPassesItsCommandLineAndExitCode: driftd-demo gets
// the whole command line (global flags too), stdin, and the variable that
// says it was delegated to; its exit code, whatever it is, is driftd's.
func TestTheProductionDemoPassesItsCommandLineAndExitCode(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "driftd-demo")
	body := "#!/bin/sh\nread line\necho \"args: $*\"\necho \"stdin: $line\"\necho \"delegated to: $" + delegatedEnvName + "\"\nexit 7\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runDriftd(t, fixture.Driftd(t), demoEnv(t, "DRIFTD_DEMO="+script), "hello\n",
		"--log-level", "debug", "demo", "--keep-running", "--listen", "127.0.0.1:0")
	want := "args: --log-level debug demo --keep-running --listen 127.0.0.1:0\nstdin: hello\ndelegated to: " + script + "\n"
	if code != 7 || stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant exit 7 and:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}
}

// TestTheProductionDemoSaysHowToGetDriftdDemo: with no driftd-demo beside
// driftd, in DRIFTD_DEMO or on PATH, `driftd demo` and `driftd sim` refuse
// (exit 1) naming where the image and release ship it, how to build it
// and how to run it from source; DRIFTD_DEMO naming a missing file is an
// error naming that file, not a search elsewhere.
func TestTheProductionDemoSaysHowToGetDriftdDemo(t *testing.T) {
	bin := fixture.Driftd(t)
	missing := filepath.Join(t.TempDir(), "driftd-demo")
	tests := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"demo names the ways to get driftd-demo", demoEnv(t), []string{"demo"},
			[]string{"this build of driftd holds no simulators", "driftd-demo not found", "container image and the release archive ship it",
				"go build -tags demo -o driftd-demo ./cmd/driftd", "DRIFTD_DEMO", "go run -tags demo ./cmd/driftd demo"}},
		{"demo with its flags gives the same answer", demoEnv(t), []string{"demo", "--keep-running", "--listen", "0.0.0.0:8081"},
			[]string{"driftd-demo not found", "go run -tags demo ./cmd/driftd demo"}},
		{"sim okta names the command that runs the simulator", demoEnv(t), []string{"sim", "okta"},
			[]string{"driftd-demo not found", "go run -tags demo ./cmd/driftd sim okta"}},
		{"a DRIFTD_DEMO that does not exist is named", demoEnv(t, "DRIFTD_DEMO="+missing), []string{"demo"},
			[]string{"DRIFTD_DEMO=" + missing + ": stat " + missing + ": no such file or directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runDriftd(t, bin, tc.env, "", tc.args...)
			if code != ExitError {
				t.Errorf("driftd %s: exit %d, want 1\n%s%s", strings.Join(tc.args, " "), code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("driftd %s: stderr does not say %q:\n%s", strings.Join(tc.args, " "), w, stderr)
				}
			}
		})
	}
}

// TestADriftdDemoWithoutSimulatorsRefusesInsteadOfRunningItself: a
// production build shipped as driftd-demo (a packaging mistake) is found
// beside driftd, runs, and would find itself beside itself, forever; it
// refuses instead (exit 1), naming itself and how to rebuild it.
func TestADriftdDemoWithoutSimulatorsRefusesInsteadOfRunningItself(t *testing.T) {
	driftd := fixture.Driftd(t)
	dir := linkBeside(t, map[string]string{"driftd": driftd, "driftd-demo": driftd})
	code, stdout, stderr := runDriftd(t, filepath.Join(dir, "driftd"), demoEnv(t), "", "demo")
	want := filepath.Join(dir, "driftd-demo") + " was run as driftd-demo, but it is a build of driftd without -tags demo"
	if code != ExitError || !strings.Contains(stderr, want) || !strings.Contains(stderr, "go build -tags demo -o driftd-demo ./cmd/driftd") {
		t.Errorf("exit %d, want 1 and %q with how to rebuild it\n%s%s", code, want, stdout, stderr)
	}
}

// TestSIGTERMToTheProductionDriftdReachesTheSimulator: driftd became
// driftd-demo (same process), so a SIGTERM sent to driftd's PID (`docker
// stop` to PID 1) stops `driftd sim okta` cleanly (exit 0), with no
// forwarding. The signal is sent once the simulator has said it serves.
func TestSIGTERMToTheProductionDriftdReachesTheSimulator(t *testing.T) {
	cmd := exec.Command(fixture.Driftd(t), "sim", "okta", "--listen", "127.0.0.1:0")
	cmd.Env = demoEnv(t, "DRIFTD_DEMO="+fixture.DriftdDemo(t))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	// A hang guard, not a speed bound: a driftd that ignores SIGTERM fails
	// this test instead of holding the package until go test's timeout.
	var hung atomic.Bool
	guard := time.AfterFunc(5*time.Minute, func() { hung.Store(true); _ = cmd.Process.Kill() })
	defer guard.Stop()
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "Okta simulator at ") {
		t.Fatalf("first line %q, %v; want the simulator's address\n%s", line, err, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The rest of its output, to its end: the process has exited then.
	if _, err := r.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("driftd sim okta after SIGTERM: %v (killed after 5 minutes: %t), want exit 0\n%s", err, hung.Load(), stderr.String())
	}
}
