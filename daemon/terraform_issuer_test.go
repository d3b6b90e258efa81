package daemon

import (
	"slices"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// The okta provider sends issuer_mode on every update, and driftd passes
// the module's issuer_mode variable the mode the desired issuer needs
// (okta.issuer_mode, contract section 11). An app whose mode puts another
// host in the tokens' iss is drift that the fix corrects; an app whose mode
// already yields the issuer (DYNAMIC) keeps it, so a fix of something else
// never switches the tokens' issuer.
func TestTerraformSetsTheIssuerModeTheIssuerNeeds(t *testing.T) {
	cases := []struct {
		name, mode, after string
		issuerFinding     bool
	}{
		{"a CUSTOM_URL app under the org URL issuer is switched to ORG_URL", "CUSTOM_URL", "ORG_URL", true},
		{"a DYNAMIC app keeps DYNAMIC while its redirect URI is fixed", "DYNAMIC", "DYNAMIC", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tf := newTFFixture(t, "apply", `"*"`)
			app, _ := tf.Sim.GetApp(tf.appID)
			// As the console leaves it: issuer mode switched, redirect URI edited.
			app.Settings.OAuthClient.IssuerMode = tc.mode
			app.Settings.OAuthClient.RedirectURIs = []string{"https://wandb.acme.test/callback"}
			if err := tf.Sim.LoadApp(app); err != nil {
				t.Fatal(err)
			}
			res, _ := tf.reconcile()
			if res.Status != report.StatusOK || res.Remediation.Action != report.ActionApplied {
				t.Fatalf("status %s, remediation %+v", res.Status, res.Remediation)
			}
			found := slices.ContainsFunc(res.Remediation.Before, func(f checks.Finding) bool {
				return f.Check == checks.IDIssuerMode && f.Fixable && f.Severity == checks.SeverityError
			})
			if found != tc.issuerFinding {
				t.Errorf("fixable okta.issuer_mode finding before the fix: %v, want %v (%+v)", found, tc.issuerFinding, res.Remediation.Before)
			}
			got, _ := tf.Sim.GetApp(tf.appID)
			if got.Settings.OAuthClient.IssuerMode != tc.after || tf.redirectURIs()[0] != "https://wandb.acme.test/oidc/callback" {
				t.Errorf("after the fix: issuer mode %s, redirect URIs %v", got.Settings.OAuthClient.IssuerMode, tf.redirectURIs())
			}
		})
	}
}
