package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

// Run is the daemon's one run path for a target: cron, the HTTP endpoint
// and approvals all come through here.
func (d *Daemon) Run(ctx context.Context, name, trigger string) (report.TargetResult, error) {
	d.mu.RLock()
	cfg, runner := d.cfg, d.runner
	d.mu.RUnlock()
	t, ok := cfg.Target(name)
	if !ok {
		return report.TargetResult{}, &config.UnknownTargetError{Name: name}
	}
	defer d.metrics.RunStarted()()
	// Recording and notifying happen inside the target's lock: two
	// overlapping requests for one target must not decide its alert out of
	// order (a stale "drift" after a newer "ok" re-opens a resolved alert).
	res, _, err := runner.reconcileWithID(ctx, t, trigger, func(res *report.TargetResult, run RunStart) {
		d.finish(ctx, t, *res, run, trigger)
	})
	return res, err
}

// alerts is the lock on a target's alert state: held for every read,
// decide and commit of it, by runs and by approval replies alike.
func (d *Daemon) alerts(target string) *sync.Mutex {
	m, _ := d.alertLocks.LoadOrStore(target, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// finish records a run, logs it and hands it to the notifier. The caller
// holds the target's run lock.
func (d *Daemon) finish(ctx context.Context, t *config.Target, res report.TargetResult, run RunStart, trigger string) {
	name, runID := t.Name, run.ID
	d.alerts(name).Lock()
	defer d.alerts(name).Unlock()
	took := time.Since(run.Started)
	d.learnPolicies(name, &res)
	d.metrics.ObserveResult(&res, took.Seconds())
	ep, open, serr := d.store.Record(store.RunRecord{ID: runID, Trigger: trigger, Started: run.Started.UTC(), Duration: took, Result: res})
	if serr != nil {
		d.log.Error("recording run", "target", name, "err", serr)
	}
	attrs := []any{"target", name, "run", runID, "trigger", trigger, "status", res.Status,
		"findings", len(res.Findings), "errors", len(res.Errors), "duration_ms", took.Milliseconds()}
	if open {
		attrs = append(attrs, "drift_since", ep.FirstSeen)
	}
	if res.Remediation != nil {
		attrs = append(attrs, "remediation", res.Remediation.Action)
	}
	d.log.Info("pass", attrs...)
	d.notifierRef().Notify(ctx, t, &res)
}

func (d *Daemon) runAll(ctx context.Context, trigger string) *report.Report {
	d.mu.RLock()
	cfg := d.cfg
	d.mu.RUnlock()
	return fanOut(len(cfg.Targets), cfg.Concurrency, func(i int) report.TargetResult {
		name := cfg.Targets[i].Name
		return whenFree(ctx, name, d.log, func() (report.TargetResult, error) { return d.Run(ctx, name, trigger) })
	})
}

// learnPolicies tells the event path which access policies the target's
// authorization server holds, so a policy event finds the target, and the
// ids of the trusted origins read, so an event that moves the W&B origin
// to another URL finds it too.
func (d *Daemon) learnPolicies(target string, res *report.TargetResult) {
	d.mu.RLock()
	p := d.events
	d.mu.RUnlock()
	if p == nil || res.Observed == nil {
		return
	}
	p.dispatch.Policies.LearnOrigins(res.Observed.TrustedOrigins)
	if res.Observed.AuthServer != nil {
		p.dispatch.Policies.Learn(target, res.Observed.AuthServer)
	}
}
