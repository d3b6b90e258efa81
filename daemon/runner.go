package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/daemon/terraform"
)

// Runner is the one reconcile path shared by the CLI, the scheduler, the
// HTTP endpoint and Slack approvals: observe, evaluate, remediate per the
// target's mode, re-check. One lock per target keeps two runs of a target
// from overlapping.
type Runner struct {
	engine *Engine
	log    *slog.Logger
	opts   RunnerOptions

	mu      sync.Mutex
	running map[string]string // target -> run id
	// ended is closed, and replaced, whenever a run lets go of its target:
	// an approval waiting for its target wakes on it (startWhenFree).
	ended   chan struct{}
	seq     uint64
	tf      *terraform.Terraform
	backoff map[string]store.Backoff
	pending map[string]*terraform.SavedPlan // approve mode: plan id -> plan
	slots   *runSlots                       // at most cfg.Concurrency targets observed at once
	runs    runCount
	// halt ends even the applies no client can cancel: shutdown after its
	// grace, so no Terraform process group outlives driftd.
	halt     context.Context
	haltFunc context.CancelFunc
}

// FinishFunc records and reports a run while its target is still locked,
// so the alert decisions of one target are made one at a time and in the
// order its runs observed the world.
type FinishFunc func(res *report.TargetResult, run RunStart)

// RunStart names a run and when it began: when it held its target's lock
// and a run slot, so the time it queued behind other targets (concurrency)
// is neither in its duration nor in its place in the history.
type RunStart struct {
	ID      string
	Started time.Time
}

const (
	backoffBase = time.Minute
	backoffMax  = time.Hour
	// PlanTTL is how long an approve-mode plan can be approved.
	PlanTTL = time.Hour
	// applyTimeout bounds an apply that no client can cancel.
	applyTimeout = 30 * time.Minute
)

// RunnerOptions tunes a Runner.
type RunnerOptions struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Backoff, when set, persists remediation backoff across restarts.
	Backoff BackoffStore
}

// BackoffStore keeps each target's remediation backoff.
type BackoffStore interface {
	Backoffs() (map[string]store.Backoff, error)
	SaveBackoff(target string, st store.Backoff) error
}

// NewRunner returns the reconcile path over engine.
func NewRunner(ctx context.Context, engine *Engine, log *slog.Logger, opts RunnerOptions) (*Runner, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Runner{engine: engine, log: log, opts: opts, running: map[string]string{}, ended: make(chan struct{}),
		backoff: map[string]store.Backoff{}, pending: map[string]*terraform.SavedPlan{}, slots: newRunSlots(engine.cfg.Concurrency)}
	r.halt, r.haltFunc = context.WithCancel(context.Background())
	// Nothing of an earlier process's runs may go on or stay on disk: its
	// Terraform process groups race this one's plans, and its var files hold
	// the env's credentials (a Runner is made once per process).
	terraform.SweepUnfinished(engine.cfg.StateDir, log)
	if opts.Backoff != nil {
		saved, err := opts.Backoff.Backoffs()
		if err != nil {
			return nil, fmt.Errorf("reading remediation backoff: %w", err)
		}
		r.backoff = saved
	}
	return r, nil
}

// tryLock claims a target for a run, or returns the running run's id.
func (r *Runner) tryLock(target, trigger string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, busy := r.running[target]; busy {
		return "", &report.BusyError{Target: target, RunID: id}
	}
	r.seq++
	id := fmt.Sprintf("%s-%s-%d", target, r.opts.Now().UTC().Format("20060102T150405"), r.seq)
	r.running[target] = id
	return id, nil
}

// start claims a target and then waits for a run slot, so the target
// waits in line once whatever asked for it; done releases both.
func (r *Runner) start(ctx context.Context, target, trigger string) (run RunStart, done func(), err error) {
	runID, err := r.tryLock(target, trigger)
	if err != nil {
		return RunStart{}, nil, err
	}
	// Runs someone waits for go ahead of the schedule's sweep.
	urgent := trigger != "schedule" && trigger != "startup"
	if err := r.slots.acquire(ctx, urgent); err != nil {
		r.unlock(target)
		return RunStart{}, nil, fmt.Errorf("waiting for a run slot (concurrency): %w", err)
	}
	r.runs.add()
	return RunStart{ID: runID, Started: time.Now()}, func() { r.runs.done(); r.slots.release(); r.unlock(target) }, nil
}

func (r *Runner) unlock(target string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, target)
	close(r.ended)
	r.ended = make(chan struct{})
}

// ReconcileAll runs every given target, concurrently within the engine's
// bound, and waits for targets that are busy rather than skipping them.
func (r *Runner) ReconcileAll(ctx context.Context, targets []*config.Target, trigger string) *report.Report {
	return fanOut(len(targets), r.eng().cfg.Concurrency, func(i int) report.TargetResult {
		return whenFree(ctx, targets[i].Name, r.log, func() (report.TargetResult, error) {
			return r.Reconcile(ctx, targets[i], trigger)
		})
	})
}

// whenFree runs a target, waiting while another run of it is in progress,
// so an "all targets" run reports every target as ok, drift or error.
// Only the end of ctx stops the wait, and that is reported as an error.
// The wait is logged once, so an "all targets" request that seems stuck
// says what it waits for.
func whenFree(ctx context.Context, target string, log *slog.Logger, run func() (report.TargetResult, error)) report.TargetResult {
	for waited := false; ; waited = true {
		res, err := run()
		var busy *report.BusyError
		if !errors.As(err, &busy) {
			if err != nil {
				return errorResult(target, "driftd", err)
			}
			return res
		}
		if !waited {
			log.Info("waiting for the target's running run to finish", "target", target, "run", busy.RunID)
		}
		select {
		case <-ctx.Done():
			return errorResult(target, "driftd", fmt.Errorf("stopped while waiting for run %s to finish: %w", busy.RunID, ctx.Err()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// errorResult is a target that could not be run at all.
func errorResult(target, source string, err error) report.TargetResult {
	return report.TargetResult{Name: target, Status: report.StatusError, Findings: []checks.Finding{},
		Errors: []report.ObservationError{{Source: source, Message: err.Error()}}}
}

// Reconcile runs one target now, or returns a *BusyError when it is
// already running.
func (r *Runner) Reconcile(ctx context.Context, t *config.Target, trigger string) (report.TargetResult, error) {
	res, _, err := r.reconcileWithID(ctx, t, trigger, nil)
	return res, err
}

func (r *Runner) reconcileWithID(ctx context.Context, t *config.Target, trigger string, finish FinishFunc) (report.TargetResult, string, error) {
	run, done, err := r.start(ctx, t.Name, trigger)
	if err != nil {
		return report.TargetResult{Name: t.Name}, "", err
	}
	defer done()
	engine := r.eng()
	log := r.log.With("target", t.Name, "run", run.ID, "trigger", trigger)
	res := engine.CheckTarget(ctx, t)
	switch why := terraform.Contradiction(t, &res); {
	case t.Remedy.Mode == config.ModeAlert:
		res.Remediation = &report.RemediationResult{Mode: t.Remedy.Mode, Action: report.ActionNone, Reason: report.ReasonAlertMode}
	case why != "":
		// Refused before any plan: no mode may write a value Okta contradicts.
		res.Remediation = &report.RemediationResult{Mode: t.Remedy.Mode, Action: report.ActionRefused, Refused: []string{why},
			Reason: "the desired state contradicts Okta; nothing was planned or applied"}
		log.Warn("remediation refused: the desired state contradicts Okta", "refused", why)
	case res.Status == report.StatusDrift:
		res.Remediation = r.remediate(ctx, t, &res, log)
	default:
		res.Remediation = &report.RemediationResult{Mode: t.Remedy.Mode, Action: report.ActionNone, Reason: noRemedyReason(res.Status)}
	}
	terraform.NewScrubber(engine.cfg).Result(&res)
	if finish != nil {
		finish(&res, run)
	}
	return res, run.ID, nil
}

func (r *Runner) eng() *Engine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.engine
}

// setEngine swaps the engine after a config reload; runs in progress keep
// the one they started with.
func (r *Runner) setEngine(e *Engine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.engine = e
	r.slots.setLimit(e.cfg.Concurrency)
}

// runningID returns the id of the target's run in progress, or "".
func (r *Runner) runningID(target string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[target]
}

// Halt cancels every run in progress, applies included; their Terraform
// process groups are interrupted, then killed.
func (r *Runner) Halt() { r.haltFunc() }

// Wait waits for runs in progress, at most until ctx ends.
func (r *Runner) Wait(ctx context.Context) {
	select {
	case <-r.runs.idle():
	case <-ctx.Done():
	}
}

func noRemedyReason(status string) string {
	if status == report.StatusError {
		return "a source could not be read, so nothing is changed"
	}
	return "in sync"
}

func (r *Runner) terraform() (*terraform.Terraform, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tf != nil {
		return r.tf, nil
	}
	tf, err := terraform.NewTerraform(r.engine.cfg.StateDir, r.log) // r.mu is held
	if err != nil {
		return nil, err
	}
	r.tf = tf
	return tf, nil
}

func anyFixable(res *report.TargetResult) bool {
	for _, f := range res.Findings {
		if f.Fixable && f.Severity == "error" {
			return true
		}
	}
	return false
}

// remediate plans, checks the guardrails and, per mode, applies or keeps
// the plan for approval. It updates res with the re-check after an apply.
func (r *Runner) remediate(ctx context.Context, t *config.Target, res *report.TargetResult, log *slog.Logger) *report.RemediationResult {
	rem := &report.RemediationResult{Mode: t.Remedy.Mode}
	if !anyFixable(res) {
		rem.Action, rem.Reason = report.ActionNone, "no drift finding is fixable by Terraform: fix it by hand"
		return rem
	}
	now := r.opts.Now()
	r.mu.Lock()
	bo := r.backoff[t.Name]
	r.mu.Unlock()
	if t.Remedy.Mode != config.ModeAlert && now.Before(bo.Until) {
		rem.Action = report.ActionSkipped
		rem.Reason = fmt.Sprintf("backing off after %d failed Terraform run(s) until %s", bo.Failures, bo.Until.UTC().Format(time.RFC3339))
		return rem
	}
	tf, err := r.terraform()
	if err != nil {
		rem.Action, rem.Error = report.ActionFailed, err.Error()
		return rem
	}
	r.expirePlans(now)
	tf.SweepPlans(time.Now(), PlanTTL)
	if t.Remedy.Mode == config.ModeApprove {
		if kept := r.keptPlanFor(t, res); kept != nil {
			rem.Action, rem.PlanID, rem.Plan, rem.Reason = report.ActionAwaiting, kept.ID, kept.Summary, awaiting(kept)
			return rem
		}
	}
	sp, err := tf.Plan(ctx, t, res)
	if err != nil && ctx.Err() != nil {
		// The run was stopped (shutdown, or its caller gave up), not
		// Terraform: no backoff that outlives a restart, no "Terraform
		// failed" alert. (A plan's own time limit is a context of Plan's,
		// so it is still a failure.)
		rem.Action = report.ActionSkipped
		rem.Reason = "the plan was stopped before it finished (driftd is shutting down or the run was cancelled); nothing was applied"
		log.Info("terraform plan stopped with its run", "err", r.scrubber().String(err.Error()))
		return rem
	}
	if err != nil {
		until, n := r.recordFailure(t.Name)
		rem.Action, rem.Error, rem.Failures = report.ActionFailed, err.Error(), n
		rem.Reason = fmt.Sprintf("plan failed; the next attempt waits until %s", until.UTC().Format(time.RFC3339))
		log.Warn("terraform plan failed", "err", r.scrubber().String(err.Error()))
		return rem
	}
	rem.PlanID, rem.Plan = sp.ID, sp.Summary
	if !sp.HasChanges {
		rem.Action, rem.Reason = report.ActionNone, terraform.NoChangesReason(res)
		return rem
	}
	envRefused := sp.EnvGuardrails(res)
	if t.Remedy.Mode == config.ModePlan {
		sp.Discard() // the summary is the product; nothing will apply the file
		rem.Action = report.ActionPlanned
		if len(envRefused) > 0 {
			rem.Action, rem.Refused = report.ActionRefused, envRefused
			rem.Reason = "the plan would write what no finding asked for or what Okta contradicts; it must not be applied"
		}
		return rem
	}
	refused := append(terraform.Guardrails(sp.Summary, t.Remedy.Terraform.Allow, t.Remedy.Terraform.Attributes), envRefused...)
	if len(refused) > 0 {
		sp.Discard()
		rem.Action, rem.Refused = report.ActionRefused, refused
		rem.Reason = "a guardrail refused the plan; nothing was applied"
		log.Warn("plan refused by guardrails", "refused", refused)
		return rem
	}
	if t.Remedy.Mode == config.ModeApprove {
		r.mu.Lock()
		r.pending[sp.ID] = sp
		r.mu.Unlock()
		rem.Action, rem.Reason = report.ActionAwaiting, awaiting(sp)
		return rem
	}
	r.applyPlan(ctx, t, sp, res, rem, log)
	sp.Discard()
	return rem
}

// applyPlan applies a saved plan if the world is still the one it was made
// against, then checks the target again.
func (r *Runner) applyPlan(ctx context.Context, t *config.Target, sp *terraform.SavedPlan, res *report.TargetResult, rem *report.RemediationResult, log *slog.Logger) {
	// An apply, once started, finishes even if the HTTP client or the
	// approver goes away: a half-applied workspace is worse than either.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), applyTimeout)
	defer cancel()
	defer context.AfterFunc(r.halt, cancel)()
	fresh := r.eng().CheckTarget(ctx, t)
	if fresh.Status == report.StatusError {
		rem.Action, rem.Refused = report.ActionRefused, []string{"stale: a source could not be read again before the apply, so the plan cannot be shown to still fit"}
		return
	}
	if terraform.Fingerprint(fresh.Observed) != sp.Observation {
		rem.Action = report.ActionRefused
		rem.Refused = []string{"stale: the Okta app or the W&B env changed after the plan was made; a new plan is needed"}
		return
	}
	tf, err := r.terraform()
	if err == nil {
		err = tf.Apply(ctx, t, sp)
	}
	if err != nil {
		until, n := r.recordFailure(t.Name)
		rem.Action, rem.Error, rem.Failures = report.ActionFailed, err.Error(), n
		rem.Reason = fmt.Sprintf("apply failed; the next attempt waits until %s", until.UTC().Format(time.RFC3339))
		log.Error("terraform apply failed", "plan", sp.ID, "err", r.scrubber().String(err.Error()))
		return
	}
	r.mu.Lock()
	delete(r.backoff, t.Name)
	r.saveBackoff(t.Name, store.Backoff{})
	r.mu.Unlock()
	rem.Action = report.ActionApplied
	after := r.eng().CheckTarget(ctx, t)
	rem.Before = res.Findings
	res.Findings, res.Errors, res.Status, res.ObservedAt, res.Observed = after.Findings, after.Errors, after.Status, after.ObservedAt, after.Observed
	if after.Status == report.StatusOK {
		rem.Verification = "fixed"
	} else {
		rem.Verification = "still drifting"
	}
	log.Info("applied plan", "plan", sp.ID, "verification", rem.Verification)
}

// recordFailure pushes the target's next Terraform attempt out
// exponentially, so a broken workspace is never retried in a tight loop.
func (r *Runner) recordFailure(target string) (time.Time, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	bo := r.backoff[target]
	bo.Failures++
	wait := backoffBase << (bo.Failures - 1)
	if wait > backoffMax || wait <= 0 {
		wait = backoffMax
	}
	bo.Until = r.opts.Now().Add(wait)
	r.backoff[target] = bo
	r.saveBackoff(target, bo)
	return bo.Until, bo.Failures
}

func (r *Runner) saveBackoff(target string, bo store.Backoff) {
	if r.opts.Backoff == nil {
		return
	}
	if err := r.opts.Backoff.SaveBackoff(target, bo); err != nil {
		r.log.Error("saving remediation backoff", "target", target, "err", err)
	}
}

// scrubber redacts the current config's secrets and the environment's.
func (r *Runner) scrubber() *terraform.Scrubber { return terraform.NewScrubber(r.eng().cfg) }

// runCount counts the runs in progress. Unlike a WaitGroup, a run may
// start while someone waits for the count to reach zero (a replan right
// after an approval, during shutdown): a WaitGroup panics then ("WaitGroup
// is reused before previous Wait has returned", seen in a loaded run of
// the daemon's tests).
type runCount struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed while n is 0; nil means "closed"
}

func (c *runCount) add() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		c.zero = make(chan struct{})
	}
	c.n++
}

func (c *runCount) done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n--
	if c.n == 0 {
		close(c.zero)
	}
}

// idle is closed once no run is in progress.
func (c *runCount) idle() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		closed := make(chan struct{})
		close(closed)
		return closed
	}
	return c.zero
}
