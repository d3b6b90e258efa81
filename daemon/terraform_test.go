package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/kubetest"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// tfFixture is the example root module from deploy/terraform, applied with
// the real okta provider against the Okta simulator and the real kubernetes
// provider against a real kube-apiserver, with a driftd config that reads
// W&B's env from the Deployment the module's ConfigMap feeds.
type tfFixture struct {
	*fixture.Fixture
	kube                          *kubetest.Server
	work, envSrc, appID, clientID string
}

func newTFFixture(t testing.TB, mode string, allow string) *tfFixture {
	t.Helper()
	return newTFFixtureAt(t, mode, allow, "")
}

// newTFFixtureAt is newTFFixture with W&B's issuer at the custom
// authorization server asID (made ACTIVE with Okta's starting policy and
// rule), or at the org's when asID is empty. The module owns the trusted
// origin and may own a policy rule: the target maps trusted_origin,
// auth_server_id and auth_server_policy_id (contract section 9).
func newTFFixtureAt(t testing.TB, mode, allow, asID string) *tfFixture {
	t.Helper()
	bin := fixture.Terraform(t)
	providers := fixture.Providers(t)
	kube := kubetest.Start(t)
	kube.WandbApp(t)
	kubeconfig := kubetest.WriteKubeconfig(t, kube.Config)
	f := fixture.New(t)
	t.Setenv("DRIFTD_TERRAFORM", bin)
	issuer := f.Sim.URL
	if asID != "" {
		f.Sim.AddAuthorizationServer(asID)
		issuer += "/oauth2/" + asID
	}
	ctx, cancel := context.WithTimeout(context.Background(), fixture.TerraformTimeout)
	defer cancel()
	ws, err := example.Apply(ctx, example.Options{
		Dir: f.Dir, Terraform: bin, CLIConfig: providers, OktaURL: f.Sim.URL, OktaToken: fixture.OktaToken, Kubeconfig: kubeconfig,
		WandbURL: "https://wandb.acme.test", OtherEnv: map[string]string{"BUCKET": "s3://keep-me"}, Setenv: t.Setenv,
		Issuer: issuer, TrustedOrigin: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The admin's part of W&B's guide that the example module leaves out:
	// the group assignment. The trusted origin is the module's, so
	// SetUpSignIn finds it and does not add a second one (Okta refuses a
	// duplicate origin).
	if _, err := f.Sim.SetUpSignIn(ws.AppID, "https://wandb.acme.test"); err != nil {
		t.Fatal(err)
	}
	tf := &tfFixture{Fixture: f, kube: kube, work: ws.Dir, appID: ws.AppID, clientID: ws.ClientID,
		envSrc: fmt.Sprintf("{source: kubernetes, kubeconfig: %s, namespace: %s, deployment: %s}", kubeconfig, kubetest.WandbNamespace, kubetest.WandbDeployment)}
	f.WriteConfig(fmt.Sprintf(`state_dir: ./state
okta:
  org_url: %s
  api_token: ${DRIFTD_TEST_OKTA_TOKEN}
targets:
  - name: prod
    wandb:
      url: https://wandb.acme.test
      env: %s
    okta: {app_id: %s}
    oidc: {client_id: %s, issuer: %s}
    remediation:
      mode: %s
      terraform:
        dir: ./tf
        allow: [%s]
        lock_timeout: 2s
        env: %s
        vars:
          other_wandb_env.GORILLA_CORS_ORIGINS: cors_origins
          trusted_origin: okta.trusted_origin
          auth_server_id: oidc.auth_server_id
          auth_server_policy_id: okta.auth_server_policy_id
`, f.Sim.URL, tf.envSrc, tf.appID, tf.clientID, issuer, mode, allow, example.TerraformEnvYAML(example.ProviderEnvNames)))
	if mode == config.ModeApprove {
		// Approvals arrive from Slack; the recorder stands in for it.
		sim := slacksim.Start(slackToken)
		t.Cleanup(sim.Close)
		f.WriteConfig(fixture.ReadFile(t, f.Cfg) + fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n  signing_secret: %s\n  approvers: [UALICE]\n", slackToken, sim.APIURL(), signingSecret))
	}
	return tf
}

// planIsClean runs a second `terraform plan` in the workspace, with its own
// terraform.tfvars, and fails the test unless it plans no change.
func (tf *tfFixture) planIsClean(when string) {
	tf.T.Helper()
	bin, err := source.FindTerraform()
	if err != nil {
		tf.T.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), fixture.TerraformTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode")
	cmd.Dir = tf.work
	out, err := cmd.CombinedOutput()
	if err != nil {
		tf.T.Fatalf("%s, terraform plan is not clean (%v):\n%s", when, err, out)
	}
}

func (tf *tfFixture) redirectURIs() []string {
	app, _ := tf.Sim.GetApp(tf.appID)
	return app.Settings.OAuthClient.RedirectURIs
}

func (tf *tfFixture) breakRedirect() {
	if err := tf.Sim.UpdateApp(tf.appID, func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://wandb.acme.test/callback"}
	}); err != nil {
		tf.T.Fatal(err)
	}
}

func (tf *tfFixture) env() map[string]string {
	kubeconfig := kubetest.WriteKubeconfig(tf.T, tf.kube.Config)
	r := &source.KubernetesEnv{Kubeconfig: kubeconfig, Namespace: kubetest.WandbNamespace, Deployment: kubetest.WandbDeployment}
	env, err := r.Env(context.Background())
	if err != nil {
		tf.T.Fatal(err)
	}
	return env.Vars
}

func (tf *tfFixture) reconcile() (report.TargetResult, *Runner) {
	tf.T.Helper()
	cfg, err := config.LoadConfig(tf.Cfg)
	if err != nil {
		tf.T.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := NewEngine(context.Background(), cfg, log, EngineOptions{})
	if err != nil {
		tf.T.Fatal(err)
	}
	r, err := NewRunner(context.Background(), e, log, RunnerOptions{})
	if err != nil {
		tf.T.Fatal(err)
	}
	res, err := r.Reconcile(context.Background(), &cfg.Targets[0], "test")
	if err != nil {
		tf.T.Fatal(err)
	}
	return res, r
}

func TestTerraformFixesAChangedRedirectURI(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	tf.breakRedirect()
	code, out, _ := runOnce(t, "reconcile", tf.Cfg)
	if code != 0 {
		t.Fatalf("reconcile exit %d, want 0\n%s", code, out)
	}
	for _, want := range []string{"remediation (apply): applied", "update okta_app_oauth.wandb", "verification: fixed"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if got := tf.redirectURIs(); len(got) != 1 || got[0] != "https://wandb.acme.test/oidc/callback" {
		t.Errorf("simulator redirect URIs = %v", got)
	}
	tf.planIsClean("after driftd's fix")
}

func TestTerraformRestoresNullInCORSAndKeepsOtherEnv(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	env := tf.env()
	tf.kube.SetWandbEnv(t, map[string]string{
		"OIDC_CLIENT_ID": env["OIDC_CLIENT_ID"], "OIDC_ISSUER": env["OIDC_ISSUER"], "OIDC_AUTH_METHOD": "implicit",
		"GORILLA_CORS_ORIGINS": "https://wandb.acme.test", "BUCKET": "s3://keep-me",
	})
	res, _ := tf.reconcile()
	if res.Status != report.StatusOK || res.Remediation.Verification != "fixed" {
		t.Fatalf("result = %s, remediation %+v, findings %+v", res.Status, res.Remediation, res.Findings)
	}
	got := tf.env()
	if got["GORILLA_CORS_ORIGINS"] != "https://wandb.acme.test,null" || got["BUCKET"] != "s3://keep-me" {
		t.Errorf("env after fix = %v", got)
	}
	tf.planIsClean("after driftd's fix")
}

func TestTerraformRefusesAPlanThatReplacesTheApp(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	tf.breakRedirect()
	// Okta never changes an app's type in place: the app was swapped for a
	// web app behind Terraform's back (a state real Okta can hold).
	web, _ := tf.Sim.GetApp(tf.appID)
	web.Settings.OAuthClient.ApplicationType = "web"
	web.Credentials.OAuthClient.TokenEndpointAuthMethod = "client_secret_basic"
	web.Credentials.OAuthClient.PKCERequired = false
	if err := tf.Sim.LoadApp(web); err != nil {
		t.Fatal(err)
	}
	res, _ := tf.reconcile()
	if res.Status != report.StatusDrift || res.Remediation.Action != report.ActionRefused || !strings.Contains(strings.Join(res.Remediation.Refused, ";"), "no-destroy: the plan would replace okta_app_oauth.wandb") {
		t.Fatalf("status %s, remediation %+v", res.Status, res.Remediation)
	}
	app, ok := tf.Sim.GetApp(tf.appID)
	if !ok || app.Settings.OAuthClient.ApplicationType != "web" || tf.redirectURIs()[0] != "https://wandb.acme.test/callback" {
		t.Errorf("the app changed although the plan was refused: %+v", app.Settings.OAuthClient)
	}
	code, _, _ := runOnce(t, "reconcile", tf.Cfg)
	if code != 2 {
		t.Errorf("reconcile exit %d, want 2", code)
	}
}

func TestTerraformRefusesAnAddressOutsideTheAllowList(t *testing.T) {
	tf := newTFFixture(t, "apply", `"kubernetes_config_map.*"`)
	tf.breakRedirect()
	res, _ := tf.reconcile()
	if res.Remediation.Action != report.ActionRefused || !strings.Contains(strings.Join(res.Remediation.Refused, ";"), "allow-list: okta_app_oauth.wandb is outside") {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	if tf.redirectURIs()[0] != "https://wandb.acme.test/callback" {
		t.Errorf("refused plan was applied")
	}
}

func TestTerraformPlanModeOnlyPlans(t *testing.T) {
	tf := newTFFixture(t, "plan", `"*"`)
	tf.breakRedirect()
	res, _ := tf.reconcile()
	if res.Remediation.Action != report.ActionPlanned || res.Remediation.Plan == nil || len(res.Remediation.Plan.Changes) != 1 {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	c := res.Remediation.Plan.Changes[0]
	if c.Address != "okta_app_oauth.wandb" || c.Action != "update" || len(c.Attributes) != 1 || c.Attributes[0].Name != "redirect_uris" ||
		c.Attributes[0].Before != `["https://wandb.acme.test/callback"]` || c.Attributes[0].After != `["https://wandb.acme.test/oidc/callback"]` {
		t.Errorf("plan summary = %+v", c)
	}
	if tf.redirectURIs()[0] != "https://wandb.acme.test/callback" {
		t.Errorf("plan mode changed the app")
	}
}

func TestTerraformApproveModeAppliesOnlyTheApprovedCurrentPlan(t *testing.T) {
	tf := newTFFixture(t, "approve", `"*"`)
	tf.breakRedirect()
	res, r := tf.reconcile()
	if res.Remediation.Action != report.ActionAwaiting || res.Remediation.PlanID == "" {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	if _, err := r.ApprovePlan(context.Background(), "no-such-plan", report.Approver{ID: "alice"}, nil); err == nil {
		t.Fatal("approving an unknown plan must fail")
	}
	after, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil)
	if err != nil || after.Remediation.Action != report.ActionApplied || after.Remediation.Verification != "fixed" || after.Remediation.ApprovedBy != "alice" {
		t.Fatalf("approve: %+v, %v", after.Remediation, err)
	}
	tf.planIsClean("after the approved fix")

	// A plan made before the world changed again is stale.
	tf.breakRedirect()
	res, r = tf.reconcile()
	_ = tf.Sim.UpdateApp(tf.appID, func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://other.acme.test/cb"} })
	stale, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil)
	if err != nil || stale.Remediation.Action != report.ActionRefused || !strings.HasPrefix(stale.Remediation.Refused[0], "stale:") {
		t.Fatalf("stale approve: %+v, %v", stale.Remediation, err)
	}
	if tf.redirectURIs()[0] != "https://other.acme.test/cb" {
		t.Errorf("a stale plan was applied")
	}

	// A plan not approved within PlanTTL expires.
	res, r = tf.reconcile()
	if res.Remediation.Action != report.ActionAwaiting {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	r.opts.Now = func() time.Time { return time.Now().Add(PlanTTL + time.Minute) }
	if _, err := r.ApprovePlan(context.Background(), res.Remediation.PlanID, report.Approver{ID: "alice"}, nil); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("approving an expired plan: %v", err)
	}
	if tf.redirectURIs()[0] != "https://other.acme.test/cb" {
		t.Errorf("an expired plan was applied")
	}
}

func TestTerraformHeldStateLockIsAClearErrorAndBacksOff(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	tf.breakRedirect()
	// Terraform's local backend locks the state file with fcntl; hold it.
	fd, err := os.OpenFile(filepath.Join(tf.work, "terraform.tfstate"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0}
	if err := syscall.FcntlFlock(fd.Fd(), syscall.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
	res, r := tf.reconcile()
	if res.Remediation.Action != report.ActionFailed || !strings.Contains(res.Remediation.Error, "Error acquiring the state lock") {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	cfg := r.engine.cfg
	start := time.Now()
	again, err := r.Reconcile(context.Background(), &cfg.Targets[0], "test")
	if err != nil || again.Remediation.Action != report.ActionSkipped || time.Since(start) > 2*time.Second {
		t.Fatalf("second run must back off at once, got %+v after %s", again.Remediation, time.Since(start))
	}
}

func TestMissingTerraformFailsPlanModesOnly(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	tf.breakRedirect()
	t.Setenv("DRIFTD_TERRAFORM", "")
	t.Setenv("PATH", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	res, _ := tf.reconcile()
	if res.Remediation.Action != report.ActionFailed || !strings.Contains(res.Remediation.Error, "terraform not found on PATH") {
		t.Fatalf("remediation %+v", res.Remediation)
	}
	alert := strings.Replace(fixture.ReadFile(t, tf.Cfg), "mode: apply", "mode: alert", 1)
	tf.WriteConfig(alert)
	code, out, errs := runOnce(t, "reconcile", tf.Cfg)
	if code != 2 || strings.Contains(out, "terraform not found") {
		t.Fatalf("alert mode: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestTerraformEnvSourceReadsTheStateWithoutRefreshing(t *testing.T) {
	tf := newTFFixture(t, "alert", `"*"`)
	for _, src := range []string{"{source: terraform, dir: ./tf}", "{source: terraform, dir: ./tf, address: kubernetes_config_map.wandb_env}"} {
		tf.WriteConfig(strings.Replace(fixture.ReadFile(t, tf.Cfg), tf.envSrc, src, 1))
		tf.Sim.ResetCounts()
		code, out, errs := runOnce(t, "check", tf.Cfg)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", src, code, out, errs)
		}
		// A refresh would have read the app through the provider as well:
		// only driftd's own read may reach Okta.
		if n := tf.Sim.Count("/api/v1/apps/" + tf.appID); n != 1 {
			t.Errorf("%s: %d reads of the Okta app, want 1 (terraform must not refresh)", src, n)
		}
		tf.WriteConfig(strings.Replace(fixture.ReadFile(t, tf.Cfg), src, tf.envSrc, 1))
	}
}

// runOnce does in-process what `driftd check|reconcile --config F` does and
// fails the test if a secret shows in the report or the log.
func runOnce(t testing.TB, command, cfgPath string) (code int, out, logs string) {
	t.Helper()
	cfg, err := config.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var outb, logb strings.Builder
	log := slog.New(slog.NewTextHandler(&logb, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	engine, err := NewEngine(ctx, cfg, log, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	targets, _ := cfg.Select("")
	var rep *report.Report
	if command == "reconcile" {
		runner, err := NewRunner(ctx, engine, log, RunnerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rep = runner.ReconcileAll(ctx, targets, "cli")
	} else {
		rep = engine.CheckAll(ctx, targets)
	}
	if err := rep.WriteText(&outb); err != nil {
		t.Fatal(err)
	}
	if leaks := fixture.Leaks(outb.String(), logb.String()); len(leaks) > 0 {
		t.Fatalf("a secret leaked into the report or log of %s", command)
	}
	return rep.ExitCode(), outb.String(), logb.String()
}
