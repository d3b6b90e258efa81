package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

func TestCLIReconcileRefusesAStateDirAServeHolds(t *testing.T) {
	f, _, p := servedFixture(t)
	code, out, stderr := runCLI(t, "reconcile", "--config", f.Cfg)
	state := filepath.Join(f.Dir, "state")
	if code != ExitError || !strings.Contains(stderr, state) || !strings.Contains(stderr, "driftd serve") {
		t.Fatalf("reconcile beside a serve: exit %d, want 1 with a message naming %s and serve\n%s\n%s", code, state, out, stderr)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.wait(t, 10*time.Second)
}

func TestCLIReconcileHonoursThePersistedBackoff(t *testing.T) {
	f := fixture.New(t, "prod")
	fake := fixture.FakeTerraform(t, fixture.FakeFail)
	t.Cleanup(fake.Kill)
	t.Setenv("DRIFTD_TERRAFORM", fake.Bin)
	if err := os.MkdirAll(filepath.Join(f.Dir, "tf"), 0o700); err != nil {
		t.Fatal(err)
	}
	f.WriteConfig(f.Body + "    remediation:\n      mode: apply\n      terraform: {dir: ./tf}\n")
	_ = f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://prod.wandb.test/callback"}
	})

	code, out, stderr := runCLI(t, "reconcile", "--config", f.Cfg)
	if code != ExitDrift || !strings.Contains(out, "failed") {
		t.Fatalf("first reconcile: exit %d, want 2 with a failed remediation\n%s\n%s", code, out, stderr)
	}
	ran := len(fake.PIDs())
	code, out, stderr = runCLI(t, "reconcile", "--config", f.Cfg)
	if code != ExitDrift || !strings.Contains(out, "backing off") {
		t.Fatalf("second reconcile: exit %d, want 2 backing off\n%s\n%s", code, out, stderr)
	}
	if n := len(fake.PIDs()); n != ran {
		t.Fatalf("terraform ran %d more time(s) during the backoff", n-ran)
	}
}
