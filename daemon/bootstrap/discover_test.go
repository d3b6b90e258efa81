package bootstrap

import (
	"testing"

	"github.com/driftd/driftd/checks"
)

// TestTheImportedRuleIsTheOneOktaApplies: Okta applies the first rule, by
// priority, that matches the grant, the scopes W&B requests and the user's
// groups (okta-developer-docs guides/customize-authz-server). A rule ahead
// of it that grants the flow to other scopes or another group is not the
// rule that lets W&B sign in, and importing it would have remediation edit
// an unrelated rule.
func TestTheImportedRuleIsTheOneOktaApplies(t *testing.T) {
	as := &checks.AuthServer{ID: "aus1", Status: "ACTIVE", Policies: []checks.AuthPolicy{{
		ID: "00p1", Status: "ACTIVE", Priority: 1, Clients: []string{"ALL_CLIENTS"},
		Rules: []checks.AuthRule{
			{ID: "0pr-admins", Status: "ACTIVE", Priority: 1, GrantTypes: []string{"implicit"}, Scopes: []string{"openid"}, Groups: []string{"00gadmins"}, Users: []string{}},
			{ID: "0pr-inactive", Status: "INACTIVE", Priority: 2, GrantTypes: []string{"implicit"}, Scopes: []string{"*"}, Groups: []string{"EVERYONE"}, Users: []string{}},
			{ID: "0pr-wandb", Status: "ACTIVE", Priority: 3, GrantTypes: []string{"implicit", "authorization_code"}, Scopes: []string{"*"}, Groups: []string{"00gwandb"}, Users: []string{}},
		},
	}}}
	in := &Install{ClientID: "0oaclient", AuthMethod: "implicit", Groups: []checks.AssignedGroup{{ID: "00gwandb", Name: "wandb-users"}}}
	p, r := captureRule(as, in.ClientID, in.grantType(), in.Groups)
	if p == nil || r == nil || r.ID != "0pr-wandb" {
		t.Fatalf("captured rule %+v, want 0pr-wandb, the one Okta applies to wandb-users", r)
	}
	// No rule matches: the first active rule granting the flow is the
	// nearest one, imported so that the accepted state can be fixed.
	in.Groups = []checks.AssignedGroup{{ID: "00gother"}}
	if _, r := captureRule(as, in.ClientID, in.grantType(), in.Groups); r == nil || r.ID != "0pr-admins" {
		t.Fatalf("captured rule %+v without a match, want the first active rule granting implicit", r)
	}
}
