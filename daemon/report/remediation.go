package report

import (
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks"
)

// Remediation actions, as reported.
const (
	ActionNone     = "none"
	ActionPlanned  = "planned"
	ActionApplied  = "applied"
	ActionRefused  = "refused"
	ActionFailed   = "failed"
	ActionAwaiting = "awaiting_approval"
	ActionSkipped  = "skipped"
)

// ReasonAlertMode is why an alert-mode target's remediation did nothing.
const ReasonAlertMode = "mode alert: drift is reported, never fixed"

// ReasonCheck is why `driftd check` did nothing about drift.
const ReasonCheck = "check never changes anything"

// RemediationResult is what remediation did for a target in one run.
type RemediationResult struct {
	Mode   string       `json:"mode"`
	Action string       `json:"action"`
	Reason string       `json:"reason,omitempty"`
	PlanID string       `json:"plan_id,omitempty"`
	Plan   *PlanSummary `json:"plan,omitempty"`
	// Refused lists the guardrails that refused the plan.
	Refused []string `json:"refused,omitempty"`
	Error   string   `json:"error,omitempty"`
	// Verification is "fixed" or "still drifting" after an apply.
	Verification string `json:"verification,omitempty"`
	// Before holds the findings the apply set out to fix; the target's own
	// findings are those of the re-check.
	Before []checks.Finding `json:"before,omitempty"`
	// Failures counts consecutive failed Terraform runs of the target.
	Failures int `json:"failures,omitempty"`
	// ApprovedBy is the Slack user id that approved the plan, the one
	// slack.approvers authorised; ApproverName is the name Slack's
	// interaction payload gave for that user, for people to read.
	ApprovedBy   string `json:"approved_by,omitempty"`
	ApproverName string `json:"approver_name,omitempty"`
}

// ApplyActionID is the action id of the "Apply fix" button a Slack alert
// carries for a plan awaiting approval (the notifier renders it), and the
// one click the approval endpoint (daemon/api) acts on.
const ApplyActionID = "driftd_apply"

// Approver is who approved a plan in Slack: the user id that was checked
// against slack.approvers, and the name the interaction payload gave.
type Approver struct{ ID, Name string }

// PlanSummary is what a saved Terraform plan would change.
type PlanSummary struct {
	Changes []ResourceChange `json:"changes"`
}

// ResourceChange is one resource in a plan.
type ResourceChange struct {
	Address    string            `json:"address"`
	Type       string            `json:"type,omitempty"`
	Action     string            `json:"action"`
	Attributes []AttributeChange `json:"attributes,omitempty"`
}

// AttributeChange is one attribute that a plan changes; sensitive values
// and the values of secret-looking keys are masked. Name is a dotted path
// into maps and blocks with list indexes (other_wandb_env.GORILLA_CORS_ORIGINS,
// spec[0].template[0].spec[0].container[0].env[3].value).
type AttributeChange struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
	// Computed marks a value the provider only knows after apply (a
	// Kubernetes resource_version, say): recomputed, not asked for.
	Computed bool `json:"computed,omitempty"`
}

func writeRemediationText(b *strings.Builder, r *RemediationResult) {
	if r.Action == ActionNone && r.Plan == nil && (r.Reason == ReasonAlertMode || r.Reason == ReasonCheck) {
		return // nothing ran and nothing could have: the JSON says so, the text need not
	}
	fmt.Fprintf(b, "  remediation (%s): %s", r.Mode, r.Action)
	if r.Reason != "" {
		fmt.Fprintf(b, " — %s", r.Reason)
	}
	b.WriteString("\n")
	if r.Plan != nil {
		if len(r.Plan.Changes) == 0 {
			b.WriteString("      plan: no changes\n")
		}
		for _, c := range r.Plan.Changes {
			fmt.Fprintf(b, "      %s %s\n", c.Action, c.Address)
			for _, a := range c.Attributes {
				fmt.Fprintf(b, "          %s: %s -> %s\n", a.Name, a.Before, a.After)
			}
		}
	}
	for _, g := range r.Refused {
		fmt.Fprintf(b, "      refused: %s\n", g)
	}
	if r.Error != "" {
		fmt.Fprintf(b, "      error: %s\n", r.Error)
	}
	if r.Verification != "" {
		fmt.Fprintf(b, "      verification: %s\n", r.Verification)
	}
}
