package notify

import (
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

// Alert kinds of a drift episode's lifecycle.
const (
	AlertNew               = "new"                // first message of an episode
	AlertChanged           = "changed"            // findings differ: update + thread reply
	AlertReminder          = "reminder"           // still drifting after repeat_interval
	AlertResolved          = "resolved"           // update to resolved + thread reply
	AlertRemediationFailed = "remediation_failed" // thread reply, once per backoff step
	AlertNewPlan           = "new_plan"           // approve mode: the message's button now carries a newer plan
	AlertOutage            = "outage"             // the status has been error for longer than Policy.OutageAfter
	AlertOutageResolved    = "outage_resolved"    // an announced outage ended: the sources are readable again
)

// Policy is when Decide speaks up.
type Policy struct {
	// Repeat is the reminder interval of an open drift episode (0: none).
	Repeat time.Duration
	// OutageAfter is how long a target's status may stay error (a source
	// unreadable: Okta down or rate limiting, a file missing) before one
	// outage notice; its end is announced too. Zero never announces one.
	OutageAfter time.Duration
}

// DecideWith is the pure "send what, now?" function: from the previous
// state, a new result and the clock it returns the notices due and the next
// state. An unreadable source (status error) is neither drift nor a
// resolution of drift; it only starts the outage clock, and past
// p.OutageAfter one outage notice goes out (silence is not "ok").
func DecideWith(prev store.AlertState, res *report.TargetResult, now time.Time, p Policy) ([]string, store.AlertState) {
	if res.Status == report.StatusError {
		return decideOutage(prev, now, p)
	}
	var kinds []string
	if prev.OutageAlerted {
		kinds = append(kinds, AlertOutageResolved)
	}
	prev.ErrorSince, prev.OutageAlerted = time.Time{}, false
	if res.Status == report.StatusOK {
		if !prev.Open {
			return kinds, prev
		}
		// The closed state keeps OpenedAt so later replies (an approval's
		// outcome) still land in the episode's thread.
		return append(kinds, AlertResolved), store.AlertState{OpenedAt: prev.OpenedAt, LastNotice: now}
	}
	return decideDrift(prev, kinds, res, now, p.Repeat)
}

// decideOutage runs the outage clock of a target whose status is error.
func decideOutage(prev store.AlertState, now time.Time, p Policy) ([]string, store.AlertState) {
	next := prev
	if next.ErrorSince.IsZero() {
		next.ErrorSince = now
	}
	if !next.OutageAlerted && p.OutageAfter > 0 && now.Sub(next.ErrorSince) >= p.OutageAfter {
		next.OutageAlerted = true
		return []string{AlertOutage}, next
	}
	return nil, next
}

// OutageClockChanged reports whether next records an outage's start or end
// that no notice carries, so the caller must store it even when Decide
// sends nothing.
func OutageClockChanged(prev, next store.AlertState) bool {
	return !prev.ErrorSince.Equal(next.ErrorSince) || prev.OutageAlerted != next.OutageAlerted
}

// decideDrift is the drift episode's lifecycle for a target that was read.
func decideDrift(prev store.AlertState, kinds []string, res *report.TargetResult, now time.Time, repeat time.Duration) ([]string, store.AlertState) {
	next := prev
	fp := report.FindingsFingerprint(res.Findings)
	switch {
	case !prev.Open:
		kinds = append(kinds, AlertNew)
		next = store.AlertState{Open: true, Fingerprint: fp, OpenedAt: now, LastNotice: now}
	case prev.Fingerprint != fp:
		kinds = append(kinds, AlertChanged)
		next.Fingerprint, next.LastNotice = fp, now
	case repeat > 0 && now.Sub(prev.LastNotice) >= repeat:
		kinds = append(kinds, AlertReminder)
		next.LastNotice = now
	}
	next.Findings = res.Findings
	if rem := res.Remediation; rem != nil {
		if rem.Action == report.ActionFailed && rem.Failures > prev.FailureSteps {
			kinds = append(kinds, AlertRemediationFailed)
			next.FailureSteps = rem.Failures
		}
		if rem.Action == report.ActionAwaiting && rem.PlanID != prev.PlanID {
			if len(kinds) == 0 {
				kinds = append(kinds, AlertNewPlan)
			}
			next.PlanID = rem.PlanID
		}
	}
	return kinds, next
}
