package daemon

import (
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
)

// TestATypoInTheClientIDIsNeverWrittenIntoWandb is the first user's report:
// with oidc.client_id one character off, apply mode wrote the typo into
// W&B's env. Okta decides the client id; remediation is refused in every
// mode, the reason naming both values, and W&B's env is left alone.
func TestATypoInTheClientIDIsNeverWrittenIntoWandb(t *testing.T) {
	for _, mode := range []string{"plan", "apply"} {
		t.Run(mode, func(t *testing.T) {
			tf := newTFFixture(t, mode, `"*"`)
			typo := tf.clientID[:len(tf.clientID)-1] + "X"
			tf.WriteConfig(strings.Replace(fixture.ReadFile(t, tf.Cfg), "client_id: "+tf.clientID, "client_id: "+typo, 1))
			before := tf.env()
			res, _ := tf.reconcile()
			rem := res.Remediation
			if res.Status != report.StatusDrift || rem == nil || rem.Action != report.ActionRefused || rem.Plan != nil {
				t.Fatalf("status %s, remediation %+v", res.Status, rem)
			}
			why := strings.Join(rem.Refused, "; ")
			if !strings.Contains(why, typo) || !strings.Contains(why, tf.clientID) || !strings.HasPrefix(why, "contradiction:") {
				t.Errorf("the refusal does not name both client ids: %s", why)
			}
			if got := tf.env()["OIDC_CLIENT_ID"]; got != before["OIDC_CLIENT_ID"] || got != tf.clientID {
				t.Errorf("W&B's OIDC_CLIENT_ID is %q after the run, was %q", got, before["OIDC_CLIENT_ID"])
			}
			code, out, _ := runOnce(t, "reconcile", tf.Cfg)
			if code != 2 || !strings.Contains(out, "refused: contradiction:") {
				t.Errorf("reconcile exit %d, want 2 with the refusal:\n%s", code, out)
			}
		})
	}
}

// TestAnAppIDOktaDoesNotKnowRefusesRemediation: an app id that does not
// exist leaves nothing a client id can be checked against.
func TestAnAppIDOktaDoesNotKnowRefusesRemediation(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	const missing = "0oanosuchapp000000x7"
	tf.WriteConfig(strings.Replace(fixture.ReadFile(t, tf.Cfg), "app_id: "+tf.appID, "app_id: "+missing, 1))
	res, _ := tf.reconcile()
	rem := res.Remediation
	if res.Status != report.StatusError || rem == nil || rem.Action != report.ActionRefused {
		t.Fatalf("status %s, remediation %+v", res.Status, rem)
	}
	why := strings.Join(rem.Refused, "; ")
	if !strings.Contains(why, missing) || !strings.Contains(why, tf.clientID) {
		t.Errorf("the refusal does not name the app id and the client id: %s", why)
	}
}

// setWandbEnv changes W&B's env behind Terraform's back, as an operator's
// out-of-band change would.
func (tf *tfFixture) setWandbEnv(vars map[string]string) {
	tf.WriteEnv("k8s/wandb/wandb-env", vars)
}

// TestAFixOfTheCORSOriginsNeverRevertsARotatedPassword is the adversarial
// run's finding: fixing the CORS origins also reverted an out-of-band
// password rotation in the same ConfigMap (the attribute guardrail allowed
// the whole data map), and the password showed in the plan summary.
func TestAFixOfTheCORSOriginsNeverRevertsARotatedPassword(t *testing.T) {
	const rotated = "mysql://wandb:RotatedPw-555@db.acme.test:3306/wandb"
	tf := newTFFixture(t, "apply", `"*"`)
	env := tf.env()
	env["GORILLA_CORS_ORIGINS"] = "https://wandb.acme.test"
	env["MYSQL"] = rotated
	tf.setWandbEnv(env)
	res, _ := tf.reconcile()
	rem := res.Remediation
	if rem == nil || rem.Action != report.ActionRefused {
		t.Fatalf("status %s, remediation %+v", res.Status, rem)
	}
	why := strings.Join(rem.Refused, "; ")
	if !strings.Contains(why, "data[MYSQL] of kubernetes_config_map.wandb_env") {
		t.Errorf("the refusal does not name the key: %s", why)
	}
	if got := tf.env()["MYSQL"]; got != rotated {
		t.Errorf("MYSQL after the run = %q, want the rotated value kept", got)
	}
	code, out, _ := runOnce(t, "reconcile", tf.Cfg)
	var js strings.Builder
	if err := (&report.Report{Targets: []report.TargetResult{res}}).WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if code != 2 || strings.Contains(out, "RotatedPw") || strings.Contains(js.String(), "RotatedPw") {
		t.Errorf("reconcile exit %d (want 2), or the password shows:\n%s\n%s", code, out, js.String())
	}
}
