package source

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"testing"

	"github.com/driftd/driftd/checks"
)

// realApp is an app document as Okta serves it: the OpenAPI spec's
// OpenidConnectResponseEx (okta/okta-management-openapi-spec,
// dist/current/management-oneOfInheritance.yaml, commit fdda229e, saved as
// testdata/realapps/openapi-OpenidConnectResponseEx.json), optionally
// changed the way an admin would change it in the console.
func realApp(t *testing.T, change func(app map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/realapps/openapi-OpenidConnectResponseEx.json")
	if err != nil {
		t.Fatal(err)
	}
	var app map[string]any
	if err := json.Unmarshal(raw, &app); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(app)
	}
	out, err := json.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func oauthSettings(app map[string]any) map[string]any {
	return app["settings"].(map[string]any)["oauthClient"].(map[string]any)
}

func oauthCredentials(app map[string]any) map[string]any {
	return app["credentials"].(map[string]any)["oauthClient"].(map[string]any)
}

// asWandbSPA is the spec's example app reconfigured in the console as W&B's
// Okta guide says: a Single-Page Application with Authorization Code and
// Implicit (hybrid), W&B's redirects, a public client with PKCE. The
// console keeps the example's issuer_mode DYNAMIC.
func asWandbSPA(app map[string]any) {
	s := oauthSettings(app)
	s["application_type"] = "browser"
	s["grant_types"] = []string{"authorization_code", "implicit"}
	s["redirect_uris"] = []string{"https://example.com/oidc/callback"}
	s["post_logout_redirect_uris"] = []string{"https://example.com/logout"}
	c := oauthCredentials(app)
	c["token_endpoint_auth_method"] = "none"
	c["pkce_required"] = true
	delete(c, "client_secret")
}

func TestRealOktaAppDocumentsGetTheRightVerdict(t *testing.T) {
	cases := []struct {
		name   string
		method checks.AuthMethod
		change func(map[string]any)
		errors []string
	}{
		// Its client secret is only a warning under implicit, which never
		// calls the token endpoint.
		{"the spec's native example app is not a W&B SPA (implicit)", checks.Implicit, nil,
			[]string{checks.IDAppType, checks.IDGrantTypes, checks.IDPostLogoutRedirectURIs, checks.IDRedirectURIs}},
		{"the spec's native example app is not a W&B SPA (pkce)", checks.PKCE, nil,
			[]string{checks.IDAppType, checks.IDGrantTypes, checks.IDPostLogoutRedirectURIs, checks.IDRedirectURIs, checks.IDTokenAuth}},
		{"the example made a W&B SPA in the console is in sync (implicit)", checks.Implicit, asWandbSPA, nil},
		{"the example made a W&B SPA in the console is in sync (pkce)", checks.PKCE, asWandbSPA, nil},
		{"a deactivated W&B SPA fails only the status check", checks.Implicit, func(app map[string]any) {
			asWandbSPA(app)
			app["status"] = "INACTIVE"
		}, []string{checks.IDAppStatus}},
		{"a W&B SPA whose implicit response types were unticked fails implicit sign-in", checks.Implicit, func(app map[string]any) {
			asWandbSPA(app)
			oauthSettings(app)["response_types"] = []string{"code"}
			oauthSettings(app)["grant_types"] = []string{"authorization_code"}
		}, []string{checks.IDGrantTypes, checks.IDResponseTypes}},
		{"a W&B SPA turned confidential (client secret) fails token auth", checks.PKCE, func(app map[string]any) {
			asWandbSPA(app)
			oauthCredentials(app)["token_endpoint_auth_method"] = "client_secret_basic"
			oauthCredentials(app)["client_secret"] = "never-shown"
		}, []string{checks.IDTokenAuth}},
		{"a W&B SPA switched to the custom domain's issuer rejects tokens for the org URL issuer", checks.Implicit, func(app map[string]any) {
			asWandbSPA(app)
			oauthSettings(app)["issuer_mode"] = "CUSTOM_URL"
		}, []string{checks.IDIssuerMode}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := realApp(t, tc.change)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/v1/apps/0oafxqCAJWWGELFTYASJ" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(doc)
			}))
			defer srv.Close()
			r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: srv.URL, Token: "t", Retry: testPolicy})
			if err != nil {
				t.Fatal(err)
			}
			app, err := r.App(context.Background(), "0oafxqCAJWWGELFTYASJ")
			if err != nil {
				t.Fatalf("reading a real app document: %v", err)
			}
			d := &checks.Desired{Target: "prod", WandbURL: "https://example.com", OktaAppID: "0oafxqCAJWWGELFTYASJ",
				ClientID: "0oahonkqCRR6TSNlg4", Issuer: srv.URL, AuthMethod: tc.method,
				RedirectURIs: checks.DefaultRedirectURIs("https://example.com"), PostLogoutRedirectURIs: checks.DefaultPostLogoutRedirectURIs("https://example.com"),
				GrantTypes: checks.DefaultGrantTypes(), CORSOrigins: checks.DefaultCORSOrigins("https://example.com")}
			var failing []string
			for _, f := range checks.Evaluate(d, &checks.Observed{Okta: app}) {
				if f.Severity == checks.SeverityError && !slices.Contains(failing, f.Check) {
					failing = append(failing, f.Check)
				}
			}
			sort.Strings(failing)
			if !slices.Equal(failing, tc.errors) {
				t.Fatalf("failing checks %v, want %v", failing, tc.errors)
			}
		})
	}
}
