package alertmanager

import (
	"sort"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

// State is what the notifier remembers of one target, in the store's alert
// bucket under its own keys (never Slack's).
type State struct {
	// Drift is open while the target drifts; Findings are the findings the
	// firing DriftdDrift alerts describe.
	Drift store.AlertState
	// Error's OpenedAt is when the target's sources became unreadable (zero
	// while they are read); Open is set once error_after has passed and
	// DriftdError fires. The observation errors are kept as findings whose
	// Field is the source, since AlertState has no field of its own for them.
	Error store.AlertState
}

// Policy is the notifier's timing.
type Policy struct {
	Resend     time.Duration
	ErrorAfter time.Duration
}

// Decide is the pure "post now?" function: from the previous state, a new
// result (nil for a resend sweep with no new result) and the clock, it
// returns the next state (to store when it differs from prev) and whether
// the alerts should be posted. A post
// carries every firing alert and every alert that prev fired and next no
// longer does (resolved).
func Decide(prev State, res *report.TargetResult, now time.Time, p Policy) (State, bool) {
	next := prev
	changed := false
	if res != nil {
		next.Drift, changed = decideDrift(prev.Drift, res, now)
		var errChanged bool
		next.Error, errChanged = decideError(prev.Error, res, now, p.ErrorAfter)
		changed = changed || errChanged
	}
	firing := next.Drift.Open || next.Error.Open
	last := later(next.Drift.LastNotice, next.Error.LastNotice)
	if !changed && !(firing && now.Sub(last) >= p.Resend) {
		// Not a post, but the state may still have moved (an error's
		// start time is remembered before it is old enough to fire).
		return next, false
	}
	if next.Drift.Open {
		next.Drift.LastNotice = now
	}
	if next.Error.Open {
		next.Error.LastNotice = now
	}
	return next, true
}

// decideDrift follows the contract's status: drift opens or updates, ok
// resolves, error (nothing could be compared) changes nothing.
func decideDrift(prev store.AlertState, res *report.TargetResult, now time.Time) (store.AlertState, bool) {
	switch res.Status {
	case report.StatusOK:
		return store.AlertState{}, prev.Open
	case report.StatusDrift:
		fp := report.FindingsFingerprint(res.Findings)
		if prev.Open && prev.Fingerprint == fp {
			return prev, false
		}
		next := prev
		if !prev.Open {
			next = store.AlertState{Open: true, OpenedAt: now}
		}
		next.Fingerprint, next.Findings = fp, res.Findings
		return next, true
	}
	return prev, false
}

// decideError fires once the sources have been unreadable for errorAfter
// and resolves at the first result that read them.
func decideError(prev store.AlertState, res *report.TargetResult, now time.Time, errorAfter time.Duration) (store.AlertState, bool) {
	if res.Status != report.StatusError {
		return store.AlertState{}, prev.Open
	}
	next := prev
	if next.OpenedAt.IsZero() {
		next.OpenedAt = now
	}
	next.Findings = errorFindings(res.Errors)
	next.Fingerprint = report.FindingsFingerprint(next.Findings)
	if !prev.Open && now.Sub(next.OpenedAt) >= errorAfter {
		next.Open = true
		return next, true
	}
	return next, prev.Open && prev.Fingerprint != next.Fingerprint
}

// errorFindings keeps observation errors in AlertState's findings.
func errorFindings(errs []report.ObservationError) []checks.Finding {
	out := make([]checks.Finding, 0, len(errs))
	for _, e := range errs {
		out = append(out, checks.Finding{Check: "observation", Severity: checks.SeverityError, Field: e.Source, Actual: e.Message, Message: e.Message})
	}
	return out
}

// firingChecks returns the check ids with at least one error finding, sorted.
func firingChecks(fs []checks.Finding) []string {
	seen := map[string]bool{}
	var ids []string
	for _, f := range fs {
		if f.Severity == checks.SeverityError && !seen[f.Check] {
			seen[f.Check] = true
			ids = append(ids, f.Check)
		}
	}
	sort.Strings(ids)
	return ids
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
