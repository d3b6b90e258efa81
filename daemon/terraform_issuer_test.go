package daemon

import (
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/report"
)

// Issue 11: the okta provider sends issuer_mode on every update, and the
// module pins it to ORG_URL. On an app an admin made (or switched) in the
// console with issuer_mode CUSTOM_URL, any fix would switch the tokens'
// issuer; the attributes guardrail must refuse the plan and say why.
func TestTerraformRefusesAFixThatWouldSwitchTheIssuerMode(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	app, _ := tf.Sim.GetApp(tf.appID)
	// As the console leaves it: issuer mode switched to the org's custom
	// domain, redirect URI edited.
	app.Settings.OAuthClient.IssuerMode = "CUSTOM_URL"
	app.Settings.OAuthClient.RedirectURIs = []string{"https://wandb.acme.test/callback"}
	if err := tf.Sim.LoadApp(app); err != nil {
		t.Fatal(err)
	}
	want := `attributes: the plan would change issuer_mode of okta_app_oauth.wandb from "CUSTOM_URL" to "ORG_URL"`

	res, _ := tf.reconcile()
	refused := strings.Join(res.Remediation.Refused, ";")
	if res.Status != report.StatusDrift || res.Remediation.Action != report.ActionRefused || !strings.Contains(refused, want) {
		t.Fatalf("status %s, remediation %+v", res.Status, res.Remediation)
	}
	if len(res.Remediation.Refused) != 1 {
		t.Errorf("refused for more than the issuer mode: %q", res.Remediation.Refused)
	}
	if c := res.Remediation.Plan.Changes; len(c) != 1 || !hasAttr(c[0], "redirect_uris") || !hasAttr(c[0], "issuer_mode") {
		t.Errorf("plan %+v, want one update of the redirect URIs and the issuer mode", c)
	}
	t.Run("nothing was applied", func(t *testing.T) {
		got, _ := tf.Sim.GetApp(tf.appID)
		if got.Settings.OAuthClient.IssuerMode != "CUSTOM_URL" || tf.redirectURIs()[0] != "https://wandb.acme.test/callback" {
			t.Errorf("the app changed although the plan was refused: %+v", got.Settings.OAuthClient)
		}
	})
	t.Run("reconcile exits 2 and the report names resource, attribute and both values", func(t *testing.T) {
		code, out, _ := runOnce(t, "reconcile", tf.Cfg)
		if code != 2 || !strings.Contains(out, want) || !strings.Contains(out, "remediation.terraform.attributes") {
			t.Errorf("reconcile exit %d, want 2, and the refusal in the report:\n%s", code, out)
		}
		got, _ := tf.Sim.GetApp(tf.appID)
		if got.Settings.OAuthClient.IssuerMode != "CUSTOM_URL" {
			t.Errorf("issuer mode after reconcile: %s", got.Settings.OAuthClient.IssuerMode)
		}
	})
}

func hasAttr(c report.ResourceChange, name string) bool {
	for _, a := range c.Attributes {
		if a.Name == name {
			return true
		}
	}
	return false
}
