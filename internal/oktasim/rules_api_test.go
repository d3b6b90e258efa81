package oktasim_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

// sdkRule is the spec's CreateAuthorizationServerPolicyRuleRequest example
// (okta/okta-management-openapi-spec management-oneOfInheritance.yaml)
// narrowed to the W&B client's grant and scopes, as okta-sdk-golang v2
// sends it.
func sdkRule(name string, grants ...string) okta.AuthorizationServerPolicyRule {
	return okta.AuthorizationServerPolicyRule{Type: "RESOURCE_ACCESS", Name: name,
		Conditions: &okta.AuthorizationServerPolicyRuleConditions{
			People:     &okta.PolicyPeopleCondition{Groups: &okta.GroupCondition{Include: []string{"EVERYONE"}}},
			GrantTypes: &okta.GrantTypePolicyRuleCondition{Include: grants},
			Scopes:     &okta.OAuth2ScopesMediationPolicyRuleCondition{Include: []string{"openid", "profile", "email"}},
		}}
}

func TestPolicyRuleWritesThroughTheSDK(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	c := sswsClient(t, sim)
	ctx := context.Background()
	sim.AddAuthorizationServer("aus1wandb")
	ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1wandb")
	if err != nil {
		t.Fatal(err)
	}
	pid := ps[0].Id
	var ruleID string

	t.Run("a created rule is 201, ACTIVE, last in priority and logged as policy.rule.add", func(t *testing.T) {
		r, resp, err := c.AuthorizationServer.CreateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, sdkRule("W&B", "implicit"))
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("%v %v", resp, err)
		}
		ruleID = r.Id
		if !strings.HasPrefix(r.Id, "0pr") || r.Status != "ACTIVE" || r.PriorityPtr == nil || *r.PriorityPtr != 2 || r.System == nil || *r.System {
			t.Errorf("%+v", r)
		}
		if ev := lastEvent(t, sim); ev.EventType != "policy.rule.add" || len(ev.Target) != 1 || ev.Target[0].ID != pid {
			t.Errorf("%+v", ev)
		}
	})
	t.Run("the created rule reads back with its conditions", func(t *testing.T) {
		r, _, err := c.AuthorizationServer.GetAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if err != nil || r.Conditions.GrantTypes.Include[0] != "implicit" || len(r.Conditions.Scopes.Include) != 3 ||
			r.Conditions.People.Groups.Include[0] != "EVERYONE" {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("deactivating is 204, INACTIVE and logged as policy.rule.deactivate", func(t *testing.T) {
		resp, err := c.AuthorizationServer.DeactivateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%v %v", resp, err)
		}
		r, _, _ := c.AuthorizationServer.GetAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if r.Status != "INACTIVE" || lastEvent(t, sim).EventType != "policy.rule.deactivate" {
			t.Errorf("%s %s", r.Status, lastEvent(t, sim).EventType)
		}
	})
	t.Run("deactivating again changes nothing and logs nothing", func(t *testing.T) {
		n := len(sim.Events())
		if _, err := c.AuthorizationServer.DeactivateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID); err != nil || len(sim.Events()) != n {
			t.Fatalf("%v, %d events after %d", err, len(sim.Events()), n)
		}
	})
	t.Run("activating is 204, ACTIVE and logged as policy.rule.activate", func(t *testing.T) {
		resp, err := c.AuthorizationServer.ActivateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%v %v", resp, err)
		}
		r, _, _ := c.AuthorizationServer.GetAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if r.Status != "ACTIVE" || lastEvent(t, sim).EventType != "policy.rule.activate" {
			t.Errorf("%s %s", r.Status, lastEvent(t, sim).EventType)
		}
	})
	t.Run("deleting is 204, the rule is gone and it is logged as policy.rule.delete", func(t *testing.T) {
		resp, err := c.AuthorizationServer.DeleteAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%v %v", resp, err)
		}
		_, resp, err = c.AuthorizationServer.GetAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, ruleID)
		if err == nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the deleted rule still reads: %v", err)
		}
		if ev := lastEvent(t, sim); ev.EventType != "policy.rule.delete" || len(ev.Target) != 1 || ev.Target[0].ID != pid || ev.DisplayMessage != "Delete policy rule" {
			t.Errorf("%+v", ev)
		}
	})
}

func TestPolicyRuleWritesAreRefusedLikeOkta(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	c := sswsClient(t, sim)
	ctx := context.Background()
	sim.AddAuthorizationServer("aus1wandb")
	ps, _, _ := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1wandb")
	pid := ps[0].Id
	noName := sdkRule("", "implicit")
	noType := sdkRule("a", "implicit")
	noType.Type = ""
	for _, tc := range []struct {
		name  string
		do    func() (*okta.Response, error)
		code  int
		error string
	}{
		{"a rule without a name is an API validation failure", func() (*okta.Response, error) {
			_, resp, err := c.AuthorizationServer.CreateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, noName)
			return resp, err
		}, 400, "name: The field cannot be left blank."},
		{"a rule without a type is an API validation failure (the request schema requires it)", func() (*okta.Response, error) {
			_, resp, err := c.AuthorizationServer.CreateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, noType)
			return resp, err
		}, 400, "type: The field cannot be left blank."},
		{"a rule without grant types is an API validation failure", func() (*okta.Response, error) {
			_, resp, err := c.AuthorizationServer.CreateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, sdkRule("a"))
			return resp, err
		}, 400, "conditions.grantTypes.include: The field cannot be left blank."},
		{"a rule in an unknown policy is not found", func() (*okta.Response, error) {
			_, resp, err := c.AuthorizationServer.CreateAuthorizationServerPolicyRule(ctx, "aus1wandb", "00pnope", sdkRule("a", "implicit"))
			return resp, err
		}, 404, "(Policy)"},
		{"deleting an unknown rule is not found", func() (*okta.Response, error) {
			return c.AuthorizationServer.DeleteAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, "0prnope")
		}, 404, "0prnope (PolicyRule)"},
		{"activating an unknown rule is not found", func() (*okta.Response, error) {
			return c.AuthorizationServer.ActivateAuthorizationServerPolicyRule(ctx, "aus1wandb", pid, "0prnope")
		}, 404, "0prnope (PolicyRule)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(sim.Events())
			resp, err := tc.do()
			if err == nil || resp.StatusCode != tc.code || !strings.Contains(err.Error(), tc.error) {
				t.Fatalf("%v", err)
			}
			if len(sim.Events()) != n {
				t.Error("a refused write was logged")
			}
		})
	}
}

func TestPolicyRuleWritesNeedTheManageScope(t *testing.T) {
	ks := testKeys(t)
	sim := startSim(t, oktasim.Options{})
	sim.AddAuthorizationServer("aus1wandb")
	svc, err := sim.AddServiceApp("driftd", &ks[0].PublicKey, "key1", "okta.authorizationServers.read")
	if err != nil {
		t.Fatal(err)
	}
	c := oauthClient(t, sim, svc.ID, ks[0], "okta.authorizationServers.read")
	ctx := context.Background()
	ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1wandb")
	if err != nil {
		t.Fatal(err)
	}
	_, resp, err := c.AuthorizationServer.CreateAuthorizationServerPolicyRule(ctx, "aus1wandb", ps[0].Id, sdkRule("a", "implicit"))
	if err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a read-only service app created a rule: %v", err)
	}
}

// Real Okta takes a rule without scopes and answers scopes.include [] and
// an empty users condition as {"exclude": []}
// (okta/terraform-provider-okta v6.12.0 test/fixtures/vcr/idaas/
// TestAccResourceOktaAuthServerPolicyRule_create/oie-00.yaml); the
// simulator refused it before.
func TestARuleWithoutScopesIsTakenAsOktaTakesIt(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	sim.AddAuthorizationServer("aus1wandb")
	ps, _ := sim.Policies("aus1wandb")
	body := `{"name":"test","type":"RESOURCE_ACCESS","status":"ACTIVE","priority":1,` +
		`"conditions":{"grantTypes":{"include":["password","implicit"]},"people":{"groups":{"include":["EVERYONE"]},"users":{}},"scopes":{}},` +
		`"actions":{"token":{"accessTokenLifetimeMinutes":60,"refreshTokenLifetimeMinutes":0,"refreshTokenWindowMinutes":10080}}}`
	req, _ := http.NewRequest(http.MethodPost, sim.URL+"/api/v1/authorizationServers/aus1wandb/policies/"+ps[0].ID+"/rules", strings.NewReader(body))
	req.Header.Set("Authorization", "SSWS "+sim.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	code, got := resp.StatusCode, string(raw)
	want := `"conditions":{"grantTypes":{"include":["implicit","password"]},"people":{"groups":{"include":["EVERYONE"]},"users":{"exclude":[]}},"scopes":{"include":[]}}`
	if code != http.StatusCreated || !strings.Contains(got, want) {
		t.Fatalf("POST rule without scopes = %d %s, want 201 with %s", code, got, want)
	}
}
