package daemon

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/kubetest"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// readmeBlock is the README's fenced block whose first line is the comment
// "# name": the files of "Bringing a console-made app under Terraform".
func readmeBlock(t *testing.T, name string) string {
	t.Helper()
	readme := fixture.ReadFile(t, "../README.md")
	m := regexp.MustCompile("(?s)```(?:hcl|yaml)\n(# " + regexp.QuoteMeta(name) + "[^\n]*\n.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatalf("the README has no block starting with # %s", name)
	}
	return m[1]
}

// TestAConsoleMadeAppImportedIntoTerraformPlansCleanAndIsFixedOnApproval
// follows the README: an app, its group assignment and its trusted origin
// made in the console are imported into deploy/terraform with the README's
// imports.tf and terraform.tfvars (their ids replaced by the simulator's);
// the plan imports them and changes nothing, the apply is followed by a
// clean plan, and driftd in approve mode fixes a broken redirect URI once
// the plan is approved. Real okta provider against the simulator, real
// kubernetes provider against a kube-apiserver.
func TestAConsoleMadeAppImportedIntoTerraformPlansCleanAndIsFixedOnApproval(t *testing.T) {
	const appID, wandbURL = "0oa1console0000000001", "https://wandb.acme.com"
	bin, providers := fixture.Terraform(t), fixture.Providers(t)
	kube := kubetest.Start(t)
	kube.WandbApp(t)
	kubeconfig := kubetest.WriteKubeconfig(t, kube.Config)
	f := fixture.New(t)
	f.Sim.PutApp(oktasim.NewWandbApp(appID, appID, wandbURL, false))
	g, err := f.Sim.AddGroup("W&B Users", "People who sign in to W&B")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sim.AssignGroup(appID, g.ID, 0); err != nil {
		t.Fatal(err)
	}
	origin, err := f.Sim.AddTrustedOrigin("wandb.acme.com", wandbURL, "CORS", "REDIRECT")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(f.Dir, "tf")
	if err := example.Copy(dir, true); err != nil {
		t.Fatal(err)
	}
	ids := strings.NewReplacer("tos1console0000000001", origin.ID, "00g1console0000000001", g.ID, "https://acme.okta.com", f.Sim.URL)
	for _, name := range []string{"imports.tf", "terraform.tfvars"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(ids.Replace(readmeBlock(t, name))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+providers, "TF_IN_AUTOMATION=1", "KUBE_CONFIG_PATH="+kubeconfig)
	for k, v := range example.OktaProviderEnv(f.Sim.URL, fixture.OktaToken) {
		env = append(env, k+"="+v)
		t.Setenv(k, v) // for driftd's own Terraform runs
	}
	t.Setenv("TF_CLI_CONFIG_FILE", providers)
	t.Setenv("KUBE_CONFIG_PATH", kubeconfig)
	t.Setenv("DRIFTD_TERRAFORM", bin)
	tf := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), fixture.TerraformTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tf("init", "-input=false", "-no-color")
	if out := tf("plan", "-input=false", "-no-color"); !strings.Contains(out, "Plan: 3 to import, 1 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the first plan should import the app, its assignments and its origin and add only the ConfigMap:\n%s", out)
	}
	tf("apply", "-input=false", "-no-color", "-auto-approve")
	if out := tf("plan", "-input=false", "-no-color", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Fatalf("the plan after the import is not clean:\n%s", out)
	}
	if app, _ := f.Sim.GetApp(appID); app.Credentials.OAuthClient.ClientID != appID {
		t.Fatalf("the imported app's client id changed: %+v", app.Credentials.OAuthClient)
	}

	// driftd in approve mode, with the README's remediation block.
	remediation := strings.Replace(readmeBlock(t, "remediation"), "/srv/wandb-sso", dir, 1)
	f.WriteConfig(fmt.Sprintf(`state_dir: ./state
okta:
  org_url: %s
  api_token: ${DRIFTD_TEST_OKTA_TOKEN}
targets:
  - name: prod
    wandb:
      url: %s
      env: {source: kubernetes, kubeconfig: %s, namespace: %s, deployment: %s}
    okta: {app_id: %s}
    oidc: {client_id: %s, issuer: %s}
%s`, f.Sim.URL, wandbURL, kubeconfig, kubetest.WandbNamespace, kubetest.WandbDeployment, appID, appID, f.Sim.URL, remediation))
	slack := slacksim.Start(slackToken)
	t.Cleanup(slack.Close)
	f.WriteConfig(fixture.ReadFile(t, f.Cfg) + fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n  signing_secret: %s\n  approvers: [UALICE]\n", slackToken, slack.APIURL(), signingSecret))
	tfx := &tfFixture{Fixture: f, kube: kube, work: dir, appID: appID, clientID: appID}
	if res, _ := tfx.reconcile(); res.Status != report.StatusOK {
		t.Fatalf("after the import, driftd finds %s: %+v", res.Status, res.Findings)
	}
	tfx.breakRedirect()
	res, r := tfx.reconcile()
	if res.Remediation == nil || res.Remediation.Action != report.ActionAwaiting {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	after, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, "alice", nil)
	if err != nil || after.Remediation.Action != report.ActionApplied || after.Remediation.Verification != "fixed" {
		t.Fatalf("approve: %+v, %v", after.Remediation, err)
	}
	if got := tfx.redirectURIs(); len(got) != 1 || got[0] != wandbURL+"/oidc/callback" {
		t.Errorf("redirect URIs after the approved fix: %v", got)
	}
}
