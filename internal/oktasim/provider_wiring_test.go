package oktasim_test

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// wiringConfig is the W&B wiring of deploy/terraform/main.tf for the okta
// provider alone, with the two data sources a module uses to find what an
// admin made: the group and the custom authorization server.
const wiringConfig = `
terraform {
  required_providers {
    okta = { source = "okta/okta", version = "6.12.0" }
  }
}
provider "okta" {}

variable "label" { type = string }
variable "wandb_url" { type = string }
variable "rule_priority" { type = number }
variable "origin_scopes" { type = list(string) }

data "okta_group" "users" { name = "W&B Users" }
data "okta_auth_server" "wandb" { name = "wandb" }

resource "okta_app_oauth" "wandb" {
  label                      = var.label
  type                       = "browser"
  status                     = "ACTIVE"
  grant_types                = ["authorization_code", "implicit"]
  response_types             = ["code", "id_token", "token"]
  redirect_uris              = ["${var.wandb_url}/oidc/callback"]
  post_logout_redirect_uris  = ["${var.wandb_url}/logout"]
  token_endpoint_auth_method = "none"
  pkce_required              = true
  issuer_mode                = "ORG_URL"
  consent_method             = "TRUSTED"
}

resource "okta_app_group_assignments" "wandb" {
  app_id = okta_app_oauth.wandb.id
  group {
    id = data.okta_group.users.id
  }
}

resource "okta_trusted_origin" "wandb" {
  name   = "Weights & Biases"
  origin = var.wandb_url
  scopes = var.origin_scopes
}

resource "okta_auth_server_policy_rule" "wandb" {
  auth_server_id       = data.okta_auth_server.wandb.id
  policy_id            = "POLICY"
  name                 = "W&B"
  priority             = var.rule_priority
  grant_type_whitelist = ["authorization_code", "implicit"]
  scope_whitelist      = ["openid", "profile", "email"]
  group_whitelist      = [data.okta_group.users.id]
}
`

// TestTheRealOktaProviderRunsTheWiringsWholeLifeOnTheSimulator creates,
// re-plans, updates, imports and destroys every object deploy/terraform
// declares with the real okta provider against the simulator: the
// simulator must answer every request the provider sends as Okta does, or
// a step fails or a second plan is not clean.
func TestTheRealOktaProviderRunsTheWiringsWholeLifeOnTheSimulator(t *testing.T) {
	sim, err := oktasim.Start(oktasim.Options{RateLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	p := newRealProvider(t, sim)
	group, err := sim.AddGroup("W&B Users", "People who sign in to W&B")
	if err != nil {
		t.Fatal(err)
	}
	sim.AddAuthorizationServer("wandb")
	policies, _ := sim.Policies("wandb")
	p.write(withPolicy(wiringConfig, policies[0].ID))
	p.run([]int{0}, "init", "-input=false", "-no-color")

	v1 := []string{"-var=label=Weights & Biases", "-var=wandb_url=https://wandb.example.com", "-var=rule_priority=1", `-var=origin_scopes=["CORS","REDIRECT"]`}
	p.apply(v1...)
	st := p.state()
	appID, _ := st["okta_app_oauth.wandb"]["id"].(string)
	app, ok := sim.GetApp(appID)
	if !ok || app.Label != "Weights & Biases" || app.Settings.OAuthClient.RedirectURIs[0] != "https://wandb.example.com/oidc/callback" {
		t.Fatalf("created app %s: %+v %v", appID, app, ok)
	}
	if got := sim.AssignedGroups(appID); !slices.Equal(got, []string{group.ID}) {
		t.Fatalf("assigned groups %v, want [%s]", got, group.ID)
	}
	if origins := sim.TrustedOrigins(); len(origins) != 1 || origins[0].Origin != "https://wandb.example.com" {
		t.Fatalf("trusted origins %+v", origins)
	}
	if _, rules := sim.Policies("wandb"); !hasRule(rules[policies[0].ID], "W&B") {
		t.Fatalf("no rule W&B in %+v", rules)
	}
	p.planIsClean("after create", v1...)

	v2 := []string{"-var=label=W&B", "-var=wandb_url=https://wandb2.example.com", "-var=rule_priority=2", `-var=origin_scopes=["CORS"]`}
	p.apply(v2...)
	if app, _ := sim.GetApp(appID); app.Label != "W&B" || app.Settings.OAuthClient.RedirectURIs[0] != "https://wandb2.example.com/oidc/callback" {
		t.Fatalf("updated app: %+v", app)
	}
	if origins := sim.TrustedOrigins(); len(origins) != 1 || origins[0].Origin != "https://wandb2.example.com" || len(origins[0].Scopes) != 1 {
		t.Fatalf("updated trusted origins %+v", origins)
	}
	p.planIsClean("after update", v2...)

	p.run([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color", v2[0], v2[1], v2[2], v2[3])
	if _, ok := sim.GetApp(appID); ok {
		t.Error("the app outlived terraform destroy")
	}
	if origins := sim.TrustedOrigins(); len(origins) != 0 {
		t.Errorf("trusted origins outlived terraform destroy: %+v", origins)
	}
	if _, rules := sim.Policies("wandb"); hasRule(rules[policies[0].ID], "W&B") {
		t.Error("the rule outlived terraform destroy")
	}
	logRequests(t, sim)
}

// logRequests logs what the provider asked of the simulator, by operation.
func logRequests(t *testing.T, sim *oktasim.Server) {
	t.Helper()
	byOp := map[string]int{}
	for _, r := range sim.Requests() {
		byOp[fmt.Sprintf("%s %s %d", r.Method, idPattern.ReplaceAllString(r.Path, "{id}"), r.Status)]++
	}
	ops := make([]string, 0, len(byOp))
	for op := range byOp {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		t.Logf("%4d× %s", byOp[op], op)
	}
}

var idPattern = regexp.MustCompile(`[0-9a-z]{3}[0-9a-f]{17}`)

func hasRule(rules []oktasim.Rule, name string) bool {
	for _, r := range rules {
		if r.Name == name {
			return true
		}
	}
	return false
}

// withPolicy names the authorization server's access policy in a config.
func withPolicy(config, policyID string) string {
	return strings.ReplaceAll(config, "POLICY", policyID)
}
