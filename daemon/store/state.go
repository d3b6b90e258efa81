package store

import (
	"time"

	"github.com/driftd/driftd/checks"
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
	// ErrorSince is when the target's status turned error (zero: it is
	// not); OutageAlerted is set once that outage has been announced.
	ErrorSince    time.Time `json:"error_since,omitzero"`
	OutageAlerted bool      `json:"outage_alerted,omitempty"`
}

// Backoff is a target's remediation backoff: it spaces out applies after failures: 1m, 2m, 4m... up to 1h,
// reset by a success.
type Backoff struct {
	Failures int       `json:"failures"`
	Until    time.Time `json:"until"`
}
