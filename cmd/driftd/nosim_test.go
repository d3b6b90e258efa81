package main

import (
	"bytes"
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

// TestDriftdDemoIsTheDemoBuild reads driftd-demo as built for the image
// and the release (internal/fixture.DriftdDemo): it is cmd/driftd built with
// the demo tag, and links the demo and the simulators.
func TestDriftdDemoIsTheDemoBuild(t *testing.T) {
	bin := fixture.DriftdDemo(t)
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "\tpath\tgithub.com/driftd/driftd/cmd/driftd\n") || !strings.Contains(string(out), "\tbuild\t-tags=demo\n") {
		t.Errorf("driftd-demo is not cmd/driftd built with -tags=demo:\n%s", out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range simulatorPackages {
		if !bytes.Contains(data, []byte(pkg+".")) {
			t.Errorf("driftd-demo does not link %s", pkg)
		}
	}
}
