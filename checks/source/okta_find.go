package source

import (
	"context"
	"fmt"
	"net/url"

	"github.com/driftd/driftd/checks"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

// FoundApp is an OIDC app as `driftd init` needs it: what the checks read,
// plus the settings an import-ready okta_app_oauth must repeat so that
// Terraform plans no change (the okta provider's resource_okta_app_oauth.go
// defaults issuer_mode to ORG_URL, consent_method to TRUSTED, wildcard_redirect
// to DISABLED, hide_ios and hide_web to true and auto_key_rotation to true, and
// would send those defaults on the first apply if the module left them out).
// It never holds the client secret.
type FoundApp struct {
	checks.OktaApp
	Name             string
	IssuerMode       string
	ConsentMethod    string
	WildcardRedirect string
	HideIOS, HideWeb bool
	AutoKeyRotation  bool
	LoginURI         string
}

// FindOIDCApps lists the org's OIDC apps (GET /api/v1/apps with
// filter=name eq "oidc_client", paged by Link: next) and returns those whose
// credentials.oauthClient.client_id is clientID. Okta keeps client ids unique
// in an org, so more than one answer is a strange observation the caller
// refuses. The list is read raw, not through ListApplications, because the
// SDK's generic Application drops credentials.oauthClient.
func (r *OktaReader) FindOIDCApps(ctx context.Context, clientID string) ([]*FoundApp, error) {
	what := "looking up the Okta app with client id " + clientID
	q := url.Values{"filter": {`name eq "oidc_client"`}, "limit": {fmt.Sprint(pageLimit)}}
	rq := r.client.CloneRequestExecutor()
	req, err := rq.WithAccept("application/json").NewRequest("GET", "/api/v1/apps?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var page []okta.OpenIdConnectApplication
	resp, err := rq.Do(ctx, req, &page)
	var out []*FoundApp
	var pages pageGuard
	for {
		if err != nil {
			return nil, BoundError(r.explainRead(what, scopeApps, "applications", resp, err))
		}
		if page == nil {
			// An empty or null answer is not "no such app" (init would say
			// the client id names no app): it is no list at all.
			return nil, fmt.Errorf("%s: %w", what, errNotAList)
		}
		for i := range page {
			a := &page[i]
			if a.Id == "" {
				return nil, fmt.Errorf("%s: %w", what, errMalformedList)
			}
			if c := a.Credentials; c != nil && c.OauthClient != nil && c.OauthClient.ClientId == clientID {
				out = append(out, foundFromSDK(a))
			}
		}
		if resp == nil || !resp.HasNextPage() {
			return out, nil
		}
		if err := pages.check(resp.NextPage); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		page = nil
		resp, err = resp.Next(ctx, &page)
	}
}

func foundFromSDK(a *okta.OpenIdConnectApplication) *FoundApp {
	f := &FoundApp{OktaApp: *appFromSDK(a), Name: a.Name, HideIOS: true, HideWeb: true, AutoKeyRotation: true}
	if s := a.Settings; s != nil && s.OauthClient != nil {
		oc := s.OauthClient
		f.IssuerMode, f.ConsentMethod, f.WildcardRedirect, f.LoginURI = oc.IssuerMode, oc.ConsentMethod, oc.WildcardRedirect, oc.InitiateLoginUri
	}
	if v := a.Visibility; v != nil && v.Hide != nil {
		if v.Hide.IOS != nil {
			f.HideIOS = *v.Hide.IOS
		}
		if v.Hide.Web != nil {
			f.HideWeb = *v.Hide.Web
		}
	}
	if c := a.Credentials; c != nil && c.OauthClient != nil && c.OauthClient.AutoKeyRotation != nil {
		f.AutoKeyRotation = *c.OauthClient.AutoKeyRotation
	}
	return f
}

// PolicyRule is an authorization server policy rule as an import-ready
// okta_auth_server_policy_rule must repeat it.
type PolicyRule struct {
	AuthServerID, PolicyID, ID string
	Name, Status, Type         string
	Priority                   int64
	GrantTypes, Scopes         []string
	Groups, Users              []string
	// Token lifetimes in minutes (0: Okta's answer had none).
	AccessTokenLifetime, RefreshTokenLifetime, RefreshTokenWindow int64
}

// AuthServerPolicyRule reads one rule of an authorization server's policy.
func (r *OktaReader) AuthServerPolicyRule(ctx context.Context, asID, policyID, ruleID string) (*PolicyRule, error) {
	what := fmt.Sprintf("reading rule %s of policy %s of Okta authorization server %s", ruleID, policyID, asID)
	got, resp, err := r.client.AuthorizationServer.GetAuthorizationServerPolicyRule(ctx, asID, policyID, ruleID)
	if err != nil {
		return nil, BoundError(r.explainRead(what, scopeAuthServers, "authorization servers", resp, err))
	}
	if got == nil || got.Id != ruleID {
		return nil, fmt.Errorf("%s: Okta's answer is not the rule", what)
	}
	pr := &PolicyRule{AuthServerID: asID, PolicyID: policyID, ID: got.Id, Name: got.Name, Status: got.Status, Type: got.Type, Priority: got.Priority}
	if got.PriorityPtr != nil {
		pr.Priority = *got.PriorityPtr
	}
	if c := got.Conditions; c != nil {
		if c.GrantTypes != nil {
			pr.GrantTypes = c.GrantTypes.Include
		}
		if c.Scopes != nil {
			pr.Scopes = c.Scopes.Include
		}
		if c.People != nil && c.People.Groups != nil {
			pr.Groups = c.People.Groups.Include
		}
		if c.People != nil && c.People.Users != nil {
			pr.Users = c.People.Users.Include
		}
	}
	if a := got.Actions; a != nil && a.Token != nil {
		t := a.Token
		pr.AccessTokenLifetime = derefOr(t.AccessTokenLifetimeMinutesPtr, t.AccessTokenLifetimeMinutes)
		pr.RefreshTokenLifetime = derefOr(t.RefreshTokenLifetimeMinutesPtr, t.RefreshTokenLifetimeMinutes)
		pr.RefreshTokenWindow = derefOr(t.RefreshTokenWindowMinutesPtr, t.RefreshTokenWindowMinutes)
	}
	return pr, nil
}

func derefOr(p *int64, v int64) int64 {
	if p != nil {
		return *p
	}
	return v
}
