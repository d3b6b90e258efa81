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
)

// Decide is the pure "send what, now?" function: from the previous state,
// a new result and the clock it returns the notices due and the next state.
// An unreadable source (status error) is neither drift nor a resolution, so
// it changes nothing.
func Decide(prev store.AlertState, res *report.TargetResult, now time.Time, repeat time.Duration) ([]string, store.AlertState) {
	next := prev
	switch res.Status {
	case report.StatusError:
		return nil, prev
	case report.StatusOK:
		if !prev.Open {
			return nil, prev
		}
		// The closed state keeps OpenedAt so later replies (an approval's
		// outcome) still land in the episode's thread.
		return []string{AlertResolved}, store.AlertState{OpenedAt: prev.OpenedAt, LastNotice: now}
	}
	var kinds []string
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
