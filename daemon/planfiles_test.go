package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
)

// planFiles lists the files under state_dir/plans with their modes.
func planFiles(t *testing.T, stateDir string) map[string]os.FileMode {
	t.Helper()
	out := map[string]os.FileMode{}
	_ = filepath.WalkDir(filepath.Join(stateDir, "plans"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				out[filepath.Base(p)] = fi.Mode().Perm()
			}
		}
		return nil
	})
	return out
}

func TestSavedPlansAndVarFilesAreDeletedOnceDoneWith(t *testing.T) {
	tests := []struct {
		name, mode, allow string
		want              string // the remediation action
	}{
		{name: "a plan-mode plan leaves no file behind", mode: "plan", allow: `"*"`, want: report.ActionPlanned},
		{name: "an applied plan and its var file are deleted", mode: "apply", allow: `"*"`, want: report.ActionApplied},
		{name: "a plan refused by a guardrail is deleted", mode: "apply", allow: `"kubernetes_config_map.*"`, want: report.ActionRefused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf := newTFFixture(t, tc.mode, tc.allow)
			tf.breakRedirect()
			res, _ := tf.reconcile()
			if res.Remediation == nil || res.Remediation.Action != tc.want {
				t.Fatalf("remediation %+v, want %s", res.Remediation, tc.want)
			}
			if files := planFiles(t, filepath.Join(tf.Dir, "state")); len(files) > 0 {
				t.Fatalf("plan files left behind: %v", files)
			}
		})
	}
}

func TestAnApproveModePlanIsKeptPrivateUntilApprovedOrExpired(t *testing.T) {
	tf := newTFFixture(t, "approve", `"*"`)
	state := filepath.Join(tf.Dir, "state")
	tf.breakRedirect()
	res, r := tf.reconcile()
	if res.Remediation.Action != report.ActionAwaiting {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	files := planFiles(t, state)
	if len(files) != 2 {
		t.Fatalf("want the plan and its var file kept for approval, got %v", files)
	}
	for name, mode := range files {
		if mode != 0o600 {
			t.Errorf("%s has mode %o, want 0600", name, mode)
		}
	}
	for _, dir := range []string{state, filepath.Join(state, "plans"), filepath.Join(state, "plans", "prod")} {
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", dir, fi.Mode().Perm(), err)
		}
	}
	if _, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil); err != nil {
		t.Fatal(err)
	}
	if files := planFiles(t, state); len(files) > 0 {
		t.Fatalf("an applied plan's files are left behind: %v", files)
	}

	tf.breakRedirect()
	res, r = tf.reconcile()
	if res.Remediation.Action != report.ActionAwaiting || len(planFiles(t, state)) != 2 {
		t.Fatalf("remediation %+v, files %v", res.Remediation, planFiles(t, state))
	}
	r.opts.Now = func() time.Time { return time.Now().Add(PlanTTL + time.Minute) }
	if _, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil); err == nil {
		t.Fatal("an expired plan must not be approved")
	}
	if files := planFiles(t, state); len(files) > 0 {
		t.Fatalf("an expired plan's files are left behind: %v", files)
	}
}

func TestTerraformsPluginCacheIsPrivate(t *testing.T) {
	f, _ := fakeTFFixture(t, fixture.FakeFail, "10s")
	r, cfg := newTestRunner(t, f.Cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	res, err := r.Reconcile(context.Background(), &cfg.Targets[0], "test")
	if err != nil || res.Remediation == nil || res.Remediation.Action != report.ActionFailed {
		t.Fatalf("remediation %+v, %v: want the fake's failure", res.Remediation, err)
	}
	cache := filepath.Join(cfg.StateDir, "plugin-cache")
	if fi, err := os.Stat(cache); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("%s: %v, %v; want a 0700 directory", cache, fi, err)
	}
}
