package report

import (
	"fmt"
	"time"

	"github.com/driftd/driftd/checks"
)

// Status of a target after a pass.
const (
	StatusOK    = "ok"
	StatusDrift = "drift"
	StatusError = "error"
)

// ObservationError is a source that could not be read. It makes the target's
// status "error"; it is never turned into a finding.
type ObservationError struct {
	Source  string `json:"source"`
	Message string `json:"message"`
}

// TargetResult is one target's verdict after a pass.
type TargetResult struct {
	Name     string             `json:"name"`
	Status   string             `json:"status"`
	Findings []checks.Finding   `json:"findings"`
	Errors   []ObservationError `json:"errors"`
	// ObservedAt is omitted for a target never observed (status pending).
	ObservedAt  time.Time          `json:"observed_at,omitzero"`
	Remediation *RemediationResult `json:"remediation,omitempty"`

	// Observed keeps what was read, for remediation's staleness guardrail;
	// it is never serialised.
	Observed *checks.Observed `json:"-"`
}

// Report is the result of one pass over some targets; its JSON form is the
// contract's `check --output json` document.
type Report struct {
	Targets []TargetResult `json:"targets"`
}

// ExitCode is the contract's exit code for a report: the worst status wins
// (error 1 > drift 2 > ok 0).
func (r *Report) ExitCode() int {
	code := 0
	for _, t := range r.Targets {
		switch t.Status {
		case StatusError:
			return 1
		case StatusDrift:
			code = 2
		}
	}
	return code
}

// StatusOf is the verdict for findings and observation errors: an unreadable source makes the verdict "error" whatever the
// other sources said, because part of the wiring went unchecked.
func StatusOf(findings []checks.Finding, errs []ObservationError) string {
	switch {
	case len(errs) > 0:
		return StatusError
	case checks.HasErrors(findings):
		return StatusDrift
	}
	return StatusOK
}

// BusyError says a target already has a run in progress.
type BusyError struct {
	Target string
	RunID  string
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("target %s has run %s in progress", e.Target, e.RunID)
}

// PlanError says why an approval cannot apply a plan.
type PlanError struct{ Reason string }

func (e *PlanError) Error() string { return e.Reason }
