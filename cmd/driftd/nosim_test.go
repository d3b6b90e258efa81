package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
)

// simulatorPackages are what only a build with the demo tag may link.
var simulatorPackages = []string{
	"github.com/driftd/driftd/internal/oktasim",
	"github.com/driftd/driftd/internal/wandbsim",
	"github.com/driftd/driftd/internal/slacksim",
	"github.com/driftd/driftd/internal/demo",
}

// TestTheProductionBinaryHoldsNoSimulator builds driftd as the Dockerfile
// and .ci/run do (no tags) and reads the binary itself: `go version -m`
// shows no demo tag among its build settings, and no function of a
// simulator's package is in it (Go keeps every linked function's name in
// the binary's pclntab, for stack traces, even with -s -w). The binary's
// own daemon/api functions are found the same way, so the search can see
// a package when one is linked.
func TestTheProductionBinaryHoldsNoSimulator(t *testing.T) {
	bin := fixture.Driftd(t)
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "\tpath\tgithub.com/driftd/driftd/cmd/driftd\n") {
		t.Fatalf("go version -m does not describe driftd:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "build\t-tags=") && strings.Contains(line, "demo") {
			t.Errorf("the production binary was built with the demo tag: %s", line)
		}
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("github.com/driftd/driftd/daemon/api.")) {
		t.Fatal("no daemon/api function name in the binary: the search below could not see a simulator either")
	}
	for _, pkg := range simulatorPackages {
		if bytes.Contains(data, []byte(pkg+".")) {
			t.Errorf("the production binary links %s", pkg)
		}
	}
}

// TestTheProductionBinarySaysHowToRunTheDemo: `driftd demo` and `driftd
// sim` are known to the production binary, and refuse as a usage error
// does (exit 1), naming the command that has them.
func TestTheProductionBinarySaysHowToRunTheDemo(t *testing.T) {
	bin := fixture.Driftd(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"demo names the command that runs the demo", []string{"demo"}, "go run -tags demo ./cmd/driftd demo"},
		{"demo with its flags gives the same answer", []string{"demo", "--keep-running", "--listen", "0.0.0.0:8081"}, "go run -tags demo ./cmd/driftd demo"},
		{"sim okta names the command that runs the simulator", []string{"sim", "okta"}, "go run -tags demo ./cmd/driftd sim okta"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, tc.args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != ExitError {
				t.Fatalf("driftd %s: %v, want exit 1\n%s%s", strings.Join(tc.args, " "), err, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), "this build of driftd holds no simulators") || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr does not say the build holds no simulators and how to run %q:\n%s", tc.want, stderr.String())
			}
		})
	}
}
