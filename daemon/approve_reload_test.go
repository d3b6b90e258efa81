package daemon

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// A plan kept for approval is applied only if it still fits the target's
// config when the click comes: a reload that switched the target to alert,
// narrowed its allow-list or changed what it wants refuses the old plan's
// Apply button, and Okta keeps its value.
func TestAnApprovalRefusesAPlanTheReloadedConfigNoLongerFits(t *testing.T) {
	tf := newTFFixture(t, "approve", `"*"`)
	approved := fixture.ReadFile(t, tf.Cfg)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	load := func(body string) *Engine {
		t.Helper()
		tf.WriteConfig(body)
		cfg, err := config.LoadConfig(tf.Cfg)
		if err != nil {
			t.Fatal(err)
		}
		e, err := NewEngine(context.Background(), cfg, log, EngineOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	r, err := NewRunner(context.Background(), load(approved), log, RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tf.breakRedirect()
	broken := tf.redirectURIs()
	for _, tc := range []struct{ name, from, to, refused string }{
		{"the target is now in alert mode", "mode: approve", "mode: alert", "mode: the target's remediation mode is now alert"},
		{"the allow-list no longer holds the app", `allow: ["*"]`, `allow: ["kubernetes_config_map.*"]`, "allow-list: okta_app_oauth."},
		{"the desired W&B URL changed", "url: https://wandb.acme.test", "url: https://wandb2.acme.test", "stale: the desired state or the variable mapping changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tf.breakRedirect()
			r.setEngine(load(approved))
			cfg := r.eng().cfg
			res, err := r.Reconcile(context.Background(), &cfg.Targets[0], "test")
			if err != nil || res.Remediation == nil || res.Remediation.Action != report.ActionAwaiting {
				t.Fatalf("want a plan awaiting approval, got %+v (%v)", res.Remediation, err)
			}
			if !strings.Contains(approved, tc.from) {
				t.Fatalf("the fixture's config has no %q", tc.from)
			}
			r.setEngine(load(strings.Replace(approved, tc.from, tc.to, 1)))
			after, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			rem := after.Remediation
			if rem.Action != report.ActionRefused || !slices.ContainsFunc(rem.Refused, func(s string) bool { return strings.Contains(s, tc.refused) }) {
				t.Errorf("approval after the reload = %s %q, want refused with %q", rem.Action, rem.Refused, tc.refused)
			}
			if got := tf.redirectURIs(); !slices.Equal(got, broken) {
				t.Errorf("Okta's redirect URIs changed to %v; the refused plan was applied", got)
			}
			if _, ok := r.PendingPlan(res.Remediation.PlanID); ok {
				t.Error("the refused plan is still waiting for approval")
			}
		})
	}
	// The same plan under the same config still applies.
	tf.breakRedirect()
	r.setEngine(load(approved))
	res, err := r.Reconcile(context.Background(), &r.eng().cfg.Targets[0], "test")
	if err != nil || res.Remediation.Action != report.ActionAwaiting {
		t.Fatalf("want a plan awaiting approval, got %+v (%v)", res.Remediation, err)
	}
	after, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil)
	if err != nil || after.Remediation.Action != report.ActionApplied {
		t.Fatalf("approval under an unchanged config = %+v (%v), want applied", after.Remediation, err)
	}
}

// A run that finds the drift its pending plan was made for keeps offering
// that plan (no second terraform plan, the alert's button unchanged); a
// world that changed gets a new one.
func TestARunThatFindsTheSameDriftKeepsOfferingItsPlan(t *testing.T) {
	tf := newTFFixture(t, "approve", `"*"`)
	cfg, err := config.LoadConfig(tf.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := NewEngine(context.Background(), cfg, log, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(context.Background(), e, log, RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan := func() string {
		t.Helper()
		res, err := r.Reconcile(context.Background(), &cfg.Targets[0], "test")
		if err != nil || res.Remediation == nil || res.Remediation.Action != report.ActionAwaiting {
			t.Fatalf("want a plan awaiting approval, got %+v (%v)", res.Remediation, err)
		}
		return res.Remediation.PlanID
	}
	tf.breakRedirect()
	first := plan()
	if again := plan(); again != first {
		t.Errorf("the same drift got plan %s after plan %s", again, first)
	}
	if files := planFiles(t, filepath.Join(tf.Dir, "state")); len(files) != 2 {
		t.Errorf("want one plan and its var file, got %v", files)
	}
	if err := tf.Sim.UpdateApp(tf.appID, func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://wandb.acme.test/elsewhere"}
	}); err != nil {
		t.Fatal(err)
	}
	if changed := plan(); changed == first {
		t.Errorf("a different drift kept plan %s", first)
	}
}
