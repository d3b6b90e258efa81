package daemon

import (
	"time"

	"github.com/driftd/driftd/checks"
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

// AlertState is what driftd remembers of a target's alert, in the store, so
// a restart neither re-alerts open drift nor forgets to resolve it.
type AlertState struct {
	Open         bool             `json:"open"`
	Fingerprint  string           `json:"fingerprint"`
	OpenedAt     time.Time        `json:"opened_at"`
	LastNotice   time.Time        `json:"last_notice"`
	FailureSteps int              `json:"failure_steps"`
	PlanID       string           `json:"plan_id,omitempty"`
	Findings     []checks.Finding `json:"findings,omitempty"`
}

// Decide is the pure "send what, now?" function: from the previous state,
// a new result and the clock it returns the notices due and the next state.
// An unreadable source (status error) is neither drift nor a resolution, so
// it changes nothing.
func Decide(prev AlertState, res *TargetResult, now time.Time, repeat time.Duration) ([]string, AlertState) {
	next := prev
	switch res.Status {
	case StatusError:
		return nil, prev
	case StatusOK:
		if !prev.Open {
			return nil, prev
		}
		// The closed state keeps OpenedAt so later replies (an approval's
		// outcome) still land in the episode's thread.
		return []string{AlertResolved}, AlertState{OpenedAt: prev.OpenedAt, LastNotice: now}
	}
	var kinds []string
	fp := findingsFingerprint(res.Findings)
	switch {
	case !prev.Open:
		kinds = append(kinds, AlertNew)
		next = AlertState{Open: true, Fingerprint: fp, OpenedAt: now, LastNotice: now}
	case prev.Fingerprint != fp:
		kinds = append(kinds, AlertChanged)
		next.Fingerprint, next.LastNotice = fp, now
	case repeat > 0 && now.Sub(prev.LastNotice) >= repeat:
		kinds = append(kinds, AlertReminder)
		next.LastNotice = now
	}
	next.Findings = res.Findings
	if rem := res.Remediation; rem != nil {
		if rem.Action == ActionFailed && rem.Failures > prev.FailureSteps {
			kinds = append(kinds, AlertRemediationFailed)
			next.FailureSteps = rem.Failures
		}
		if rem.Action == ActionAwaiting && rem.PlanID != prev.PlanID {
			if len(kinds) == 0 {
				kinds = append(kinds, AlertNewPlan)
			}
			next.PlanID = rem.PlanID
		}
	}
	return kinds, next
}
