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

// An access policy rule narrowed by an admin reaches driftd as Okta sends
// it: policy.rule.update naming only the policy, in an Event Hook delivery
// whose secret comes in the header the admin named. The run that follows
// judges the rule as Okta does (W&B requests openid profile email).
func TestANarrowedAccessRuleIsAlertedThroughAnEventHookNamingOnlyThePolicy(t *testing.T) {
	f := fixture.New(t, "prod", "dev")
	f.Sim.AddAuthorizationServer("aus1")
	iss := f.Sim.URL + "/oauth2/aus1"
	body := strings.Replace(f.Body, "issuer: "+f.Sim.URL+"}", "issuer: "+iss+"}", 1)
	f.WriteEnv("prod", map[string]string{"OIDC_CLIENT_ID": "0oaprodclient", "OIDC_ISSUER": iss, "GORILLA_CORS_ORIGINS": "https://prod.wandb.test, null"})
	slack := slacksim.Start(slackToken)
	t.Cleanup(slack.Close)
	hook := "  events: {poll: 0s}\n  event_hook: {secret: " + eventHookSecret + ", header: X-Okta-Hook-Key}\n"
	body = strings.Replace(body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n", "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n"+hook, 1)
	f.WriteConfig(body + fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n", slackToken, slack.APIURL()))
	base, stop := startDaemon(t, f)
	t.Cleanup(stop)
	waitFor(t, "the start-up pass", func() bool {
		_, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		return strings.Count(out, `"status":"ok"`) == 2
	})
	var types []string
	for _, typ := range source.ChangeEventTypes {
		if oktasim.HookEligible(typ) {
			types = append(types, typ)
		}
	}
	if err := f.Sim.AddEventHook(oktasim.EventHook{URL: base + "/v1/okta/events", Header: "X-Okta-Hook-Key", Secret: eventHookSecret, Events: types}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, c, err := okta.NewClient(ctx, okta.WithOrgUrl(f.Sim.URL), okta.WithToken(fixture.OktaToken), okta.WithTestingDisableHttpsCheck(true),
		okta.WithCache(false), okta.WithRequestTimeout(30), okta.WithRateLimitMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1")
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := c.AuthorizationServer.ListAuthorizationServerPolicyRules(ctx, "aus1", ps[0].Id)
	if err != nil {
		t.Fatal(err)
	}
	f.Sim.ResetCounts()
	if err := f.Sim.AdminEditRule("aus1", ps[0].Id, rs[0].Id, func(r *oktasim.Rule) { r.Conditions.Scopes.Include = []string{"openid"} }); err != nil {
		t.Fatal(err)
	}
	alerted(t, slack, "SSO drift on prod")
	if n := f.Sim.Count("/api/v1/apps/0oadev"); n != 0 {
		t.Errorf("dev's app was read %d times; only the target on aus1 should run", n)
	}
}
