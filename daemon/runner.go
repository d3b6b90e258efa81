package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
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
	seq     uint64
}

// RunnerOptions tunes a Runner.
type RunnerOptions struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewRunner returns the reconcile path over engine.
func NewRunner(ctx context.Context, engine *Engine, log *slog.Logger, opts RunnerOptions) (*Runner, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Runner{engine: engine, log: log, opts: opts, running: map[string]string{}}, nil
}

// Close releases what the runner holds.
func (r *Runner) Close() error { return nil }

// BusyError says a target already has a run in progress.
type BusyError struct {
	Target string
	RunID  string
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("target %s has run %s in progress", e.Target, e.RunID)
}

// tryLock claims a target for a run, or returns the running run's id.
func (r *Runner) tryLock(target, trigger string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, busy := r.running[target]; busy {
		return "", &BusyError{Target: target, RunID: id}
	}
	r.seq++
	id := fmt.Sprintf("%s-%s-%d", target, r.opts.Now().UTC().Format("20060102T150405"), r.seq)
	r.running[target] = id
	return id, nil
}

func (r *Runner) unlock(target string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, target)
}

// ReconcileAll runs every given target, concurrently within the engine's
// bound, and waits for targets that are busy rather than skipping them.
func (r *Runner) ReconcileAll(ctx context.Context, targets []*Target, trigger string) *Report {
	results := make([]TargetResult, len(targets))
	sem := make(chan struct{}, r.engine.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for {
				res, err := r.Reconcile(ctx, t, trigger)
				var busy *BusyError
				if err == nil || !asBusy(err, &busy) || ctx.Err() != nil {
					results[i] = res
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()
	}
	wg.Wait()
	return &Report{Targets: results}
}

func asBusy(err error, out **BusyError) bool {
	b, ok := err.(*BusyError)
	if ok {
		*out = b
	}
	return ok
}

// Reconcile runs one target now, or returns a *BusyError when it is
// already running.
func (r *Runner) Reconcile(ctx context.Context, t *Target, trigger string) (TargetResult, error) {
	runID, err := r.tryLock(t.Name, trigger)
	if err != nil {
		return TargetResult{Name: t.Name}, err
	}
	defer r.unlock(t.Name)
	log := r.log.With("target", t.Name, "run", runID, "trigger", trigger)
	res := r.engine.CheckTarget(ctx, t)
	if res.Status == StatusDrift && t.Remedy.Mode != ModeAlert {
		res.Remediation = r.remediate(ctx, t, &res, log)
	} else if t.Remedy.Mode != ModeAlert {
		res.Remediation = &RemediationResult{Mode: t.Remedy.Mode, Action: ActionNone, Reason: noRemedyReason(res.Status)}
	}
	return res, nil
}

func noRemedyReason(status string) string {
	if status == StatusError {
		return "a source could not be read, so nothing is changed"
	}
	return "in sync"
}

func (r *Runner) remediate(ctx context.Context, t *Target, res *TargetResult, log *slog.Logger) *RemediationResult {
	return &RemediationResult{Mode: t.Remedy.Mode, Action: ActionFailed, Error: "Terraform remediation is not built yet"}
}
