package checks

import (
	"slices"
	"strings"
	"testing"
)

func signinDesired() *Desired {
	d := desired()
	d.OktaOrg = "https://acme.okta.com"
	d.Issuer = "https://acme.okta.com/oauth2/aus1"
	d.TerraformValues = []string{ValueGroups, ValueTrustedOrigin, ValueAuthServerPolicyID}
	return d
}

func TestAppAssignments(t *testing.T) {
	wandbUsers := AssignedGroup{ID: "00g1", Name: "wandb-users"}
	cases := []struct {
		name     string
		groups   []string
		obs      Assignments
		missing  []string
		fixable  bool
		contains string
	}{
		{name: "every desired group assigned, by name and by id, is in sync",
			groups: []string{"wandb-users", "00g2"},
			obs:    Assignments{Groups: []AssignedGroup{wandbUsers, {ID: "00g2"}}, Resolved: map[string]string{"wandb-users": "00g1", "00g2": "00g2"}}},
		{name: "a desired group that was unassigned drifts and names Okta's error",
			groups:  []string{"wandb-users", "Everyone"},
			obs:     Assignments{Groups: []AssignedGroup{wandbUsers}, Resolved: map[string]string{"wandb-users": "00g1", "Everyone": "00g0"}},
			missing: []string{"Everyone"}, fixable: true, contains: notAssignedError},
		{name: "a group with the right name but another id is not the desired one",
			groups:  []string{"wandb-users"},
			obs:     Assignments{Groups: []AssignedGroup{{ID: "00g9", Name: "wandb-users"}}, Resolved: map[string]string{"wandb-users": "00g1"}},
			missing: []string{"wandb-users"}, fixable: true, contains: "Assignments"},
		{name: "without desired groups any assigned group is in sync",
			obs: Assignments{Groups: []AssignedGroup{wandbUsers}, Users: -1}},
		{name: "without desired groups a directly assigned user is in sync",
			obs: Assignments{Users: 1}},
		{name: "without desired groups nobody assigned drifts and cannot be fixed by Terraform",
			obs: Assignments{}, contains: "Nobody is assigned"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := signinDesired()
			d.Groups = c.groups
			fs := AppAssignments(d, &c.obs)
			if c.contains == "" {
				if len(fs) != 0 {
					t.Fatalf("want in sync, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != SeverityError {
				t.Fatalf("want one error, got %+v", fs)
			}
			f := fs[0]
			if !slices.Equal(f.Missing, c.missing) || f.Fixable != c.fixable {
				t.Errorf("missing %v fixable %v, want %v %v", f.Missing, f.Fixable, c.missing, c.fixable)
			}
			for _, s := range []string{c.contains, notAssignedError, "https://acme.okta.com", "Applications > Applications > 0oa1 > Assignments"} {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message %q lacks %q", f.Message, s)
				}
			}
		})
	}
	t.Run("a module without the groups variable makes the finding unfixable", func(t *testing.T) {
		d := signinDesired()
		d.Groups, d.TerraformValues = []string{"x"}, nil
		if fs := AppAssignments(d, &Assignments{}); len(fs) != 1 || fs[0].Fixable {
			t.Errorf("want one unfixable finding, got %+v", fs)
		}
	})
}

func TestTrustedOriginCORS(t *testing.T) {
	good := TrustedOrigin{ID: "tos1", Name: "W&B", Origin: "https://WANDB.acme.com:443", Status: "ACTIVE", Scopes: []string{"CORS", "REDIRECT"}}
	mod := func(f func(*TrustedOrigin)) TrustedOrigin {
		o := good
		o.Scopes = slices.Clone(good.Scopes)
		f(&o)
		return o
	}
	cases := []struct {
		name     string
		origins  []TrustedOrigin
		field    string
		missing  []string
		contains string
	}{
		{name: "an active origin with CORS and REDIRECT equal after normalising is in sync", origins: []TrustedOrigin{good}},
		{name: "an inactive duplicate beside the good origin is in sync",
			origins: []TrustedOrigin{mod(func(o *TrustedOrigin) { o.Status = "INACTIVE" }), good}},
		{name: "no trusted origin for W&B drifts", origins: []TrustedOrigin{mod(func(o *TrustedOrigin) { o.Origin = "https://other.acme.com" })},
			field: "trustedOrigins", missing: []string{"https://wandb.acme.com"}, contains: "blocked by CORS"},
		{name: "an inactive origin drifts", origins: []TrustedOrigin{mod(func(o *TrustedOrigin) { o.Status = "INACTIVE" })},
			field: "trustedOrigins.status", contains: "Activate"},
		{name: "an origin without the CORS scope drifts", origins: []TrustedOrigin{mod(func(o *TrustedOrigin) { o.Scopes = []string{"REDIRECT"} })},
			field: "trustedOrigins.scopes", missing: []string{"CORS"}, contains: "CORS scope"},
		{name: "an origin without the REDIRECT scope drifts", origins: []TrustedOrigin{mod(func(o *TrustedOrigin) { o.Scopes = []string{"CORS"} })},
			field: "trustedOrigins.scopes", missing: []string{"REDIRECT"}, contains: "REDIRECT scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := TrustedOriginCORS(signinDesired(), &TrustedOrigins{Origins: c.origins})
			if c.field == "" {
				if len(fs) != 0 {
					t.Fatalf("want in sync, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Field != c.field || !fs[0].Fixable || fs[0].Severity != SeverityError {
				t.Fatalf("want one fixable error on %s, got %+v", c.field, fs)
			}
			if c.missing != nil && !slices.Equal(fs[0].Missing, c.missing) {
				t.Errorf("missing %v, want %v", fs[0].Missing, c.missing)
			}
			for _, s := range []string{c.contains, "Security > API > Trusted Origins", "https://acme.okta.com"} {
				if !strings.Contains(fs[0].Message, s) {
					t.Errorf("message %q lacks %q", fs[0].Message, s)
				}
			}
		})
	}
}

func goodAuthServer() *AuthServer {
	return &AuthServer{ID: "aus1", Name: "wandb", Status: "ACTIVE", Policies: []AuthPolicy{{
		ID: "00p1", Name: "W&B", Status: "ACTIVE", Priority: 1, Clients: []string{"0oa1client"},
		Rules: []AuthRule{{ID: "0pr1", Status: "ACTIVE", Priority: 1, GrantTypes: []string{"implicit", "authorization_code"}, Scopes: []string{"openid", "profile", "email"}}},
	}}}
}

// authServerCase is one access-policy state and what AuthServerPolicy says.
type authServerCase struct {
	name     string
	change   func(*AuthServer)
	field    string
	missing  []string
	fixable  bool
	assigned *Assignments // nil: group wandb-users (00gwandb)
	says     string
}

func authServerCases() []authServerCase {
	return []authServerCase{
		{name: "an active policy for the client with an active rule granting both grant types and openid is in sync", change: func(*AuthServer) {}},
		{name: "a policy for ALL_CLIENTS with a rule for every scope is in sync", change: func(as *AuthServer) {
			as.Policies[0].Clients = []string{"ALL_CLIENTS"}
			as.Policies[0].Rules[0].Scopes = []string{"*"}
		}},
		{name: "grant types spread over two rules are in sync", change: func(as *AuthServer) {
			as.Policies[0].Rules[0].GrantTypes = []string{"implicit"}
			as.Policies[0].Rules = append(as.Policies[0].Rules, AuthRule{Status: "ACTIVE", GrantTypes: []string{"authorization_code"}, Scopes: []string{"openid", "profile", "email"}})
		}},
		{name: "an inactive authorization server drifts and is not fixable", field: "authorizationServer.status",
			change: func(as *AuthServer) { as.Status = "INACTIVE" }},
		{name: "a policy for another client drifts and has no policy to put a rule in", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, change: func(as *AuthServer) { as.Policies[0].Clients = []string{"0oaother"} }},
		{name: "an inactive policy drifts", field: "authorizationServer.policies", missing: []string{"authorization_code", "implicit"},
			change: func(as *AuthServer) { as.Policies[0].Status = "INACTIVE" }},
		{name: "an inactive rule drifts and is fixable in the applying policy", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, fixable: true, change: func(as *AuthServer) { as.Policies[0].Rules[0].Status = "INACTIVE" }},
		{name: "a rule without implicit drifts on implicit only", field: "authorizationServer.policies", missing: []string{"implicit"}, fixable: true,
			change: func(as *AuthServer) { as.Policies[0].Rules[0].GrantTypes = []string{"authorization_code"} }},
		{name: "a rule without the openid scope drifts", field: "authorizationServer.policies", missing: []string{"authorization_code", "implicit"}, fixable: true,
			change: func(as *AuthServer) { as.Policies[0].Rules[0].Scopes = []string{"profile"} }},
		// "Requests sent with different scopes don't match any rules and
		// therefore fail" (okta-developer-docs customize-authz-server).
		{name: "a rule granting only openid drifts because W&B also requests profile and email", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, fixable: true, says: `rule "0pr1" (priority 1) grants it, but its scopes (openid) lack profile email`,
			change: func(as *AuthServer) { as.Policies[0].Rules[0].Scopes = []string{"openid"} }},
		{name: "a higher-priority policy for all clients without a matching rule captures the client", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, fixable: true,
			says: `access policy "Default Policy" (priority 1) of authorization server wandb (aus1) is the first ACTIVE policy that applies to client 0oa1client`,
			change: func(as *AuthServer) {
				as.Policies[0].Priority = 2
				// The default policy as Okta creates it (okta-vcr
				// TestAccResourceOktaAuthServerPolicyRule_priority_concurrency_bug):
				// ALL_CLIENTS, with a rule for client credentials only.
				as.Policies = append(as.Policies, AuthPolicy{ID: "00pdefault", Name: "Default Policy", Status: "ACTIVE", Priority: 1, Clients: []string{"ALL_CLIENTS"},
					Rules: []AuthRule{{ID: "0prcc", Name: "Default Policy Rule", Status: "ACTIVE", Priority: 1, GrantTypes: []string{"client_credentials"}, Scopes: []string{"*"}, Groups: []string{"EVERYONE"}, Users: []string{}}}})
			}},
		{name: "a rule narrowed to another group drifts naming it", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, fixable: true, says: "its people condition names only group 00gadmins",
			change: func(as *AuthServer) {
				as.Policies[0].Rules[0].Groups, as.Policies[0].Rules[0].Users = []string{"00gadmins"}, []string{}
			}},
		{name: "a rule narrowed to the app's assigned group is in sync",
			change: func(as *AuthServer) {
				as.Policies[0].Rules[0].Groups, as.Policies[0].Rules[0].Users = []string{"00gwandb"}, []string{}
			}},
		{name: "a rule naming the org's Everyone group by id, as real orgs answer, is in sync",
			change: func(as *AuthServer) {
				as.EveryoneGroupID = "00g5qwjvgrD3WR89l1d7"
				as.Policies[0].Rules[0].Groups, as.Policies[0].Rules[0].Users = []string{"00g5qwjvgrD3WR89l1d7"}, []string{}
			}},
		{name: "a rule for one of two assigned groups leaves the other group's users out", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, fixable: true, says: "for group contractors",
			assigned: &Assignments{Groups: []AssignedGroup{{ID: "00gwandb", Name: "wandb-users"}, {ID: "00gcontract", Name: "contractors"}}},
			change: func(as *AuthServer) {
				as.Policies[0].Rules[0].Groups, as.Policies[0].Rules[0].Users = []string{"00gwandb"}, []string{}
			}},
		{name: "users assigned directly need a rule for everyone", field: "authorizationServer.policies",
			missing: []string{"authorization_code", "implicit"}, fixable: true, assigned: &Assignments{Users: 3},
			change: func(as *AuthServer) {
				as.Policies[0].Rules[0].Groups, as.Policies[0].Rules[0].Users = []string{"00gwandb"}, []string{}
			}},
		{name: "an inactive first rule is skipped for an active later one",
			change: func(as *AuthServer) {
				r := as.Policies[0].Rules[0]
				r.ID, r.Priority = "0pr2", 2
				as.Policies[0].Rules[0].Status = "INACTIVE"
				as.Policies[0].Rules = append(as.Policies[0].Rules, r)
			}},
	}
}

func TestAuthServerPolicy(t *testing.T) {
	for _, c := range authServerCases() {
		t.Run(c.name, func(t *testing.T) {
			as := goodAuthServer()
			c.change(as)
			assigned := c.assigned
			if assigned == nil {
				assigned = &Assignments{Groups: []AssignedGroup{{ID: "00gwandb", Name: "wandb-users"}}}
			}
			fs := AuthServerPolicy(signinDesired(), as, assigned)
			if c.field == "" {
				if len(fs) != 0 {
					t.Fatalf("want in sync, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Field != c.field || fs[0].Fixable != c.fixable {
				t.Fatalf("want one finding on %s fixable=%v, got %+v", c.field, c.fixable, fs)
			}
			if c.missing != nil {
				got := slices.Sorted(slices.Values(fs[0].Missing))
				if !slices.Equal(got, c.missing) {
					t.Errorf("missing %v, want %v", got, c.missing)
				}
				if !strings.Contains(fs[0].Message, policyEvaluationError) {
					t.Errorf("message %q does not quote Okta's error", fs[0].Message)
				}
			}
			if c.says != "" && !strings.Contains(fs[0].Message, c.says) {
				t.Errorf("message %q does not say %q", fs[0].Message, c.says)
			}
			if !strings.Contains(fs[0].Message, "Authorization Servers > wandb (aus1)") {
				t.Errorf("message %q does not say where", fs[0].Message)
			}
		})
	}
}

func TestAuthServerID(t *testing.T) {
	for issuer, want := range map[string]string{
		"https://acme.okta.com":                      "",
		"https://acme.okta.com/oauth2/default":       "default",
		"https://acme.okta.com/oauth2/aus1abc":       "aus1abc",
		"https://acme.okta.com/oauth2/v1":            "v1",
		"https://acme.okta.com/oauth2/aus1/v1/token": "",
	} {
		t.Run(issuer+" names "+want, func(t *testing.T) {
			if got := AuthServerID(issuer); got != want {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestEvaluateRunsTheSignInChecksOnlyWhenRead(t *testing.T) {
	d := signinDesired()
	o := &Observed{Assignments: &Assignments{}, TrustedOrigins: &TrustedOrigins{}, AuthServer: &AuthServer{ID: "aus1", Status: "INACTIVE"}}
	run(t, d, o, want{IDAssignments: SeverityError, IDTrustedOrigin: SeverityError, IDAuthServer: SeverityError})
	run(t, d, &Observed{}, want{})
	d.Ignore = []string{IDTrustedOrigin}
	run(t, d, o, want{IDAssignments: SeverityError, IDAuthServer: SeverityError})
}
