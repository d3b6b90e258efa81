package tfprovider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// TestGroupAssignmentsAndTrustedOriginRoundTripThroughTheSimulator: the
// resources create, read back with no change, see a change made in the
// console as drift to undo, and converge after apply.
func TestGroupAssignmentsAndTrustedOriginRoundTripThroughTheSimulator(t *testing.T) {
	w := newWorkspace(t, "")
	app := oktasim.NewWandbApp("0oawandb", "0oawandb", "https://wandb.example", true)
	w.okta.PutApp(app)
	users, err := w.okta.AddGroup("wandb-users", "")
	if err != nil {
		t.Fatal(err)
	}
	admins, err := w.okta.AddGroup("wandb-admins", "")
	if err != nil {
		t.Fatal(err)
	}
	tf := fmt.Sprintf(`resource "okta_app_group_assignments" "g" {
  app_id = "0oawandb"
  group {
    id = %q
  }
}
resource "okta_trusted_origin" "o" {
  name   = "W&B"
  origin = "https://wandb.example"
  scopes = ["CORS", "REDIRECT"]
}
`, users.ID)
	w.write("main.tf", tf)
	w.apply()
	t.Run("the applied configuration plans no change", func(t *testing.T) {
		for addr, rc := range w.plan() {
			if action(rc) != "no-op" {
				t.Errorf("%s: %s", addr, action(rc))
			}
		}
	})
	t.Run("a group assigned in the console is planned away", func(t *testing.T) {
		if err := w.okta.AssignGroup("0oawandb", admins.ID, 5); err != nil {
			t.Fatal(err)
		}
		if got := action(w.plan()["okta_app_group_assignments.g"]); got != "update" {
			t.Fatalf("plan: %s, want update", got)
		}
		w.apply()
		if got := fmt.Sprint(w.state("okta_app_group_assignments.g")["group"]); strings.Contains(got, admins.ID) {
			t.Fatalf("groups after apply: %s", got)
		}
	})
	t.Run("a deactivated trusted origin is reactivated", func(t *testing.T) {
		id := w.state("okta_trusted_origin.o")["id"].(string)
		if err := w.okta.AdminEditTrustedOrigin(id, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		if got := action(w.plan()["okta_trusted_origin.o"]); got != "update" {
			t.Fatalf("plan: %s, want update", got)
		}
		w.apply()
		if got := w.state("okta_trusted_origin.o")["active"]; got != true {
			t.Fatalf("active after apply: %v", got)
		}
	})
}

// TestAuthServerPolicyRuleImportsAndUpdatesThroughTheSimulator: a rule an
// admin made is imported as auth_server_id/policy_id/id and brought to
// the configuration.
func TestAuthServerPolicyRuleImportsAndUpdatesThroughTheSimulator(t *testing.T) {
	w := newWorkspace(t, "")
	w.okta.AddAuthorizationServer("ausdefault")
	pol, err := w.okta.AddPolicy("ausdefault", oktasim.Policy{Name: "W&B", Priority: 2, Conditions: oktasim.PolicyConditions{Clients: oktasim.Include{Include: []string{"ALL_CLIENTS"}}}})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := w.okta.AddRule("ausdefault", pol.ID, oktasim.Rule{Name: "W&B", Priority: 1,
		Conditions: oktasim.RuleConditions{GrantTypes: oktasim.Include{Include: []string{"authorization_code"}}, Scopes: oktasim.Include{Include: []string{"openid"}}}})
	if err != nil {
		t.Fatal(err)
	}
	w.write("main.tf", strings.NewReplacer(`"aus1"`, `"ausdefault"`, `"pol1"`, fmt.Sprintf("%q", pol.ID)).Replace(fmt.Sprintf(ruleTF, `group_whitelist = ["EVERYONE"]`)))
	w.must("import", "-input=false", "-no-color", "okta_auth_server_policy_rule.r", "ausdefault/"+pol.ID+"/"+rule.ID)
	if got := action(w.plan()["okta_auth_server_policy_rule.r"]); got != "update" {
		t.Fatalf("plan: %s, want update (implicit added)", got)
	}
	w.apply()
	if got := fmt.Sprint(w.state("okta_auth_server_policy_rule.r")["grant_type_whitelist"]); got != "[authorization_code implicit]" {
		t.Fatalf("grant types after apply: %s", got)
	}
	for addr, rc := range w.plan() {
		if action(rc) != "no-op" {
			t.Errorf("after apply, %s plans %s", addr, action(rc))
		}
	}
}

// TestDeployModuleAppliesAssignmentsAndTrustedOriginCleanly: with groups
// and trusted_origin set, deploy/terraform applies against the simulator
// and then plans no change.
func TestDeployModuleAppliesAssignmentsAndTrustedOriginCleanly(t *testing.T) {
	w := deployWorkspace(t, baseVars)
	g, err := w.okta.AddGroup("wandb-users", "")
	if err != nil {
		t.Fatal(err)
	}
	w.write("terraform.tfvars", baseVars+fmt.Sprintf("groups = [%q]\ntrusted_origin = true\n", g.ID))
	w.apply()
	for addr, rc := range w.plan() {
		if action(rc) != "no-op" {
			t.Errorf("after apply, %s plans %s", addr, action(rc))
		}
	}
	if got := fmt.Sprint(w.state("okta_trusted_origin.wandb[0]")["scopes"]); got != "[CORS REDIRECT]" {
		t.Errorf("trusted origin scopes %s", got)
	}
}
