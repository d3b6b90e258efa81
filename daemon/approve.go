package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify/slack"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/terraform"
)

// approvals is the daemon as the Slack approval endpoint (daemon/api) sees
// it. Replies go through the alerter of the current config, so they take
// the current sender (a reload may have switched bot and webhook).
type approvals struct{ d *Daemon }

// Slack is the slack section of the current config.
func (a approvals) Slack() *config.SlackConfig { return a.d.config().Slack }

// Refuse says in target's thread that userID may not approve.
func (a approvals) Refuse(target, userID string) {
	a.d.alerterRef().Reply(target, "approval_refused", slack.RefusalText(userID))
}

// PendingPlan returns the target of a plan waiting for approval.
func (a approvals) PendingPlan(planID string) (string, bool) {
	sp, ok := a.d.runnerRef().PendingPlan(planID)
	if !ok {
		return "", false
	}
	return sp.Target, true
}

// Approve applies an approved plan in the background.
func (a approvals) Approve(planID, target string, user report.Approver) {
	a.d.background(func() { a.d.approve(planID, target, user) })
}

func (d *Daemon) runnerRef() *Runner {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.runner
}

// approve applies an approved plan through the one run path and reports,
// recording and replying while the target is still locked.
func (d *Daemon) approve(planID, target string, user report.Approver) {
	ctx := d.baseCtx
	t, ok := d.config().Target(target)
	if !ok {
		return
	}
	res, err := d.runnerRef().ApprovePlan(ctx, planID, user, func(res *report.TargetResult, run RunStart) {
		d.alerts(target).Lock()
		d.alerterRef().Reply(target, "approval", slack.ApprovalText(user.ID, planID, res.Remediation, nil))
		d.alerts(target).Unlock()
		d.finish(ctx, t, *res, RunStart{ID: "approval-" + planID, Started: run.Started}, "approval")
	})
	if err != nil {
		d.alerts(target).Lock()
		d.alerterRef().Reply(target, "approval", slack.ApprovalText(user.ID, planID, nil, err))
		d.alerts(target).Unlock()
		return
	}
	if res.Remediation.Action == report.ActionRefused {
		// The world moved on: make a fresh plan, which updates the alert's button.
		// On the daemon's context: shutdown ends it like any other run.
		d.background(func() { _, _ = d.Run(ctx, target, "replan") })
	}
}

// ApprovePlan applies a plan kept by approve mode, through the same lock
// and checks as every other run; finish runs before the lock is released.
// A run of the target in progress is waited for (startWhenFree), so the
// plan is judged once the target is free.
func (r *Runner) ApprovePlan(ctx context.Context, planID string, approver report.Approver, finish FinishFunc) (report.TargetResult, error) {
	sp, ok := r.PendingPlan(planID)
	if !ok {
		return report.TargetResult{}, noPlanError(planID)
	}
	log := r.log.With("target", sp.Target, "trigger", "approval", "approver", approver.ID)
	// The wait ends with the plan's approval window at the latest.
	expires := sp.CreatedAt.Add(PlanTTL)
	waitCtx, cancel := context.WithDeadline(ctx, expires)
	run, done, err := r.startWhenFree(waitCtx, sp.Target, "approval", log)
	cancel()
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		r.dropPlan(planID)
		return report.TargetResult{}, &report.PlanError{Reason: fmt.Sprintf("plan %s expired at %s while the target's run in progress held it; the next run makes a new one", planID, expires.Format(time.RFC3339))}
	}
	if err != nil {
		return report.TargetResult{Name: sp.Target}, err
	}
	defer done()
	// The run waited for may have applied or replaced the plan, and the
	// wait may have outlasted its approval window.
	if sp, ok = r.PendingPlan(planID); !ok {
		return report.TargetResult{}, noPlanError(planID)
	}
	if r.opts.Now().After(sp.CreatedAt.Add(PlanTTL)) {
		r.dropPlan(planID)
		return report.TargetResult{}, &report.PlanError{Reason: fmt.Sprintf("plan %s expired at %s; the next run makes a new one", planID, sp.CreatedAt.Add(PlanTTL).Format(time.RFC3339))}
	}
	t, ok := r.eng().cfg.Target(sp.Target)
	if !ok {
		return report.TargetResult{}, &report.PlanError{Reason: fmt.Sprintf("target %s is no longer configured", sp.Target)}
	}
	log = log.With("run", run.ID)
	res := r.eng().CheckTarget(ctx, t)
	rem := &report.RemediationResult{Mode: t.Remedy.Mode, PlanID: sp.ID, Plan: sp.Summary, ApprovedBy: approver.ID, ApproverName: approver.Name}
	if why := sp.StillFits(t, &res); res.Status != report.StatusError && len(why) > 0 {
		rem.Action, rem.Refused = report.ActionRefused, why
		rem.Reason = "the target's config changed since the plan was made; nothing was applied"
		log.Warn("approved plan refused: it no longer fits the target's config", "plan", sp.ID, "refused", why)
	} else {
		r.applyPlan(ctx, t, sp, &res, rem, log)
	}
	if rem.Action == report.ActionApplied || rem.Action == report.ActionRefused {
		r.dropPlan(planID)
	}
	res.Remediation = rem
	r.scrubber().Result(&res)
	if finish != nil {
		finish(&res, run)
	}
	return res, nil
}

func noPlanError(planID string) error {
	return &report.PlanError{Reason: fmt.Sprintf("no plan %s is waiting for approval (it was applied, replaced or never made)", planID)}
}

// startWhenFree is start for an approval: while another run holds the
// target it waits for that run to end instead of giving up. The click was
// already answered "Applying plan…", and the run it lands in is often one
// that started a moment before on its own: the start-up pass, or the
// System Log follower's run after the very edit the alert is about. Told
// "click again" in the thread, an approver (or `driftd demo`) waited for a
// resolution that would never come. Only the end of ctx (shutdown) stops
// the wait.
func (r *Runner) startWhenFree(ctx context.Context, target, trigger string, log *slog.Logger) (RunStart, func(), error) {
	logged := false
	for {
		run, done, err := r.start(ctx, target, trigger)
		var busy *report.BusyError
		if !errors.As(err, &busy) {
			return run, done, err
		}
		// Read under one lock: if the run still holds the target, its
		// unlock closes this very channel, so no wake-up is missed.
		r.mu.Lock()
		ended := r.ended
		_, still := r.running[target]
		r.mu.Unlock()
		if !still {
			continue
		}
		if !logged {
			log.Info("the approval waits for the target's run in progress", "run", busy.RunID)
			logged = true
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return RunStart{}, nil, fmt.Errorf("stopped while waiting for run %s to finish: %w", busy.RunID, ctx.Err())
		}
	}
}

// dropPlan forgets a pending plan and removes its files.
func (r *Runner) dropPlan(id string) {
	r.mu.Lock()
	sp, ok := r.pending[id]
	delete(r.pending, id)
	r.mu.Unlock()
	if ok {
		sp.Discard()
	}
}

// expirePlans drops the pending plans whose approval window has passed.
func (r *Runner) expirePlans(now time.Time) {
	r.mu.Lock()
	var expired []*terraform.SavedPlan
	for id, sp := range r.pending {
		if now.After(sp.CreatedAt.Add(PlanTTL)) {
			expired = append(expired, sp)
			delete(r.pending, id)
		}
	}
	r.mu.Unlock()
	for _, sp := range expired {
		sp.Discard()
	}
}

// PendingPlan returns an approve-mode plan by id.
func (r *Runner) PendingPlan(id string) (*terraform.SavedPlan, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sp, ok := r.pending[id]
	return sp, ok
}

// keptPlanFor returns the newest plan awaiting approval for t that was made
// against the world res observed and still fits t's config, or nil. A run
// that finds the drift its alert already offers a plan for keeps offering
// that plan: no second `terraform plan`, and the alert's Apply button stays
// the one the approver may be reading.
func (r *Runner) keptPlanFor(t *config.Target, res *report.TargetResult) *terraform.SavedPlan {
	seen := terraform.Fingerprint(res.Observed)
	r.mu.Lock()
	var kept *terraform.SavedPlan
	for _, sp := range r.pending {
		if sp.Target == t.Name && sp.Observation == seen && (kept == nil || sp.CreatedAt.After(kept.CreatedAt)) {
			kept = sp
		}
	}
	r.mu.Unlock()
	if kept == nil || len(kept.StillFits(t, res)) > 0 {
		return nil
	}
	return kept
}

// awaiting is the reason of a remediation that waits for a click.
func awaiting(sp *terraform.SavedPlan) string {
	return fmt.Sprintf("plan %s waits for approval until %s", sp.ID, sp.CreatedAt.Add(PlanTTL).Format(time.RFC3339))
}
