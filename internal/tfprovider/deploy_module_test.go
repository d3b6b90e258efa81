package tfprovider

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/driftd/driftd/deploy"
)

// deployWorkspace is deploy/terraform with the given terraform.tfvars.
func deployWorkspace(t *testing.T, tfvars string) *workspace {
	t.Helper()
	files := map[string]string{"terraform.tfvars": tfvars}
	err := fs.WalkDir(deploy.Terraform, "terraform", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(deploy.Terraform, p)
		files[strings.TrimPrefix(p, "terraform/")] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return newWorkspaceFiles(t, files)
}

const baseVars = `wandb_url      = "https://wandb.example/"
oidc_client_id = "pending"
oidc_issuer    = "https://acme.okta.com"
`

// TestDeployModuleAppliesCleanlyInBothAuthMethods: deploy/terraform
// validates, applies against the Okta simulator under the real provider's
// rules, and then plans no change, in each auth method; the app is a public
// client with PKCE, response types fit its grant types, issuer_mode and
// consent_method are pinned, and the CORS origins are joined with ",".
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
			env := w.state("kubernetes_config_map.wandb_env")["data"].(map[string]any)
			if env["GORILLA_CORS_ORIGINS"] != tc.cors {
				t.Errorf("GORILLA_CORS_ORIGINS = %v, want %s", env["GORILLA_CORS_ORIGINS"], tc.cors)
			}
			for addr, rc := range w.plan() {
				if action(rc) != "no-op" {
					t.Errorf("after apply, %s plans %s", addr, action(rc))
				}
			}
		})
	}
}

// TestDeployModuleManagesAssignmentsOriginAndPolicyRuleWhenAsked: with
// groups, trusted_origin and an authorization server policy set, the module
// plans the three section-9 resources and leaves the app alone.
func TestDeployModuleManagesAssignmentsOriginAndPolicyRuleWhenAsked(t *testing.T) {
	w := deployWorkspace(t, baseVars)
	w.apply()
	w.write("terraform.tfvars", baseVars+`groups                = ["00gwandb"]
trusted_origin        = true
auth_server_id        = "ausdefault"
auth_server_policy_id = "00pwandb"
issuer_mode           = "ORG_URL"
`)
	w.must("validate", "-no-color")
	plan := w.plan()
	for addr, want := range map[string]string{
		"okta_app_oauth.wandb":                  "no-op",
		"okta_app_group_assignments.wandb[0]":   "create",
		"okta_trusted_origin.wandb[0]":          "create",
		"okta_auth_server_policy_rule.wandb[0]": "create",
		"kubernetes_config_map.wandb_env":       "no-op",
	} {
		if got := action(plan[addr]); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
	rule := plan["okta_auth_server_policy_rule.wandb[0]"].Change.After.(map[string]any)
	if fmt.Sprint(rule["grant_type_whitelist"]) != "[authorization_code implicit]" || fmt.Sprint(rule["group_whitelist"]) != "[00gwandb]" ||
		fmt.Sprint(rule["scope_whitelist"]) != "[email openid profile]" {
		t.Errorf("rule: %v", rule)
	}
	origin := plan["okta_trusted_origin.wandb[0]"].Change.After.(map[string]any)
	if origin["origin"] != "https://wandb.example" || fmt.Sprint(origin["scopes"]) != "[CORS REDIRECT]" {
		t.Errorf("trusted origin: %v", origin)
	}
}
