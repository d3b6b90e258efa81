package daemon

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/terraform"
	"github.com/driftd/driftd/internal/fixture"
)

// TestAnApprovalWaitsForTheRunInProgressInsteadOfAskingForAnotherClick:
// an approver's click that lands while another run holds the target (the
// start-up pass, or the System Log follower's run after the admin's edit,
// both of which start right after the run that posted the alert) is
// applied once that run ends. It was answered "run X is in progress; click
// again when it ends" in the thread, after the click had been told
// "Applying plan…": `driftd demo` on a loaded CI machine waited 5 minutes
// for a resolution that no one would ever click for.
//
// The plan's observation is not the world's, so the approval ends with the
// stale refusal without running Terraform: what it shows is that the
// approval ran, after the run that held the target.
func TestAnApprovalWaitsForTheRunInProgressInsteadOfAskingForAnotherClick(t *testing.T) {
	r, logs := approvalRunner(t)
	r.pending["plan-1"] = &terraform.SavedPlan{ID: "plan-1", Target: "prod", CreatedAt: time.Now(), Observation: "the world the plan was made against"}

	ctx, cancel := context.WithTimeout(context.Background(), startupDeadline)
	defer cancel()
	_, holdDone, err := r.start(ctx, "prod", "startup")
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res report.TargetResult
		err error
	}
	approved := make(chan outcome, 1)
	go func() {
		res, err := r.ApprovePlan(ctx, "plan-1", report.Approver{ID: "UALICE"}, nil)
		approved <- outcome{res, err}
	}()
	// The approval says it waits; until the holding run ends it cannot go on.
	for !strings.Contains(logs.String(), "the approval waits for the target's run in progress") {
		select {
		case o := <-approved:
			holdDone()
			t.Fatalf("the approval ended while another run held the target: %v (remediation %+v)", o.err, o.res.Remediation)
		case <-ctx.Done():
			t.Fatalf("the approval neither waited nor ended within %s:\n%s", startupDeadline, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	select {
	case o := <-approved:
		t.Fatalf("the approval ran while another run held the target: %v", o.err)
	default:
	}
	holdDone()
	var o outcome
	select {
	case o = <-approved:
	case <-ctx.Done():
		t.Fatalf("the approval did not run once the target was free:\n%s", logs.String())
	}
	if o.err != nil {
		t.Fatalf("approval: %v", o.err)
	}
	rem := o.res.Remediation
	if rem == nil || rem.Action != report.ActionRefused || len(rem.Refused) == 0 || !strings.HasPrefix(rem.Refused[0], "stale:") {
		t.Fatalf("remediation %+v, want the stale refusal of the approval's own run", rem)
	}
	if _, still := r.PendingPlan("plan-1"); still {
		t.Error("the refused plan is still pending")
	}
}

// approvalRunner is a runner of one target, prod, in approve mode, whose
// log the test reads.
func approvalRunner(t *testing.T) (*Runner, *lockedBuffer) {
	f := fixture.New(t, "prod")
	if err := os.MkdirAll(filepath.Join(f.Dir, "tf"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.Dir, "tf", "main.tf"), []byte("variable \"redirect_uris\" {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_TEST_SLACK_TOKEN", slackToken)
	t.Setenv("DRIFTD_TEST_SIGNING", signingSecret)
	slackCfg := "slack:\n  bot_token: ${DRIFTD_TEST_SLACK_TOKEN}\n  channel: \"#wandb-sso\"\n  signing_secret: ${DRIFTD_TEST_SIGNING}\n  approvers: [UALICE]\n"
	f.WriteConfig(strings.Replace(f.Body, "targets:\n", slackCfg+"targets:\n", 1) + "    remediation:\n      mode: approve\n      terraform: {dir: ./tf}\n")
	logs := &lockedBuffer{}
	r, _ := newTestRunner(t, f.Cfg, slog.New(slog.NewTextHandler(logs, nil)))
	return r, logs
}

// An approval waits for the run holding its target no longer than its
// plan's approval window: a target kept busy by run after run answers the
// click "expired" instead of leaving "Applying plan…" unanswered for ever.
func TestAnApprovalWaitsNoLongerThanItsPlanLives(t *testing.T) {
	r, logs := approvalRunner(t)
	r.pending["plan-1"] = &terraform.SavedPlan{ID: "plan-1", Target: "prod", CreatedAt: time.Now().Add(-PlanTTL + 2*time.Second), Observation: "x"}
	ctx, cancel := context.WithTimeout(context.Background(), startupDeadline)
	defer cancel()
	_, holdDone, err := r.start(ctx, "prod", "startup")
	if err != nil {
		t.Fatal(err)
	}
	defer holdDone() // the target stays held for the whole approval
	_, err = r.ApprovePlan(ctx, "plan-1", report.Approver{ID: "UALICE"}, nil)
	var pe *report.PlanError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("approval of a plan whose window closed while it waited: %v, want it expired\n%s", err, logs.String())
	}
	if _, still := r.PendingPlan("plan-1"); still {
		t.Error("the expired plan is still pending")
	}
}
