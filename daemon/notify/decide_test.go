package notify

import (
	"slices"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

func drift(checkIDs ...string) *report.TargetResult {
	res := &report.TargetResult{Name: "prod", Status: report.StatusDrift}
	for _, id := range checkIDs {
		res.Findings = append(res.Findings, checks.Finding{Check: id, Field: id, Severity: checks.SeverityError, Expected: "a", Actual: "b"})
	}
	return res
}

func TestDecide(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	repeat := 4 * time.Hour
	open := func(ids ...string) store.AlertState {
		return store.AlertState{Open: true, Fingerprint: report.FindingsFingerprint(drift(ids...).Findings), OpenedAt: t0, LastNotice: t0}
	}
	failed := func(res *report.TargetResult, n int) *report.TargetResult {
		res.Remediation = &report.RemediationResult{Action: report.ActionFailed, Failures: n}
		return res
	}
	tests := []struct {
		name string
		prev store.AlertState
		res  *report.TargetResult
		now  time.Time
		want []string
	}{
		{"new drift sends one message", store.AlertState{}, drift("okta.redirect_uris"), t0, []string{AlertNew}},
		{"the same drift again sends nothing", open("okta.redirect_uris"), drift("okta.redirect_uris"), t0.Add(time.Hour), nil},
		{"changed findings send a change", open("okta.redirect_uris"), drift("okta.redirect_uris", "wandb.cors_origins"), t0.Add(time.Hour), []string{AlertChanged}},
		{"drift past the repeat interval sends one reminder", open("okta.redirect_uris"), drift("okta.redirect_uris"), t0.Add(repeat), []string{AlertReminder}},
		{"an in-sync target resolves an open alert", open("okta.redirect_uris"), &report.TargetResult{Status: report.StatusOK}, t0.Add(time.Minute), []string{AlertResolved}},
		{"an in-sync target without an alert sends nothing", store.AlertState{}, &report.TargetResult{Status: report.StatusOK}, t0, nil},
		{"an Okta outage neither alerts nor resolves", open("okta.redirect_uris"), &report.TargetResult{Status: report.StatusError}, t0.Add(time.Hour), nil},
		{"an outage without an alert sends nothing", store.AlertState{}, &report.TargetResult{Status: report.StatusError}, t0, nil},
		{"a failed remediation is reported once per backoff step", open("okta.redirect_uris"), failed(drift("okta.redirect_uris"), 1), t0.Add(time.Minute), []string{AlertRemediationFailed}},
		{"the same failure step is not reported again", func() store.AlertState { s := open("okta.redirect_uris"); s.FailureSteps = 1; return s }(), failed(drift("okta.redirect_uris"), 1), t0.Add(2 * time.Minute), nil},
		{"a new plan to approve updates the message", open("okta.redirect_uris"), func() *report.TargetResult {
			r := drift("okta.redirect_uris")
			r.Remediation = &report.RemediationResult{Action: report.ActionAwaiting, PlanID: "p2"}
			return r
		}(), t0.Add(time.Minute), []string{AlertNewPlan}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, next := DecideWith(tc.prev, tc.res, tc.now, Policy{Repeat: repeat})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("DecideWith = %v, want %v", got, tc.want)
			}
			// Deciding again with the state it returned is quiet: no floods.
			if again, _ := DecideWith(next, tc.res, tc.now, Policy{Repeat: repeat}); len(again) != 0 {
				t.Errorf("a second decision at the same moment sent %v", again)
			}
		})
	}
}
