package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// running says whether pid is a live process (not a zombie).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}

// until polls cond with a generous deadline.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTerraformDiesWithDriftdAndWhatItLeftIsSweptAtStartUp: after a SIGKILL
// of driftd the terraform process group ran on under pid 1, racing the next
// driftd's plan, and the var file, which holds the env's credentials, stayed
// on disk until a remediation an hour later.
func TestTerraformDiesWithDriftdAndWhatItLeftIsSweptAtStartUp(t *testing.T) {
	f := fixture.New(t, "prod")
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	// A terraform whose init succeeds and whose plan starts a child (a
	// provider) and hangs, ignoring SIGINT and SIGTERM.
	bin := filepath.Join(dir, "terraform")
	script := "#!/bin/sh\ncase \"$1\" in\ninit) exit 0;;\nplan)\n  trap '' INT TERM\n  sleep 1000 &\n  echo \"$$ $!\" > " + pids + "\n  while :; do sleep 1; done;;\nesac\nexit 1\n"
	if err := os.WriteFile(bin, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(f.Dir, "tf"), 0o700); err != nil {
		t.Fatal(err)
	}
	f.WriteConfig(f.Body + "    remediation:\n      mode: apply\n      terraform: {dir: ./tf}\n")
	_ = f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://prod.wandb.test/callback"}
	})
	cmd := exec.Command(fixture.Driftd(t), "reconcile", "--config", f.Cfg)
	cmd.Env = append(os.Environ(), "DRIFTD_TERRAFORM="+bin, "DRIFTD_TEST_OKTA_TOKEN="+fixture.OktaToken, "DRIFTD_TEST_API_TOKEN="+fixture.APIToken)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var tfPID, childPID int
	until(t, "terraform plan runs", func() bool {
		b, _ := os.ReadFile(pids)
		if p := strings.Fields(string(b)); len(p) == 2 {
			tfPID, _ = strconv.Atoi(p[0])
			childPID, _ = strconv.Atoi(p[1])
		}
		return childPID != 0
	})
	t.Cleanup(func() { _ = syscall.Kill(-tfPID, syscall.SIGKILL) })
	// driftd records the group just after starting it; the kill must come
	// after that (the script's child can start first on a loaded machine,
	// and a kill before the record leaves nothing for the next driftd).
	until(t, "driftd records the plan's process group", func() bool {
		_, err := os.Stat(filepath.Join(f.Dir, "state", "terraform-runs", strconv.Itoa(tfPID)))
		return err == nil
	})
	plans := filepath.Join(f.Dir, "state", "plans", "prod")
	left, _ := filepath.Glob(filepath.Join(plans, "*.tfvars.json"))
	if len(left) != 1 {
		t.Fatalf("var files during the plan: %v", left)
	}

	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	until(t, "terraform dies with driftd", func() bool { return !running(tfPID) })

	// The next driftd, whatever it runs, first ends the group's remains (a
	// provider Terraform started) and removes the plan and var files.
	f.WriteConfig(strings.Replace(fixture.ReadFile(t, f.Cfg), "mode: apply", "mode: alert", 1))
	if code, out, stderr := runCLI(t, "reconcile", "--config", f.Cfg); code != ExitDrift {
		t.Fatalf("second reconcile: exit %d\n%s\n%s", code, out, stderr)
	}
	until(t, "the group's remains are killed", func() bool { return !running(childPID) })
	if files, _ := filepath.Glob(filepath.Join(plans, "*")); len(files) > 0 {
		t.Errorf("plan files left after start-up: %v", files)
	}
	if recs, _ := filepath.Glob(filepath.Join(f.Dir, "state", "terraform-runs", "*")); len(recs) > 0 {
		t.Errorf("run records left after start-up: %v", recs)
	}
}
