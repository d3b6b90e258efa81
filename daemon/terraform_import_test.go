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

// consoleApp is what an admin made in the console, before Terraform: the
// W&B app, its assignment to a group and the W&B origin as a trusted
// origin; and the cluster W&B runs in.
type consoleApp struct {
	*fixture.Fixture
	kube                        *kubetest.Server
	kubeconfig, group, originID string
}

const consoleAppID, consoleWandbURL = "0oa1console0000000001", "https://wandb.acme.com"

func newConsoleApp(t *testing.T) *consoleApp {
	t.Helper()
	c := &consoleApp{kube: kubetest.Start(t), Fixture: fixture.New(t)}
	c.kube.WandbApp(t)
	c.kubeconfig = kubetest.WriteKubeconfig(t, c.kube.Config)
	c.Sim.PutApp(oktasim.NewWandbApp(consoleAppID, consoleAppID, consoleWandbURL, false))
	g, err := c.Sim.AddGroup("W&B Users", "People who sign in to W&B")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sim.AssignGroup(consoleAppID, g.ID, 0); err != nil {
		t.Fatal(err)
	}
	origin, err := c.Sim.AddTrustedOrigin("wandb.acme.com", consoleWandbURL, "CORS", "REDIRECT")
	if err != nil {
		t.Fatal(err)
	}
	c.group, c.originID = g.ID, origin.ID
	return c
}

// importAsTheReadmeSays copies deploy/terraform into dir with the README's
// imports.tf and terraform.tfvars (the simulator's ids in place of the
// README's), then runs init, plan, apply and plan as the README's steps 1
// and 2 do, with the real providers. Terraform's environment is also set
// for driftd's own runs.
func (c *consoleApp) importAsTheReadmeSays(t *testing.T, dir string) {
	t.Helper()
	bin, providers := fixture.Terraform(t), fixture.Providers(t)
	if err := example.Copy(dir, true); err != nil {
		t.Fatal(err)
	}
	ids := strings.NewReplacer("tos1console0000000001", c.originID, "00g1console0000000001", c.group, "https://acme.okta.com", c.Sim.URL)
	for _, name := range []string{"imports.tf", "terraform.tfvars"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(ids.Replace(readmeBlock(t, name))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := example.OktaProviderEnv(c.Sim.URL, fixture.OktaToken)
	env["TF_CLI_CONFIG_FILE"], env["KUBE_CONFIG_PATH"], env["DRIFTD_TERRAFORM"] = providers, c.kubeconfig, bin
	for k, v := range env {
		t.Setenv(k, v)
	}
	tf := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), fixture.TerraformTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
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
	if out := tf("plan", "-input=false", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Fatalf("the plan after the import is not clean:\n%s", out)
	}
}

// TestAConsoleMadeAppImportedIntoTerraformPlansCleanAndIsFixedOnApproval
// follows the README: an app, its group assignment and its trusted origin
// made in the console are imported into deploy/terraform with the README's
// imports.tf and terraform.tfvars; the plan imports them and changes
// nothing else, the apply is followed by a clean plan, and driftd in
// approve mode, with the README's remediation block, fixes a broken
// redirect URI once the plan is approved. Real okta provider against the
// simulator, real kubernetes provider against a kube-apiserver.
func TestAConsoleMadeAppImportedIntoTerraformPlansCleanAndIsFixedOnApproval(t *testing.T) {
	c := newConsoleApp(t)
	dir := filepath.Join(c.Dir, "tf")
	c.importAsTheReadmeSays(t, dir)
	if app, _ := c.Sim.GetApp(consoleAppID); app.Credentials.OAuthClient.ClientID != consoleAppID {
		t.Fatalf("the imported app's client id changed: %+v", app.Credentials.OAuthClient)
	}
	// The README's block, with this workspace and the simulator's
	// credentials for Terraform in place of the README's.
	remediation := strings.Replace(readmeBlock(t, "remediation"), "/srv/wandb-sso", dir, 1)
	env := regexp.MustCompile(`(?m)^(\s*env: ).*$`)
	remediation = env.ReplaceAllStringFunc(remediation, func(line string) string {
		return env.FindStringSubmatch(line)[1] + example.TerraformEnvYAML(example.ProviderEnvNames)
	})
	slack := slacksim.Start(slackToken)
	t.Cleanup(slack.Close)
	c.WriteConfig(fmt.Sprintf(`state_dir: ./state
okta:
  org_url: %[1]s
  api_token: ${DRIFTD_TEST_OKTA_TOKEN}
slack: {bot_token: %[7]s, channel: "#sso", api_url: %[8]s, signing_secret: %[9]s, approvers: [UALICE]}
targets:
  - name: prod
    wandb:
      url: %[2]s
      env: {source: kubernetes, kubeconfig: %[3]s, namespace: %[4]s, deployment: %[5]s}
    okta: {app_id: %[6]s, groups: ["W&B Users"]}
    oidc: {client_id: %[6]s, issuer: %[1]s}
%[10]s`, c.Sim.URL, consoleWandbURL, c.kubeconfig, kubetest.WandbNamespace, kubetest.WandbDeployment, consoleAppID,
		slackToken, slack.APIURL(), signingSecret, remediation))
	tfx := &tfFixture{Fixture: c.Fixture, kube: c.kube, work: dir, appID: consoleAppID, clientID: consoleAppID}
	if res, _ := tfx.reconcile(); res.Status != report.StatusOK {
		t.Fatalf("after the import, driftd finds %s: %+v", res.Status, res.Findings)
	}
	tfx.breakRedirect()
	res, r := tfx.reconcile()
	if res.Remediation == nil || res.Remediation.Action != report.ActionAwaiting {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	after, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil)
	if err != nil || after.Remediation.Action != report.ActionApplied || after.Remediation.Verification != "fixed" {
		t.Fatalf("approve: %+v, %v", after.Remediation, err)
	}
	if got := tfx.redirectURIs(); len(got) != 1 || got[0] != consoleWandbURL+"/oidc/callback" {
		t.Errorf("redirect URIs after the approved fix: %v", got)
	}
	tfx.planIsClean("after the approved fix")
}
