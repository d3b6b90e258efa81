package oktasim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/okta/okta-sdk-golang/v2/okta"
)

func grants(gs ...string) []*okta.OAuthGrantType {
	out := make([]*okta.OAuthGrantType, len(gs))
	for i, g := range gs {
		v := okta.OAuthGrantType(g)
		out[i] = &v
	}
	return out
}

func responses(rs ...string) []*okta.OAuthResponseType {
	out := make([]*okta.OAuthResponseType, len(rs))
	for i, r := range rs {
		v := okta.OAuthResponseType(r)
		out[i] = &v
	}
	return out
}

// appUpdateCases are changes to the W&B app and Okta's answer to each.
var appUpdateCases = []struct {
	name   string
	change func(*okta.OpenIdConnectApplication)
	want   string // "" means accepted
}{
	{"token auth none without pkce_required is refused", func(a *okta.OpenIdConnectApplication) { a.Credentials.OauthClient.PkceRequired = ptr(false) },
		"'pkce_required' must be set to true when 'token_endpoint_auth_method' is 'none'"},
	{"implicit without a token or id_token response type is refused", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.ResponseTypes = responses("code") },
		"'response_types' must contain at least one of ['token', 'id_token'] when 'grant_types' contains 'implicit'"},
	{"authorization_code without the code response type is refused", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.ResponseTypes = responses("id_token", "token")
	},
		"'response_types' must contain 'code' when 'grant_types' contains 'authorization_code'"},
	{"a browser app with client_credentials is refused", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.GrantTypes = grants("authorization_code", "implicit", "client_credentials")
	}, "'client_credentials' is not a valid grant type for an app of type 'browser'"},
	{"no grant types is refused", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.GrantTypes = nil }, "grant_types: The field cannot be left blank."},
	{"changing the application type is refused", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.ApplicationType = "web" }, "application_type cannot be changed"},
	{"an unknown token auth method is refused", func(a *okta.OpenIdConnectApplication) {
		a.Credentials.OauthClient.TokenEndpointAuthMethod = "client_secret_magic"
	},
		"token_endpoint_auth_method: 'client_secret_magic' is invalid"},
	{"no redirect URI for a redirect-based app is refused", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.RedirectUris = nil }, "At least one redirect URI is required."},
	{"a redirect URI with a fragment is refused", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.RedirectUris = []string{"https://wandb.acme.test/cb#x"}
	},
		"must not include a fragment component"},
	{"a relative redirect URI is refused", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.RedirectUris = []string{"/oidc/callback"}
	}, "must be absolute URIs"},
	{"a wildcard redirect URI without SUBDOMAIN mode is refused", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.RedirectUris = []string{"https://wandb-*.acme.test/cb"}
	}, "redirect_uris: 'https://wandb-*.acme.test/cb' is invalid"},
	{"a wildcard right under the top-level domain is refused", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.WildcardRedirect = "SUBDOMAIN"
		a.Settings.OauthClient.RedirectUris = []string{"https://*.test/cb"}
	}, "above at least one subdomain"},
	{"an unknown issuer mode is refused", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.IssuerMode = "ANY_URL" }, "issuer_mode: 'ANY_URL' is invalid"},
	{"an unknown consent method is refused", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.ConsentMethod = "MAYBE" }, "consent_method: 'MAYBE' is invalid"},
	{"a browser app with a client secret is accepted, as in the provider's browser-pkce-set-false case", func(a *okta.OpenIdConnectApplication) {
		a.Credentials.OauthClient.TokenEndpointAuthMethod = "client_secret_basic"
		a.Credentials.OauthClient.PkceRequired = ptr(false)
	}, ""},
	{"issuer mode CUSTOM_URL is accepted", func(a *okta.OpenIdConnectApplication) { a.Settings.OauthClient.IssuerMode = "CUSTOM_URL" }, ""},
	{"a subdomain wildcard redirect is accepted in SUBDOMAIN mode", func(a *okta.OpenIdConnectApplication) {
		a.Settings.OauthClient.WildcardRedirect = "SUBDOMAIN"
		a.Settings.OauthClient.RedirectUris = []string{"https://wandb-*.acme.test/oidc/callback"}
	}, ""},
}

// TestAppUpdatesAreValidatedLikeOkta sends each change through the real
// SDK's PUT /api/v1/apps/{id} and expects Okta's answer.
func TestAppUpdatesAreValidatedLikeOkta(t *testing.T) {
	cases := appUpdateCases
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, oktasim.Options{})
			id := wandbApp(t, sim)
			c := sswsClient(t, sim)
			ctx := context.Background()
			got, _, err := c.Application.GetApplication(ctx, id, okta.NewOpenIdConnectApplication(), nil)
			if err != nil {
				t.Fatal(err)
			}
			app := got.(*okta.OpenIdConnectApplication)
			tc.change(app)
			_, resp, err := c.Application.UpdateApplication(ctx, id, app)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("a valid change was refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			var oe *okta.Error
			if !errors.As(err, &oe) || oe.ErrorCode != "E0000001" || resp.StatusCode != 400 || !strings.HasPrefix(oe.ErrorSummary, "Api validation failed: ") {
				t.Fatalf("not Okta's validation error shape: %+v (status %d)", oe, resp.StatusCode)
			}
			if after, _ := sim.GetApp(id); after.Settings.OAuthClient.IssuerMode != "ORG_URL" || !after.Credentials.OAuthClient.PKCERequired {
				t.Error("a refused change was stored")
			}
		})
	}
}

// TestCreatedAppsGetOktaDefaults creates apps through the SDK with the
// fields a client may leave out.
func TestCreatedAppsGetOktaDefaults(t *testing.T) {
	cases := []struct {
		name, appType, auth string
		wantPKCE            bool
		wantAuth            string
		wantErr             string
	}{
		{name: "a browser app defaults to client_secret_basic with pkce_required true", appType: "browser", wantPKCE: true, wantAuth: "client_secret_basic"},
		{name: "a native app defaults to pkce_required true", appType: "native", wantPKCE: true, wantAuth: "client_secret_basic"},
		{name: "a web app defaults to pkce_required false", appType: "web", wantPKCE: false, wantAuth: "client_secret_basic"},
		{name: "a browser public client gets pkce_required true", appType: "browser", auth: "none", wantPKCE: true, wantAuth: "none"},
		{name: "a web app cannot be a public client", appType: "web", auth: "none",
			wantErr: "token_endpoint_auth_method: 'token_endpoint_auth_method' is invalid. Valid values: [client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, oktasim.Options{})
			c := sswsClient(t, sim)
			app := okta.NewOpenIdConnectApplication()
			app.Label = "made by the test"
			app.Credentials = &okta.OAuthApplicationCredentials{OauthClient: &okta.ApplicationCredentialsOAuthClient{TokenEndpointAuthMethod: tc.auth}}
			if tc.appType == "web" && tc.auth == "none" {
				app.Credentials.OauthClient.PkceRequired = ptr(true)
			}
			app.Settings = &okta.OpenIdConnectApplicationSettings{OauthClient: &okta.OpenIdConnectApplicationSettingsClient{
				ApplicationType: tc.appType, GrantTypes: grants("authorization_code"), ResponseTypes: responses("code"),
				RedirectUris: []string{"https://example.com/cb"}}}
			got, _, err := c.Application.CreateApplication(context.Background(), app, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			made := got.(*okta.OpenIdConnectApplication)
			oc, cred := made.Settings.OauthClient, made.Credentials.OauthClient
			if oc.ConsentMethod != "TRUSTED" || oc.IssuerMode != "ORG_URL" || oc.WildcardRedirect != "DISABLED" {
				t.Errorf("defaults: consent %s, issuer %s, wildcard %s", oc.ConsentMethod, oc.IssuerMode, oc.WildcardRedirect)
			}
			if *cred.PkceRequired != tc.wantPKCE || cred.TokenEndpointAuthMethod != tc.wantAuth || cred.ClientId != made.Id {
				t.Errorf("credentials: pkce %v, auth %s, client id %s (app %s)", *cred.PkceRequired, cred.TokenEndpointAuthMethod, cred.ClientId, made.Id)
			}
		})
	}
}

func TestTheWandbAppIsAStateOktaCanHold(t *testing.T) {
	for _, pkce := range []bool{false, true} {
		a := oktasim.NewWandbApp("0oa1", "0oa1client", "https://wandb.acme.test", pkce)
		if err := startSim(t, oktasim.Options{}).LoadApp(a); err != nil {
			t.Errorf("pkce=%v: %v", pkce, err)
		}
		oc := a.Settings.OAuthClient
		if !a.Credentials.OAuthClient.PKCERequired || a.Credentials.OAuthClient.TokenEndpointAuthMethod != "none" || oc.ConsentMethod != "TRUSTED" || oc.IssuerMode != "ORG_URL" {
			t.Errorf("pkce=%v: not the realistic SPA: %+v %+v", pkce, a.Credentials.OAuthClient, oc)
		}
	}
}

func TestAdminEditsAreValidatedLikeOkta(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	id := wandbApp(t, sim)
	err := sim.AdminEdit(id, func(a *oktasim.App) { a.Credentials.OAuthClient.PKCERequired = false })
	var ae *oktasim.APIError
	if !errors.As(err, &ae) || ae.Code != "E0000001" || !strings.Contains(err.Error(), "'pkce_required' must be set to true") {
		t.Fatalf("an impossible console edit was not refused with Okta's error: %v", err)
	}
	if err := sim.AdminEdit(id, func(a *oktasim.App) { a.Settings.OAuthClient.IssuerMode = "CUSTOM_URL" }); err != nil {
		t.Fatalf("a console edit real Okta allows was refused: %v", err)
	}
	if got, _ := sim.GetApp(id); got.Settings.OAuthClient.IssuerMode != "CUSTOM_URL" || !got.Credentials.OAuthClient.PKCERequired {
		t.Errorf("the edit did not land as made: %+v", got.Settings.OAuthClient)
	}
	bad := oktasim.NewWandbApp("0oabad", "0oabad", "https://wandb.acme.test", true)
	bad.Credentials.OAuthClient.PKCERequired = false
	if err := sim.LoadApp(bad); err == nil {
		t.Error("LoadApp took an app real Okta cannot hold")
	}
	defer func() {
		if recover() == nil {
			t.Error("PutApp took an app real Okta cannot hold")
		}
	}()
	sim.PutApp(bad)
}
