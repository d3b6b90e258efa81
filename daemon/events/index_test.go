package events

import (
	"slices"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
)

func TestIndexMapsEventTargetsToDriftdTargets(t *testing.T) {
	w := newWorld(t, "prod", "dev")
	w.cfg.Targets[1].OIDC.Issuer = w.sim.URL + "/oauth2/default"
	ix := NewIndex(w.cfg)
	cases := []struct {
		name    string
		targets []source.LogTarget
		want    []string
	}{
		{"an app update concerns the target of that app", []source.LogTarget{{ID: "0oaprod", Type: "AppInstance"}}, []string{"prod"}},
		{"a group assignment concerns the target of its app", []source.LogTarget{{ID: "00gusers", Type: "UserGroup"}, {ID: "0oadev", Type: "AppInstance"}}, []string{"dev"}},
		{"an authorization server change concerns the targets of its issuer", []source.LogTarget{{ID: "ausprod", Type: "AuthorizationServer"}}, []string{"prod"}},
		{"the default authorization server is found by its id", []source.LogTarget{{ID: "default", Type: "AuthorizationServer"}}, []string{"dev"}},
		{"a trusted origin is found by its origin", []source.LogTarget{{ID: "tosprod", Type: "TrustedOrigin", AlternateID: "https://PROD.wandb.test"}}, []string{"prod"}},
		{"a trusted origin changed away from the target's origin is still found by its id", []source.LogTarget{{ID: "tosprod", Type: "TrustedOrigin", AlternateID: "https://evil.test"}}, []string{"prod"}},
		{"an unknown app concerns no target", []source.LogTarget{{ID: "0oaother", Type: "AppInstance"}}, nil},
		{"a policy of no authorization server seen concerns no target", []source.LogTarget{{ID: "00pabc", Type: "Policy"}}, nil},
		// The catalog's TrustedOriginResourceDetails carry the URL in
		// trusted_origin_url (okta-developer-docs data/event-types.json).
		{"a trusted origin is found by the trusted_origin_url of its details", []source.LogTarget{{ID: "tosnew", Type: "TrustedOrigin",
			Details: map[string]string{"trusted_origin_url": "https://prod.wandb.test", "trusted_origin_status": "INACTIVE"}}}, []string{"prod"}},
		// policy.rule.* and policy.lifecycle.* name only the policy
		// (PolicyResourceDetails).
		{"a rule change names the policy, found through the server the run saw holding it", []source.LogTarget{{ID: "00pprod", Type: "Policy",
			Details: map[string]string{"policy_type": "OAuthAuthzPolicy"}}}, []string{"prod"}},
		{"a new access policy of no server seen concerns every target on a custom authorization server", []source.LogTarget{{ID: "00pnew", Type: "Policy",
			Details: map[string]string{"policy_type": "OAuthAuthzPolicy"}}}, []string{"prod", "dev"}},
		{"a sign-on policy concerns no target", []source.LogTarget{{ID: "00psignon", Type: "Policy",
			Details: map[string]string{"policy_type": "OktaSignOn"}}}, nil},
		{"a new access policy of an event that also names its server concerns that server's targets only", []source.LogTarget{{ID: "00pnew", Type: "Policy",
			Details: map[string]string{"policy_type": "OAuthAuthzPolicy"}}, {ID: "default", Type: "AuthorizationServer"}}, []string{"dev"}},
		{"an app sign-in policy not seen concerns no target", []source.LogTarget{{ID: "rstnew", Type: "Policy",
			Details: map[string]string{"policy_type": "ACCESS_POLICY"}}}, nil},
		{"a policy without a policy_type not seen concerns no target", []source.LogTarget{{ID: "00pbare", Type: "Policy"}}, nil},
	}
	ix.policies.Learn("prod", &checks.AuthServer{ID: "ausprod", Policies: []checks.AuthPolicy{{ID: "00pprod"}}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ix.Targets(source.LogEvent{Targets: tc.targets})
			if !slices.Equal(got, tc.want) {
				t.Errorf("targets %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAnEventFromOneOrgsSystemLogTriggersOnlyThatOrgsTargets(t *testing.T) {
	w := newWorld(t, "prod", "other")
	w.cfg.Targets[0].OIDC.Issuer = w.sim.URL + "/oauth2/default"
	w.cfg.Targets[1].OIDC.Issuer = "https://other.okta.com/oauth2/default"
	w.cfg.Targets[1].Okta.OrgURL = "https://other.okta.com"
	ix := NewIndex(w.cfg)
	// Every Okta org has an authorization server whose id is "default".
	ev := source.LogEvent{Targets: []source.LogTarget{{ID: "default", Type: "AuthorizationServer"}}}
	cases := []struct {
		name, org string
		want      []string
	}{
		{"the global org's default server concerns only the global org's target", w.cfg.Okta.OrgURL, []string{"prod"}},
		{"another org's default server concerns only that org's target", "https://other.okta.com", []string{"other"}},
		{"an event of no known org (an Event Hook delivery) concerns both", "", []string{"prod", "other"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ix.TargetsIn(ev, tc.org); !slices.Equal(got, tc.want) {
				t.Errorf("targets %v, want %v", got, tc.want)
			}
		})
	}
}

// TestATrustedOriginChangedAwayIsFoundThroughWhatARunObserved: an edit of
// the W&B trusted origin to another URL logs security.trusted_origin.update
// with the new URL in trusted_origin_url (TrustedOriginResourceDetails,
// okta-developer-docs data/event-types.json) and the origin's id. No earlier
// event taught the index that id, but the last run read the trusted origins:
// the id is the target's, so the event runs it, also after a reload.
func TestATrustedOriginChangedAwayIsFoundThroughWhatARunObserved(t *testing.T) {
	w := newWorld(t, "prod", "dev")
	book := NewPolicyBook()
	book.LearnOrigins(&checks.TrustedOrigins{Origins: []checks.TrustedOrigin{
		{ID: "tosprod", Origin: "https://prod.wandb.test", Status: "ACTIVE"},
		{ID: "tosother", Origin: "https://other.test", Status: "ACTIVE"},
	}})
	ev := source.LogEvent{EventType: "security.trusted_origin.update", Targets: []source.LogTarget{{ID: "tosprod", Type: "TrustedOrigin",
		Details: map[string]string{"trusted_origin_url": "https://evil.test", "trusted_origin_status": "ACTIVE"}}}}
	for _, name := range []string{"before a reload", "after a reload"} {
		ix := NewIndex(w.cfg)
		ix.policies = book
		if got := ix.Targets(ev); !slices.Equal(got, []string{"prod"}) {
			t.Errorf("%s: targets %v, want [prod]", name, got)
		}
	}
	other := source.LogEvent{Targets: []source.LogTarget{{ID: "tosother", Type: "TrustedOrigin", Details: map[string]string{"trusted_origin_url": "https://x.test"}}}}
	if got := NewIndex(w.cfg).Targets(other); got != nil {
		t.Errorf("another origin's event: targets %v, want none", got)
	}
}
