package oktasim_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// importConfig brings an app an admin made in the console under Terraform
// with an import block; the resource states what the console made (W&B's
// Okta guide: a browser app, both grants, no secret, PKCE).
const importConfig = `
terraform {
  required_providers {
    okta = { source = "okta/okta", version = "6.12.0" }
  }
}
provider "okta" {}

import {
  to = okta_app_oauth.wandb
  id = "APP_ID"
}

resource "okta_app_oauth" "wandb" {
  label                      = "Weights & Biases"
  type                       = "browser"
  grant_types                = ["authorization_code", "implicit"]
  response_types             = ["code", "id_token", "token"]
  redirect_uris              = ["https://wandb.acme.test/oidc/callback"]
  post_logout_redirect_uris  = ["https://wandb.acme.test/logout"]
  token_endpoint_auth_method = "none"
  pkce_required              = true
  hide_ios                   = true
  hide_web                   = true
}

import {
  to = okta_app_group_assignments.wandb
  id = "APP_ID"
}

resource "okta_app_group_assignments" "wandb" {
  app_id = "APP_ID"
  group {
    id       = "GROUP_ID"
    priority = 0
  }
}

import {
  to = okta_trusted_origin.wandb
  id = "ORIGIN_ID"
}

resource "okta_trusted_origin" "wandb" {
  name   = "wandb.acme.test"
  origin = "https://wandb.acme.test"
  scopes = ["CORS", "REDIRECT"]
}

import {
  to = okta_auth_server_policy_rule.wandb
  id = "AS_ID/POLICY_ID/RULE_ID"
}

resource "okta_auth_server_policy_rule" "wandb" {
  auth_server_id       = "AS_ID"
  policy_id            = "POLICY_ID"
  name                 = "W&B"
  priority             = 1
  grant_type_whitelist = ["authorization_code", "implicit"]
  scope_whitelist      = ["openid", "profile", "email"]
  group_whitelist      = ["GROUP_ID"]
}
`

// TestTheRealOktaProviderImportsTheConsoleMadeWiring: the wiring made in the
// admin console (the simulator's admin path: the app, its group assignment,
// the trusted origin, the authorization server's rule) is imported by the
// real provider with import blocks changing nothing, and plans clean after
// the import is applied.
func TestTheRealOktaProviderImportsTheConsoleMadeWiring(t *testing.T) {
	sim, err := oktasim.Start(oktasim.Options{RateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	p := newRealProvider(t, sim)
	const appID = "0oaconsolemade000001"
	sim.PutApp(oktasim.NewWandbApp(appID, "0oaconsolemadeclient", "https://wandb.acme.test", true))
	group, err := sim.SetUpSignIn(appID, "https://wandb.acme.test")
	if err != nil {
		t.Fatal(err)
	}
	origins := sim.TrustedOrigins()
	sim.AddAuthorizationServer("auswandb000000000001")
	policies, _ := sim.Policies("auswandb000000000001")
	rule, err := sim.AddRule("auswandb000000000001", policies[0].ID, oktasim.Rule{Name: "W&B", Priority: 1,
		Conditions: oktasim.RuleConditions{
			People:     map[string]oktasim.Include{"groups": {Include: []string{group.ID}}, "users": {}},
			GrantTypes: oktasim.Include{Include: []string{"authorization_code", "implicit"}},
			Scopes:     oktasim.Include{Include: []string{"openid", "profile", "email"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	p.write(strings.NewReplacer("APP_ID", appID, "GROUP_ID", group.ID, "ORIGIN_ID", origins[0].ID,
		"AS_ID", "auswandb000000000001", "POLICY_ID", policies[0].ID, "RULE_ID", rule.ID).Replace(importConfig))
	p.run([]int{0}, "init", "-input=false", "-no-color")
	_, out := p.run([]int{0, 2}, "plan", "-input=false", "-no-color", "-out=import.tfplan")
	if !strings.Contains(out, "4 to import, 0 to add") || !strings.Contains(out, "0 to destroy") {
		t.Fatalf("the import plan does more than import:\n%s", out)
	}
	for _, res := range []string{"okta_app_oauth.wandb", "okta_app_group_assignments.wandb", "okta_trusted_origin.wandb", "okta_auth_server_policy_rule.wandb"} {
		if changed := p.plannedChanges("import.tfplan", res); len(changed) > 0 {
			t.Fatalf("importing the console-made %s would change %v:\n%s", res, changed, out)
		}
	}
	p.run([]int{0}, "apply", "-input=false", "-no-color", "import.tfplan")
	if got := p.state()["okta_app_oauth.wandb"]["client_id"]; got != "0oaconsolemadeclient" {
		t.Fatalf("imported client_id %v", got)
	}
	p.planIsClean("after the import")
	before := len(sim.Events())
	p.planIsClean("again")
	if len(sim.Events()) != before {
		t.Error("a plan wrote to Okta")
	}
	logRequests(t, sim)
}

// providerOnly are okta_app_oauth attributes with a schema default that
// the provider never reads back from Okta (okta/terraform-provider-okta
// v6.12.0 okta/services/idaas/resource_okta_app_oauth.go: omit_secret and
// skip_authentication_policy are the provider's own switches;
// refresh_token_rotation "STATIC" and refresh_token_leeway 0 are read only
// from an app with a refresh token, which a browser app without the
// refresh_token grant has not). An import plans them from null to their
// default whatever Okta answers, so they are not changes to the app.
var providerOnly = map[string]bool{"omit_secret": true, "skip_authentication_policy": true,
	"refresh_token_rotation": true, "refresh_token_leeway": true}

// plannedChanges lists the attributes a saved plan changes on a resource,
// leaving out providerOnly.
func (p *realProvider) plannedChanges(planFile, address string) []string {
	p.t.Helper()
	_, out := p.run([]int{0}, "show", "-json", "-no-color", planFile)
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		p.t.Fatalf("terraform show -json %s: %v", planFile, err)
	}
	var changed []string
	for _, rc := range plan.ResourceChanges {
		if rc.Address != address {
			continue
		}
		for k, after := range rc.Change.After {
			if !providerOnly[k] && !reflect.DeepEqual(rc.Change.Before[k], after) {
				changed = append(changed, k)
			}
		}
		if a := rc.Change.Actions; len(a) != 1 || a[0] != "update" && a[0] != "no-op" {
			changed = append(changed, "actions "+strings.Join(a, ","))
		}
	}
	sort.Strings(changed)
	return changed
}
