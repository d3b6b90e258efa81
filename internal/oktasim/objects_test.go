package oktasim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"
)

func TestGroupsAndAssignmentsThroughTheSDK(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	appID := wandbApp(t, sim)
	c := sswsClient(t, sim)
	ctx := context.Background()
	users, err := sim.AddGroup("wandb-users", "W&B users")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.AddGroup("wandb-admins", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.AddGroup("WANDB-users", ""); err == nil {
		t.Error("a second group with the same name was created")
	}

	t.Run("q finds groups whose name starts with it", func(t *testing.T) {
		gs, _, err := c.Group.ListGroups(ctx, &query.Params{Q: "wandb-"})
		if err != nil || len(gs) != 2 || gs[0].Profile.Name != "wandb-admins" {
			t.Fatalf("%v %v", gs, err)
		}
	})
	t.Run("search finds a group by exact name", func(t *testing.T) {
		gs, _, err := c.Group.ListGroups(ctx, &query.Params{Search: `profile.name eq "wandb-users"`})
		if err != nil || len(gs) != 1 || gs[0].Id != users.ID || gs[0].Type != "OKTA_GROUP" {
			t.Fatalf("%v %v", gs, err)
		}
	})
	t.Run("an app starts with no group assigned", func(t *testing.T) {
		as, _, err := c.Application.ListApplicationGroupAssignments(ctx, appID, nil)
		if err != nil || len(as) != 0 {
			t.Fatalf("%v %v", as, err)
		}
	})
	t.Run("assigning a group through the API shows in the list", func(t *testing.T) {
		a, _, err := c.Application.CreateApplicationGroupAssignment(ctx, appID, users.ID, okta.ApplicationGroupAssignment{})
		if err != nil || a.Id != users.ID {
			t.Fatalf("%v %v", a, err)
		}
		as, _, err := c.Application.ListApplicationGroupAssignments(ctx, appID, nil)
		if err != nil || len(as) != 1 || as[0].Id != users.ID {
			t.Fatalf("%v %v", as, err)
		}
	})
	t.Run("assigning an unknown group is a 404", func(t *testing.T) {
		_, resp, err := c.Application.CreateApplicationGroupAssignment(ctx, appID, "00gnope", okta.ApplicationGroupAssignment{})
		if err == nil || resp.StatusCode != 404 || !strings.Contains(err.Error(), "(UserGroup)") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("unassigning removes the group", func(t *testing.T) {
		if _, err := c.Application.DeleteApplicationGroupAssignment(ctx, appID, users.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.Application.GetApplicationGroupAssignment(ctx, appID, users.ID, nil); err == nil {
			t.Fatal("the removed assignment is still there")
		}
	})
	t.Run("a direct user assignment is listed with scope USER", func(t *testing.T) {
		if err := sim.AssignUser(appID, "00uada", "ada@acme.test"); err != nil {
			t.Fatal(err)
		}
		us, _, err := c.Application.ListApplicationUsers(ctx, appID, nil)
		if err != nil || len(us) != 1 || us[0].Id != "00uada" || us[0].Scope != "USER" {
			t.Fatalf("%v %v", us, err)
		}
	})
}

func TestTrustedOriginsThroughTheSDK(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	c := sswsClient(t, sim)
	ctx := context.Background()
	made, _, err := c.TrustedOrigin.CreateOrigin(ctx, okta.TrustedOrigin{Name: "W&B", Origin: "https://wandb.acme.test",
		Scopes: []*okta.Scope{{Type: "CORS"}, {Type: "REDIRECT"}}})
	if err != nil || made.Status != "ACTIVE" || made.Id == "" {
		t.Fatalf("%v %v", made, err)
	}
	cases := []struct {
		name   string
		origin okta.TrustedOrigin
		want   string
	}{
		{"an unknown scope type is refused", okta.TrustedOrigin{Name: "x", Origin: "https://x.acme.test", Scopes: []*okta.Scope{{Type: "POPUP"}}}, "'POPUP' is invalid"},
		{"an origin that is not a URL is refused", okta.TrustedOrigin{Name: "y", Origin: "wandb.acme.test", Scopes: []*okta.Scope{{Type: "CORS"}}}, "not a valid origin URL"},
		{"a duplicate origin is refused", okta.TrustedOrigin{Name: "z", Origin: "https://wandb.acme.test", Scopes: []*okta.Scope{{Type: "CORS"}}}, "already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.TrustedOrigin.CreateOrigin(ctx, tc.origin)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Api validation failed") {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("an update replaces the scopes", func(t *testing.T) {
		made.Scopes = []*okta.Scope{{Type: "REDIRECT"}}
		up, _, err := c.TrustedOrigin.UpdateOrigin(ctx, made.Id, *made)
		if err != nil || len(up.Scopes) != 1 || up.Scopes[0].Type != "REDIRECT" {
			t.Fatalf("%v %v", up, err)
		}
	})
	t.Run("an admin deactivation shows in the list", func(t *testing.T) {
		if err := sim.AdminEditTrustedOrigin(made.Id, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		os, _, err := c.TrustedOrigin.ListOrigins(ctx, nil)
		if err != nil || len(os) != 1 || os[0].Status != "INACTIVE" || os[0].Origin != "https://wandb.acme.test" {
			t.Fatalf("%v %v", os, err)
		}
	})
	t.Run("an admin edit to an invalid status is refused", func(t *testing.T) {
		if err := sim.AdminEditTrustedOrigin(made.Id, func(o *oktasim.TrustedOrigin) { o.Status = "PAUSED" }); err == nil {
			t.Fatal("a status Okta does not have was taken")
		}
	})
}

func TestAuthorizationServersThroughTheSDK(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	c := sswsClient(t, sim)
	ctx := context.Background()
	sim.AddAuthorizationServer("aus1wandb")
	as, _, err := c.AuthorizationServer.GetAuthorizationServer(ctx, "aus1wandb")
	if err != nil || as.Status != "ACTIVE" || as.Issuer != sim.URL+"/oauth2/aus1wandb" {
		t.Fatalf("%+v %v", as, err)
	}
	ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1wandb")
	if err != nil || len(ps) != 1 || ps[0].Conditions.Clients.Include[0] != "ALL_CLIENTS" || ps[0].Type != "OAUTH_AUTHORIZATION_POLICY" {
		t.Fatalf("%+v %v", ps, err)
	}
	rs, _, err := c.AuthorizationServer.ListAuthorizationServerPolicyRules(ctx, "aus1wandb", ps[0].Id)
	if err != nil || len(rs) != 1 || rs[0].Conditions.GrantTypes.Include[0] != "implicit" || rs[0].Conditions.Scopes.Include[0] != "*" {
		t.Fatalf("%+v %v", rs, err)
	}
	t.Run("an admin deactivation of the server shows through the SDK", func(t *testing.T) {
		if err := sim.AdminEditAuthServer("aus1wandb", func(a *oktasim.AuthorizationServer) { a.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		as, _, err := c.AuthorizationServer.GetAuthorizationServer(ctx, "aus1wandb")
		if err != nil || as.Status != "INACTIVE" {
			t.Fatalf("%+v %v", as, err)
		}
	})
	t.Run("a policy limited to one client and a rule without openid", func(t *testing.T) {
		p, err := sim.AddPolicy("aus1wandb", oktasim.Policy{Name: "W&B", Priority: 2, Conditions: oktasim.PolicyConditions{Clients: oktasim.Include{Include: []string{"0oawandbclient"}}}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := sim.AddRule("aus1wandb", p.ID, oktasim.Rule{Name: "code only", Conditions: oktasim.RuleConditions{
			GrantTypes: oktasim.Include{Include: []string{"authorization_code"}}, Scopes: oktasim.Include{Include: []string{"profile"}}}})
		if err != nil {
			t.Fatal(err)
		}
		rules, _, err := c.AuthorizationServer.ListAuthorizationServerPolicyRules(ctx, "aus1wandb", p.ID)
		if err != nil || len(rules) != 1 || rules[0].Id != r.ID || rules[0].Status != "ACTIVE" || rules[0].Conditions.Scopes.Include[0] != "profile" {
			t.Fatalf("%+v %v", rules, err)
		}
	})
	t.Run("rules Okta refuses are refused", func(t *testing.T) {
		ps, _, _ := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1wandb")
		for name, r := range map[string]oktasim.Rule{
			"no grant type":    {Name: "a", Conditions: oktasim.RuleConditions{Scopes: oktasim.Include{Include: []string{"openid"}}}},
			"an unknown grant": {Name: "c", Conditions: oktasim.RuleConditions{GrantTypes: oktasim.Include{Include: []string{"magic"}}, Scopes: oktasim.Include{Include: []string{"openid"}}}},
		} {
			if _, err := sim.AddRule("aus1wandb", ps[0].Id, r); err == nil {
				t.Errorf("a rule with %s was taken", name)
			}
		}
	})
	t.Run("the admin's view lists the policies in priority order with their rules", func(t *testing.T) {
		ps, rules := sim.Policies("aus1wandb")
		if len(ps) != 2 || ps[0].Name != "Default Policy" || len(rules[ps[0].ID]) != 1 || rules[ps[1].ID][0].Name != "code only" {
			t.Fatalf("%+v %+v", ps, rules)
		}
	})
	t.Run("an unknown server is a 404", func(t *testing.T) {
		_, resp, err := c.AuthorizationServer.GetAuthorizationServer(ctx, "ausnope")
		if err == nil || resp.StatusCode != 404 {
			t.Fatalf("%v", err)
		}
	})
}

func TestAdminReadsAndDeletesOfTrustedOriginsAndAssignments(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	appID := wandbApp(t, sim)
	g, err := sim.SetUpSignIn(appID, "https://wandb.acme.test/")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the set-up's group and origin are listed", func(t *testing.T) {
		os := sim.TrustedOrigins()
		if got := sim.AssignedGroups(appID); len(got) != 1 || got[0] != g.ID {
			t.Errorf("assigned groups %v", got)
		}
		if len(os) != 1 || os[0].Origin != "https://wandb.acme.test" || len(os[0].Scopes) != 2 {
			t.Fatalf("origins %+v", os)
		}
	})
	t.Run("an admin's deletion removes the origin and is logged", func(t *testing.T) {
		if err := sim.AdminDeleteTrustedOrigin(sim.TrustedOrigins()[0].ID); err != nil {
			t.Fatal(err)
		}
		if n := len(sim.TrustedOrigins()); n != 0 || lastEvent(t, sim).EventType != "security.trusted_origin.delete" {
			t.Errorf("%d origins left, last event %s", n, lastEvent(t, sim).EventType)
		}
		if err := sim.AdminDeleteTrustedOrigin("tosnope"); err == nil {
			t.Error("deleting an unknown origin succeeded")
		}
	})
}
