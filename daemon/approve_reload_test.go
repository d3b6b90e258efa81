package daemon

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
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
