package slack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
)

// hostile is what whoever can edit the Okta app could put in its label or
// URIs: a channel ping and a disguised link.
const hostile = "<!channel> & <https://evil|x>"

func hostileResult() *report.TargetResult {
	res := sampleResult()
	res.Findings[0].Actual = []string{hostile}
	res.Findings[0].Extra = []string{hostile}
	res.Findings[0].Message = "Okta app " + hostile + " is INACTIVE"
	res.Remediation = &report.RemediationResult{Mode: "plan", Action: report.ActionRefused, Reason: "guardrail " + hostile,
		Refused: []string{"attributes: the plan would change label from " + hostile},
		Error:   "terraform: " + hostile,
		Plan: &report.PlanSummary{Changes: []report.ResourceChange{{Address: "okta_app_oauth.wandb", Action: "update",
			Attributes: []report.AttributeChange{{Name: "label" + hostile, Before: `"` + hostile + `"`, After: `"W&B"`}}}}}}
	return res
}

func TestEveryMessageEscapesObservedValues(t *testing.T) {
	res := hostileResult()
	failed := hostileResult()
	failed.Remediation.Action, failed.Remediation.Failures = report.ActionFailed, 1
	prev := []checks.Finding{{Check: hostile, Field: "f", Severity: checks.SeverityError}}
	type rendered struct {
		text   string
		blocks []slack.Block
	}
	render := map[string]func() rendered{
		"an alert":  func() rendered { t, b := RenderRoot(res, sampleContext, false); return rendered{t, b} },
		"an update": func() rendered { t, b := RenderRoot(res, sampleContext, true); return rendered{t, b} },
		"a thread reply": func() rendered {
			t, b := RenderReply(notify.AlertChanged, prev, res, sampleContext)
			return rendered{t, b}
		},
		"a failure reply": func() rendered {
			t, b := RenderReply(notify.AlertRemediationFailed, nil, failed, sampleContext)
			return rendered{t, b}
		},
		"an approval reply":  func() rendered { return rendered{ApprovalText("U1", "p1", res.Remediation, nil), nil} },
		"an approval error":  func() rendered { return rendered{ApprovalText("U1", "p1", nil, errors.New(hostile)), nil} },
		"a refused approver": func() rendered { return rendered{RefusalText(hostile), nil} },
		"an approval refusal": func() rendered {
			return rendered{ApprovalText("U1", "p1", nil, &report.PlanError{Reason: hostile}), nil}
		},
	}
	for name, r := range render {
		t.Run(name+" shows no control sequence", func(t *testing.T) {
			got := r()
			data, _ := json.Marshal(got.blocks)
			all := got.text + string(data)
			for _, bad := range []string{"<!channel>", "<https://evil", "\\u003c!channel"} {
				if strings.Contains(all, bad) {
					t.Errorf("%s in %s", bad, all)
				}
			}
		})
	}
	t.Run("the escaped alert is pinned", func(t *testing.T) {
		text, blocks := RenderRoot(res, sampleContext, false)
		golden(t, "escaped", text, blocks)
	})
}

func TestTheHeaderCountsWhatIsShown(t *testing.T) {
	res := sampleResult()
	res.Findings[1].Severity = checks.SeverityWarning
	if text, _ := RenderRoot(res, sampleContext, false); text != "SSO drift on prod: 1 error, 1 warning" {
		t.Errorf("text = %q", text)
	}
}

func TestTheAdminLinkExistsOnlyWhereTheConsoleDoes(t *testing.T) {
	tests := []struct{ name, org, admin, want string }{
		{"an okta.com org links to its -admin twin", "https://acme.okta.com", "", "https://acme-admin.okta.com/admin/app/oidc_client/instance/0oa1/#tab-general"},
		{"an okta-emea.com org links to its -admin twin", "https://acme.okta-emea.com", "", "https://acme-admin.okta-emea.com/admin/app/oidc_client/instance/0oa1/#tab-general"},
		{"a custom domain without admin_url has no link", "https://sso.acme.com", "", ""},
		{"a custom domain links to admin_url", "https://sso.acme.com", "https://acme-admin.okta.com/", "https://acme-admin.okta.com/admin/app/oidc_client/instance/0oa1/#tab-general"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := OktaAdminAppURL(tc.org, tc.admin, "0oa1"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("a custom domain's alert carries no made-up host", func(t *testing.T) {
		ac := sampleContext
		ac.OktaOrgURL = "https://sso.acme.com"
		_, blocks := RenderRoot(sampleResult(), ac, false)
		data, _ := json.Marshal(blocks)
		if strings.Contains(string(data), "sso-admin") || strings.Contains(string(data), "Okta app 0oa1") {
			t.Errorf("blocks link a made-up admin host: %s", data)
		}
	})
}
