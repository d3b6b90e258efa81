package daemon

import (
	"context"
	"time"

	"github.com/driftd/driftd/daemon/notify/slack"
	"github.com/driftd/driftd/daemon/report"
)

// approvals is the Slack interaction handler's view of the daemon.
type approvals struct{ d *Daemon }

// PendingPlan returns the target of a plan waiting for approval.
func (a approvals) PendingPlan(planID string) (string, bool) {
	sp, ok := a.d.runnerRef().PendingPlan(planID)
	if !ok {
		return "", false
	}
	return sp.Target, true
}

// Approve applies an approved plan in the background.
func (a approvals) Approve(planID, target, user string) { go a.d.approve(planID, target, user) }

func (d *Daemon) runnerRef() *Runner {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.runner
}

// approve applies an approved plan through the one run path and reports.
func (d *Daemon) approve(planID, target, user string) {
	ctx := d.baseCtx
	t, ok := d.config().Target(target)
	if !ok {
		return
	}
	start := time.Now()
	res, err := d.runnerRef().ApprovePlan(ctx, planID, user)
	d.alerter.Reply(target, "approval", slack.ApprovalText(user, planID, res.Remediation, err))
	if err != nil {
		return
	}
	d.finish(ctx, t, res, "approval-"+planID, "approval", start)
	if res.Remediation.Action == report.ActionRefused {
		// The world moved on: make a fresh plan, which updates the alert's button.
		go func() { _, _ = d.Run(context.WithoutCancel(ctx), target, "replan") }()
	}
}
