package source

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/driftd/driftd/checks"
)

// recordedWildcardApp is the app real Okta answered in the okta provider's
// acceptance test TestAccResourceOktaAppOauth_redirect_uris (okta-vcr
// 6.12.0, classic-00.yaml, the GET after create; its client secret blanked):
// wildcard_redirect SUBDOMAIN with https://*.example.com/ registered. change
// edits it as an admin would in the console.
func recordedWildcardApp(t *testing.T, change func(app map[string]any)) (*checks.OktaApp, string) {
	t.Helper()
	raw, err := os.ReadFile("testdata/realapps/vcr-TestAccResourceOktaAppOauth_redirect_uris.json")
	if err != nil {
		t.Fatal(err)
	}
	var app map[string]any
	if err := json.Unmarshal(raw, &app); err != nil {
		t.Fatal(err)
	}
	change(app)
	doc, err := json.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/apps/0oauj9h391VrNy4bJ1d7" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: srv.URL, Token: "t", Retry: testPolicy})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.App(context.Background(), "0oauj9h391VrNy4bJ1d7")
	if err != nil {
		t.Fatalf("reading the recorded app: %v", err)
	}
	return got, srv.URL
}

func TestARecordedWildcardAppAcceptsTheWandbCallback(t *testing.T) {
	cases := []struct {
		name     string
		uris     []string
		wildcard string
		want     checks.Severity // "" for no okta.redirect_uris finding
	}{
		{"the recorded https://*.example.com/ does not match the callback's path", nil, "", checks.SeverityError},
		{"a wildcard callback under SUBDOMAIN accepts wandb.example.com", []string{"https://*.example.com/oidc/callback"}, "", ""},
		{"a partial-label wildcard under SUBDOMAIN accepts wandb.example.com", []string{"https://wan*.example.com/oidc/callback"}, "", ""},
		{"the same wildcard with wildcard_redirect DISABLED is a literal Okta rejects", []string{"https://*.example.com/oidc/callback"}, "DISABLED", checks.SeverityError},
		{"a wildcard one label too high does not span two labels", []string{"https://*.com/oidc/callback"}, "", checks.SeverityError},
		{"a wildcard on http never matches", []string{"http://*.example.com/oidc/callback"}, "", checks.SeverityError},
		{"an unused wildcard beside the exact callback is only extra", []string{"https://wandb.example.com/oidc/callback", "https://*.other.com/oidc/callback"}, "", checks.SeverityWarning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app, org := recordedWildcardApp(t, func(app map[string]any) {
				s := oauthSettings(app)
				if tc.uris != nil {
					s["redirect_uris"] = tc.uris
				}
				if tc.wildcard != "" {
					s["wildcard_redirect"] = tc.wildcard
				}
			})
			d := &checks.Desired{Target: "prod", WandbURL: "https://wandb.example.com", OktaAppID: app.ID, ClientID: app.ClientID,
				Issuer: org, AuthMethod: checks.Implicit, RedirectURIs: checks.DefaultRedirectURIs("https://wandb.example.com")}
			var got checks.Severity
			for _, f := range checks.RedirectURIs(d, app) {
				got = f.Severity
			}
			if got != tc.want {
				t.Fatalf("okta.redirect_uris severity %q, want %q (app wildcard_redirect %q, uris %v)", got, tc.want, app.WildcardRedirect, app.RedirectURIs)
			}
		})
	}
}
