package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// TestInitToReconcileThroughTheRealOktaProvider is issue 23's whole path on
// a console-made app (made through the simulator's admin path, not by
// Terraform): init -> validate -> check in sync -> terraform plan of the
// written module with the real okta provider shows imports only -> an admin
// edit -> reconcile fixes it through the provider.
func TestInitToReconcileThroughTheRealOktaProvider(t *testing.T) {
	tf := fixture.Terraform(t)
	rc := fixture.Providers(t)
	w := newInitWorld(t)
	for k, v := range example.OktaProviderEnv(w.sim.URL, initToken) {
		t.Setenv(k, v)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	t.Setenv("DRIFTD_TERRAFORM", tf)
	out := filepath.Join(w.dir, "init")
	if code, o, e := w.init(t, out); code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, o, e)
	}
	cfg := filepath.Join(out, "driftd.yaml")
	if code, o, e := runCLI(t, "validate", "--config", cfg); code != 0 {
		t.Fatalf("validate: exit %d\n%s\n%s", code, o, e)
	}
	if code, o, e := runCLI(t, "check", "--config", cfg); code != 0 {
		t.Fatalf("check: exit %d\n%s\n%s", code, o, e)
	}
	if got, want := planImportsOnly(t, tf, filepath.Join(out, "terraform")), []string{"okta_app_group_assignments.wandb", "okta_app_oauth.wandb", "okta_trusted_origin.wandb"}; !slices.Equal(got, want) {
		t.Fatalf("the plan imports %v, want every object init read: %v", got, want)
	}

	// An admin edits the sign-in redirect URI in the console.
	if err := w.sim.AdminEdit("0oainit", func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://wandb.acme.test/oidc/callbak"}
	}); err != nil {
		t.Fatal(err)
	}
	if code, o, _ := runCLI(t, "check", "--config", cfg); code != 2 || !strings.Contains(o, "okta.redirect_uris") {
		t.Fatalf("check after the edit: exit %d, want 2 naming okta.redirect_uris\n%s", code, o)
	}
	// Apply mode, with the okta provider's credential handed to Terraform
	// as the written config's comment says (here the simulator's).
	body := strings.Replace(readFile(t, cfg), "mode: alert", "mode: apply", 1)
	body = strings.Replace(body, "        # env: {", "        env: {OKTA_HTTP_PROXY: \"${OKTA_HTTP_PROXY}\", ", 1)
	body = strings.Replace(body, "${OKTA_TF_API_TOKEN}", "${OKTA_API_TOKEN}", 1)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, o, e := runCLI(t, "reconcile", "--config", cfg); code != 0 {
		t.Fatalf("reconcile: exit %d, want 0 (fixed)\n%s\n%s", code, o, e)
	}
	app, _ := w.sim.GetApp("0oainit")
	if got := app.Settings.OAuthClient.RedirectURIs; !slices.Equal(got, []string{"https://wandb.acme.test/oidc/callback"}) {
		t.Fatalf("the provider did not restore the redirect URI: %v", got)
	}

	// An admin switches only the issuer mode: okta.issuer_mode is fixable
	// through the module's issuer_mode variable (contract section 11).
	if err := w.sim.AdminEdit("0oainit", func(a *oktasim.App) { a.Settings.OAuthClient.IssuerMode = "CUSTOM_URL" }); err != nil {
		t.Fatal(err)
	}
	if code, o, e := runCLI(t, "reconcile", "--config", cfg); code != 0 {
		t.Fatalf("reconcile of the issuer mode: exit %d, want 0 (fixed)\n%s\n%s", code, o, e)
	}
	if app, _ := w.sim.GetApp("0oainit"); app.Settings.OAuthClient.IssuerMode != "ORG_URL" {
		t.Fatalf("the provider did not restore the issuer mode: %s", app.Settings.OAuthClient.IssuerMode)
	}
}

// planImportsOnly runs terraform init and plan in dir and fails unless
// every resource change is an import with no other action; it returns the
// imported addresses, sorted.
func planImportsOnly(t *testing.T, bin, dir string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	tf, err := tfexec.NewTerraform(dir, bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.Init(ctx); err != nil {
		t.Fatalf("terraform init of the written module: %v", err)
	}
	_, err = tf.Plan(ctx, tfexec.Out("plan.out"))
	if err != nil {
		t.Fatalf("terraform plan of the written module: %v", err)
	}
	plan, err := tf.ShowPlanFile(ctx, filepath.Join(dir, "plan.out"))
	if err != nil {
		t.Fatal(err)
	}
	var imports []string
	for _, rc := range plan.ResourceChanges {
		if rc.Change.Importing != nil {
			imports = append(imports, rc.Address)
		}
		if !rc.Change.Actions.NoOp() {
			js, _ := json.MarshalIndent(rc.Change, "", "  ")
			t.Errorf("the plan would %v %s, want an import with no change:\n%s", rc.Change.Actions, rc.Address, js)
		}
	}
	if len(imports) == 0 {
		t.Fatalf("the plan imports nothing (%d resource changes)", len(plan.ResourceChanges))
	}
	_ = os.Remove(filepath.Join(dir, "plan.out"))
	slices.Sort(imports)
	return imports
}

// TestInitOfACustomIssuerImportsEveryObjectThroughTheRealOktaProvider: with
// a custom authorization server as issuer, init reads the app, its group
// assignments, the trusted origin and the access policy rule that lets the
// client sign in; the real okta provider's plan of the written module must
// import each of them and change none (contract section 12).
func TestInitOfACustomIssuerImportsEveryObjectThroughTheRealOktaProvider(t *testing.T) {
	tf := fixture.Terraform(t)
	rc := fixture.Providers(t)
	w := newInitWorld(t)
	w.sim.AddAuthorizationServer("aus1")
	w.writeEnv(t, map[string]string{
		"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL + "/oauth2/aus1",
		"GORILLA_CORS_ORIGINS": w.wandbURL + ", null",
	})
	for k, v := range example.OktaProviderEnv(w.sim.URL, initToken) {
		t.Setenv(k, v)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	out := filepath.Join(w.dir, "init")
	if code, o, e := w.init(t, out); code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, o, e)
	}
	got := planImportsOnly(t, tf, filepath.Join(out, "terraform"))
	want := []string{"okta_app_group_assignments.wandb", "okta_app_oauth.wandb", "okta_auth_server_policy_rule.wandb", "okta_trusted_origin.wandb"}
	if !slices.Equal(got, want) {
		t.Fatalf("the plan imports %v, want every object init read: %v", got, want)
	}
}

// TestInitOfAWildcardAppImportsWithoutAChange: a console-made app with a
// SUBDOMAIN wildcard redirect (as okta-vcr 6.12.0
// TestAccResourceOktaAppOauth_redirect_uris holds one) and a DYNAMIC issuer
// mode: the real okta provider's plan of what init
// writes still imports and changes nothing, and the check is in sync.
func TestInitOfAWildcardAppImportsWithoutAChange(t *testing.T) {
	tf := fixture.Terraform(t)
	rc := fixture.Providers(t)
	w := newInitWorld(t)
	if err := w.sim.AdminEdit("0oainit", func(a *oktasim.App) {
		a.Settings.OAuthClient.WildcardRedirect = "SUBDOMAIN"
		a.Settings.OAuthClient.RedirectURIs = []string{"https://*.acme.test/oidc/callback"}
		a.Settings.OAuthClient.IssuerMode = "DYNAMIC"
	}); err != nil {
		t.Fatal(err)
	}
	for k, v := range example.OktaProviderEnv(w.sim.URL, initToken) {
		t.Setenv(k, v)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	out := filepath.Join(w.dir, "init")
	if code, o, e := w.init(t, out); code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, o, e)
	}
	if code, o, e := runCLI(t, "check", "--config", filepath.Join(out, "driftd.yaml")); code != 0 {
		t.Fatalf("check: exit %d\n%s\n%s", code, o, e)
	}
	planImportsOnly(t, tf, filepath.Join(out, "terraform"))
}
