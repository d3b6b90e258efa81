package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/okta/okta-sdk-golang/v2/okta"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// unseenPolicyWorld is prod on the custom authorization server aus1 and dev
// on the org's, with aus1's starting policy moved to priority 2 before
// driftd starts (the follower reads only what is logged after), so that a
// policy an admin adds at priority 1 for every client captures W&B's client.
func unseenPolicyWorld(t *testing.T, events string) (*fixture.Fixture, *slacksim.Server, string) {
	t.Helper()
	f := fixture.New(t, "prod", "dev")
	f.Sim.AddAuthorizationServer("aus1")
	ctx := context.Background()
	_, c, err := okta.NewClient(ctx, okta.WithOrgUrl(f.Sim.URL), okta.WithToken(fixture.OktaToken), okta.WithTestingDisableHttpsCheck(true),
		okta.WithCache(false), okta.WithRequestTimeout(30), okta.WithRateLimitMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1")
	if err != nil || len(ps) != 1 {
		t.Fatalf("aus1's policies %v (%v)", ps, err)
	}
	if err := f.Sim.AdminEditPolicy("aus1", ps[0].Id, func(p *oktasim.Policy) { p.Priority = 2 }); err != nil {
		t.Fatal(err)
	}
	iss := f.Sim.URL + "/oauth2/aus1"
	body := strings.Replace(f.Body, "issuer: "+f.Sim.URL+"}", "issuer: "+iss+"}", 1)
	f.WriteEnv("prod", map[string]string{"OIDC_CLIENT_ID": "0oaprodclient", "OIDC_ISSUER": iss, "GORILLA_CORS_ORIGINS": "https://prod.wandb.test, null"})
	slack := slacksim.Start(slackToken)
	t.Cleanup(slack.Close)
	body = strings.Replace(body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n", "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n"+events, 1)
	f.WriteConfig(body + fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n", slackToken, slack.APIURL()))
	base, stop := startDaemon(t, f)
	t.Cleanup(stop)
	waitFor(t, "the start-up pass", func() bool {
		_, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		return strings.Count(out, `"status":"ok"`) == 2
	})
	return f, slack, base
}

// capturingPolicy is an access policy for every client, at priority 1.
var capturingPolicy = oktasim.Policy{Name: "Machine clients", Priority: 1, Conditions: oktasim.PolicyConditions{Clients: oktasim.Include{Include: []string{"ALL_CLIENTS"}}}}

// TestAnAccessPolicyDriftdHasNotSeenRunsTheTargetsOnACustomServer: a policy
// created after driftd last read the server is in no run's observation, and
// its events name only it (the catalog's PolicyResourceDetails, policy_type
// OAuthAuthzPolicy). It may now capture W&B's client, so it runs every
// target on a custom authorization server of that org, and no other:
// through the System Log (policy.lifecycle.create, which no Event Hook
// carries) and through an Event Hook (policy.rule.add of its first rule).
func TestAnAccessPolicyDriftdHasNotSeenRunsTheTargetsOnACustomServer(t *testing.T) {
	t.Run("the System Log follower reads policy.lifecycle.create", func(t *testing.T) {
		f, slack, _ := unseenPolicyWorld(t, "  events: {poll: 1s}\n")
		f.Sim.ResetCounts()
		if _, err := f.Sim.AddPolicy("aus1", capturingPolicy); err != nil {
			t.Fatal(err)
		}
		alerted(t, slack, "SSO drift on prod")
		if n := f.Sim.Count("/api/v1/apps/0oadev"); n != 0 {
			t.Errorf("dev's app was read %d times; only the target on a custom server should run", n)
		}
	})
	t.Run("an Event Hook delivers policy.rule.add of the new policy", func(t *testing.T) {
		f, slack, base := unseenPolicyWorld(t, "  events: {poll: 0s}\n  event_hook: {secret: "+eventHookSecret+"}\n")
		var types []string
		for _, typ := range source.ChangeEventTypes {
			if oktasim.HookEligible(typ) {
				types = append(types, typ)
			}
		}
		if err := f.Sim.AddEventHook(oktasim.EventHook{URL: base + "/v1/okta/events", Secret: eventHookSecret, Events: types}); err != nil {
			t.Fatal(err)
		}
		f.Sim.ResetCounts()
		p, err := f.Sim.AddPolicy("aus1", capturingPolicy)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Sim.AddRule("aus1", p.ID, oktasim.Rule{Name: "Machines only", Priority: 1,
			Conditions: oktasim.RuleConditions{GrantTypes: oktasim.Include{Include: []string{"client_credentials"}}, Scopes: oktasim.Include{Include: []string{"*"}}}}); err != nil {
			t.Fatal(err)
		}
		alerted(t, slack, "SSO drift on prod")
		if n := f.Sim.Count("/api/v1/apps/0oadev"); n != 0 {
			t.Errorf("dev's app was read %d times; only the target on a custom server should run", n)
		}
	})
}
