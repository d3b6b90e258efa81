package api

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// pageNow is the status page's clock in the page-state tests, so that
// relative times read the same on every run.
var pageNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// The links the Slack alert builds for prod (slack.OktaAdminAppURL on an
// okta.com org, slack.WandbAdminURL).
const (
	prodOktaURL  = "https://acme-admin.okta.com/admin/app/oidc_client/instance/0oaprod/#tab-general"
	prodWandbURL = "https://prod.wandb.test/system-admin"
)

// corsFinding is the finding whose message carries backticks, as
// checks.WandbCORSOrigins writes it, and a script from the observed world.
func corsFinding() checks.Finding {
	return checks.Finding{Check: checks.IDWandbCORSOrigins, Target: "prod", Severity: checks.SeverityError, Field: "GORILLA_CORS_ORIGINS",
		Expected: []any{"https://prod.wandb.test", "null"}, Actual: []any{"https://prod.wandb.test", xss, "https://a-very-long-origin-without-any-break.wandb-staging-west.example.test"}, Missing: []string{"null"},
		Fixable: true, Message: "Add `null` to GORILLA_CORS_ORIGINS: users see \"request from invalid origin: null\" after the Okta redirect otherwise. " + xss}
}

// warningFinding is one a person has to fix in the Okta console.
func warningFinding() checks.Finding {
	return checks.Finding{Check: checks.IDTokenAuth, Target: "prod", Severity: checks.SeverityWarning, Field: "token_endpoint_auth_method",
		Expected: "none", Actual: "client_secret_basic", Message: "Under `auth_method: implicit` the app should use `none`; change it in the Okta console."}
}

// runsEveryHour is n runs an hour apart ending an hour before pageNow,
// newest first, each with status made by statusOf(i) (0 is the newest).
func runsEveryHour(target string, n int, statusOf func(i int) report.TargetResult) []Run {
	runs := make([]Run, n)
	for i := range runs {
		res := statusOf(i)
		res.Name = target
		started := pageNow.Add(-time.Duration(i+1) * time.Hour)
		res.ObservedAt = started
		runs[i] = Run{ID: fmt.Sprintf("%s-%d", target, n-i), Target: target, Trigger: "schedule", Started: started, Result: res}
	}
	return runs
}

func okResult() report.TargetResult {
	return report.TargetResult{Status: report.StatusOK, Findings: []checks.Finding{}}
}

// appliedResult is a run that fixed drift in apply mode.
func appliedResult() report.TargetResult {
	res := okResult()
	res.Remediation = &report.RemediationResult{Mode: "apply", Action: report.ActionApplied, Verification: "fixed",
		Plan: &report.PlanSummary{Changes: []report.ResourceChange{{Address: "kubernetes_config_map_v1_data.wandb", Action: "update",
			Attributes: []report.AttributeChange{{Name: "data.GORILLA_CORS_ORIGINS", Before: "https://prod.wandb.test", After: "https://prod.wandb.test, null"}}}}}}
	return res
}

// pageStates are the status page's four states, each a backend.
func pageStates() map[string]*fakeBackend {
	next := pageNow.Add(58 * time.Minute)
	links := func(st TargetStatus) TargetStatus {
		st.OktaAppURL, st.WandbURL, st.NextRun = prodOktaURL, prodWandbURL, &next
		return st
	}
	states := map[string]*fakeBackend{}

	okRuns := runsEveryHour("prod", 30, func(i int) report.TargetResult {
		switch i {
		case 11:
			return appliedResult()
		case 12, 13:
			return report.TargetResult{Status: report.StatusDrift, Findings: []checks.Finding{corsFinding()}}
		}
		return okResult()
	})
	states["ok"] = &fakeBackend{targets: []TargetStatus{links(TargetStatus{TargetResult: okRuns[0].Result})}, history: okRuns}

	since := pageNow.Add(-3 * time.Hour)
	drift := report.TargetResult{Name: "prod", Status: report.StatusDrift, Findings: []checks.Finding{corsFinding(), warningFinding()},
		ObservedAt: pageNow.Add(-2 * time.Minute), Remediation: &report.RemediationResult{Mode: "plan", Action: report.ActionPlanned,
			Reason: "mode `plan`: the plan is shown, never applied", Plan: appliedResult().Remediation.Plan}}
	driftRuns := append([]Run{{ID: "prod-now", Target: "prod", Trigger: "schedule", Started: drift.ObservedAt, Result: drift}},
		runsEveryHour("prod", 6, func(i int) report.TargetResult {
			if i < 2 {
				return report.TargetResult{Status: report.StatusDrift, Findings: []checks.Finding{corsFinding()}}
			}
			return okResult()
		})...)
	states["drift"] = &fakeBackend{targets: []TargetStatus{links(TargetStatus{TargetResult: drift, DriftSince: &since})}, history: driftRuns}

	errRuns := runsEveryHour("prod", 12, func(i int) report.TargetResult {
		switch {
		case i < 4:
			return report.TargetResult{Status: report.StatusError, Findings: []checks.Finding{},
				Errors: []report.ObservationError{{Source: "okta", Message: "reading Okta app `0oaprod`: 401 Invalid token provided (E0000011) " + xss}}}
		case i == 6:
			return appliedResult()
		}
		return okResult()
	})
	states["error"] = &fakeBackend{targets: []TargetStatus{links(TargetStatus{TargetResult: errRuns[0].Result})}, history: errRuns}

	awaiting := drift
	awaiting.Remediation = &report.RemediationResult{Mode: "approve", Action: report.ActionAwaiting, PlanID: "plan-7f3a", Plan: drift.Remediation.Plan}
	awaitRuns := append([]Run{{ID: "prod-now", Target: "prod", Trigger: "schedule", Started: drift.ObservedAt, Result: awaiting}}, driftRuns[1:]...)
	approved := appliedResult()
	approved.Name, approved.ObservedAt = "staging", pageNow.Add(-20*time.Minute)
	approved.Remediation.Mode, approved.Remediation.PlanID = "approve", "plan-51c0"
	approved.Remediation.ApprovedBy, approved.Remediation.ApproverName = "U012APPROVER", "Amy McGee"
	stagingRuns := append([]Run{{ID: "staging-now", Target: "staging", Trigger: "approval", Started: approved.ObservedAt, Result: approved}},
		runsEveryHour("staging", 3, func(int) report.TargetResult {
			return report.TargetResult{Status: report.StatusDrift, Findings: []checks.Finding{corsFinding()}}
		})...)
	states["approve"] = &fakeBackend{targets: []TargetStatus{links(TargetStatus{TargetResult: awaiting, DriftSince: &since}),
		{TargetResult: approved, WandbURL: "https://staging.wandb.test/system-admin"}}, history: append(awaitRuns, stagingRuns...)}
	return states
}

// newPageServer serves b's API with the status page on and its clock at
// pageNow.
func newPageServer(t *testing.T, b *fakeBackend) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(b, NewMetrics(), Options{UI: func() bool { return true }, Now: func() time.Time { return pageNow }}))
	t.Cleanup(srv.Close)
	return srv
}
