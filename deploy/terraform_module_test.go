package deploy_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/kubetest"
	"github.com/driftd/driftd/internal/oktasim"
)

const baseVars = `wandb_url      = "https://wandb.example/"
oidc_client_id = "pending"
oidc_issuer    = "https://acme.okta.com"
`

// TestDeployModuleAppliesCleanlyInBothAuthMethods: deploy/terraform
// validates, applies with the real okta provider against the Okta simulator
// and the real kubernetes provider against a real kube-apiserver, and then
// plans no change, in each auth method; the app is a public client with
// PKCE, response types fit its grant types, issuer_mode and consent_method
// are pinned, the CORS origins are joined with ",", and the W&B Deployment
// reads the ConfigMap's env.
func TestDeployModuleAppliesCleanlyInBothAuthMethods(t *testing.T) {
	for _, tc := range []struct {
		name, vars, responseTypes, cors string
	}{
		{"implicit mode grants implicit and answers id_token and token", `oidc_auth_method = "implicit"`,
			"[code id_token token]", "https://wandb.example,null"},
		{"pkce mode with the default grant types still answers id_token and token", `oidc_auth_method = "pkce"`,
			"[code id_token token]", "https://wandb.example,null"},
		{"pkce mode with authorization_code only answers code", `oidc_auth_method = "pkce"
grant_types = ["authorization_code"]`, "[code]", "https://wandb.example,null"},
		{"configured CORS origins are joined without spaces", `cors_origins = ["https://wandb.example", "null", "https://other.example"]
other_wandb_env = { GORILLA_CORS_ORIGINS = "https://old.example, null" }`, "[code id_token token]", "https://wandb.example,null,https://other.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := deployWorkspace(t, baseVars+tc.vars+"\n")
			w.must("validate", "-no-color")
			w.apply()
			app := w.state("okta_app_oauth.wandb")
			for attr, want := range map[string]string{
				"token_endpoint_auth_method": "none", "pkce_required": "true", "response_types": tc.responseTypes,
				"issuer_mode": "ORG_URL", "consent_method": "TRUSTED", "type": "browser", "status": "ACTIVE",
			} {
				if got := fmt.Sprint(app[attr]); got != want {
					t.Errorf("%s = %s, want %s", attr, got, want)
				}
			}
			simApp, ok := w.okta.GetApp(app["id"].(string))
			if !ok || fmt.Sprint(simApp.Settings.OAuthClient.RedirectURIs) != "[https://wandb.example/oidc/callback]" {
				t.Errorf("the simulator's app: %v, %+v", ok, simApp.Settings.OAuthClient)
			}
			env, err := (&source.KubernetesEnv{Kubeconfig: w.kubeconfig, Namespace: kubetest.WandbNamespace, Deployment: kubetest.WandbDeployment}).Env(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if env.Vars["GORILLA_CORS_ORIGINS"] != tc.cors || env.Vars["OIDC_CLIENT_ID"] != "pending" {
				t.Errorf("the W&B Deployment's env: %v, want GORILLA_CORS_ORIGINS %s", env.Vars, tc.cors)
			}
			w.planIsClean("after apply")
		})
	}
}

// TestDeployModuleManagesAssignmentsOriginAndPolicyRuleWhenAsked: with
// groups, trusted_origin and an authorization server policy set, the
// module's Okta side plans the three section-9 resources and leaves the app
// alone; applied, a second plan is clean; a change made in the console is
// planned away and undone.
func TestDeployModuleManagesAssignmentsOriginAndPolicyRuleWhenAsked(t *testing.T) {
	w := oktaWorkspace(t, baseVars)
	w.apply()
	g, err := w.okta.AddGroup("wandb-users", "")
	if err != nil {
		t.Fatal(err)
	}
	w.okta.AddAuthorizationServer("ausdefault")
	pol, err := w.okta.AddPolicy("ausdefault", oktasim.Policy{Name: "W&B", Priority: 2, Conditions: oktasim.PolicyConditions{Clients: oktasim.Include{Include: []string{"ALL_CLIENTS"}}}})
	if err != nil {
		t.Fatal(err)
	}
	w.write("terraform.tfvars", baseVars+fmt.Sprintf(`groups                = [%q]
trusted_origin        = true
auth_server_id        = "ausdefault"
auth_server_policy_id = %q
`, g.ID, pol.ID))
	w.must("validate", "-no-color")
	plan := w.plan()
	for addr, want := range map[string]string{
		"okta_app_oauth.wandb":                  "no-op",
		"okta_app_group_assignments.wandb[0]":   "create",
		"okta_trusted_origin.wandb[0]":          "create",
		"okta_auth_server_policy_rule.wandb[0]": "create",
	} {
		if got := action(plan[addr]); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
	rule := plan["okta_auth_server_policy_rule.wandb[0]"].Change.After.(map[string]any)
	if fmt.Sprint(rule["grant_type_whitelist"]) != "[authorization_code implicit]" || fmt.Sprint(rule["group_whitelist"]) != fmt.Sprintf("[%s]", g.ID) ||
		fmt.Sprint(rule["scope_whitelist"]) != "[email openid profile]" {
		t.Errorf("rule: %v", rule)
	}
	w.apply()
	w.planIsClean("after apply")
	if got := fmt.Sprint(w.state("okta_trusted_origin.wandb[0]")["scopes"]); got != "[CORS REDIRECT]" {
		t.Errorf("trusted origin scopes %s", got)
	}
	t.Run("a group assigned in the console is planned away", func(t *testing.T) {
		admins, err := w.okta.AddGroup("wandb-admins", "")
		if err != nil {
			t.Fatal(err)
		}
		appID := w.state("okta_app_oauth.wandb")["id"].(string)
		if err := w.okta.AssignGroup(appID, admins.ID, 5); err != nil {
			t.Fatal(err)
		}
		if got := action(w.plan()["okta_app_group_assignments.wandb[0]"]); got != "update" {
			t.Fatalf("plan: %s, want update", got)
		}
		w.apply()
		w.planIsClean("after undoing the console's assignment")
	})
	t.Run("a deactivated trusted origin is reactivated", func(t *testing.T) {
		id := w.state("okta_trusted_origin.wandb[0]")["id"].(string)
		if err := w.okta.AdminEditTrustedOrigin(id, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		if got := action(w.plan()["okta_trusted_origin.wandb[0]"]); got != "update" {
			t.Fatalf("plan: %s, want update", got)
		}
		w.apply()
		w.planIsClean("after reactivating the origin")
	})
}

// readmeBlock is the README's fenced block whose first line is the comment
// "# name": the files of "Bringing a console-made app under Terraform".
func readmeBlock(t *testing.T, name string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)```(?:hcl|yaml)\n(# " + regexp.QuoteMeta(name) + "[^\n]*\n.*?)```").FindStringSubmatch(string(mustRead(t, "../README.md")))
	if m == nil {
		t.Fatalf("the README has no block starting with # %s", name)
	}
	return m[1]
}

// TestAConsoleMadeAppImportsIntoTheModuleWithNoChange: the README's
// imports.tf and terraform.tfvars bring an app, its group assignment and
// its trusted origin made in the console (as the simulator holds them)
// under the module's Okta side: the plan imports the three and changes
// nothing (the app's lifecycle ignores the provider's import-only
// settings), and after the apply a second plan is clean. daemon's
// TestAConsoleMadeAppImportedIntoTerraformPlansCleanAndIsFixedOnApproval
// runs the whole walk-through, the ConfigMap and driftd included.
func TestAConsoleMadeAppImportsIntoTheModuleWithNoChange(t *testing.T) {
	const appID = "0oa1console0000000001"
	w := oktaWorkspace(t, "")
	w.okta.PutApp(oktasim.NewWandbApp(appID, appID, "https://wandb.acme.com", false))
	g, err := w.okta.AddGroup("W&B Users", "People who sign in to W&B")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.okta.AssignGroup(appID, g.ID, 0); err != nil {
		t.Fatal(err)
	}
	origin, err := w.okta.AddTrustedOrigin("wandb.acme.com", "https://wandb.acme.com", "CORS", "REDIRECT")
	if err != nil {
		t.Fatal(err)
	}
	ids := strings.NewReplacer("tos1console0000000001", origin.ID, "00g1console0000000001", g.ID)
	w.write("imports.tf", ids.Replace(readmeBlock(t, "imports.tf")))
	w.write("terraform.tfvars", ids.Replace(readmeBlock(t, "terraform.tfvars")))
	plan := w.plan()
	for _, addr := range []string{"okta_app_oauth.wandb", "okta_app_group_assignments.wandb[0]", "okta_trusted_origin.wandb[0]"} {
		rc := plan[addr]
		if rc == nil || rc.Change.Importing == nil || action(rc) != "no-op" {
			t.Errorf("%s: want an import and no change, got %s: %s", addr, action(rc), changedIfAny(rc))
		}
	}
	if len(plan) != 3 {
		t.Errorf("the plan touches %d resources, want the 3 imports", len(plan))
	}
	w.apply()
	w.planIsClean("after the import")
}

func changedIfAny(rc *tfjson.ResourceChange) string {
	if rc == nil {
		return "not in the plan"
	}
	return changed(rc)
}
