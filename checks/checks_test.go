package checks

import (
	"slices"
	"testing"
)

func desired() *Desired {
	return &Desired{
		Target: "prod", WandbURL: "https://wandb.acme.com", OktaAppID: "0oa1", ClientID: "0oa1client",
		Issuer: "https://acme.okta.com", AuthMethod: Implicit,
		RedirectURIs:           DefaultRedirectURIs("https://wandb.acme.com"),
		PostLogoutRedirectURIs: DefaultPostLogoutRedirectURIs("https://wandb.acme.com"),
		GrantTypes:             DefaultGrantTypes(),
		CORSOrigins:            DefaultCORSOrigins("https://wandb.acme.com"),
	}
}

func goodApp() *OktaApp {
	return &OktaApp{
		ID: "0oa1", Status: "ACTIVE", SignOnMode: "OPENID_CONNECT", ApplicationType: "browser", ClientID: "0oa1client",
		RedirectURIs: []string{"https://wandb.acme.com/oidc/callback"}, PostLogoutRedirectURIs: []string{"https://wandb.acme.com/logout"},
		GrantTypes: []string{"authorization_code", "implicit"}, ResponseTypes: []string{"code", "id_token", "token"},
		TokenEndpointAuthMethod: "none", PKCERequired: true, IssuerMode: "ORG_URL",
	}
}

func goodEnv() *WandbEnv {
	return &WandbEnv{Vars: map[string]string{
		"OIDC_CLIENT_ID": "0oa1client", "OIDC_ISSUER": "https://acme.okta.com", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com, null",
	}}
}

func goodDiscovery() *Discovery {
	return &Discovery{URL: "https://acme.okta.com/.well-known/openid-configuration", Found: true, Issuer: "https://acme.okta.com",
		ResponseTypesSupported: []string{"code", "id_token", "code id_token", "id_token token"}, CodeChallengeMethodsSupported: []string{"S256"}}
}

// want describes the findings a case expects: check id -> severity.
type want map[string]Severity

func run(t *testing.T, d *Desired, o *Observed, w want) []Finding {
	t.Helper()
	got := Evaluate(d, o)
	seen := map[string]Severity{}
	for _, f := range got {
		if f.Target != d.Target || f.Message == "" || f.Field == "" {
			t.Errorf("finding %+v lacks target, field or message", f)
		}
		if prev, ok := seen[f.Check]; !ok || prev == SeverityWarning {
			seen[f.Check] = f.Severity
		}
	}
	for id, sev := range w {
		if seen[id] != sev {
			t.Errorf("%s: got severity %q, want %q (findings: %+v)", id, seen[id], sev, got)
		}
	}
	for id := range seen {
		if _, ok := w[id]; !ok {
			t.Errorf("unexpected finding %s: %+v", id, got)
		}
	}
	return got
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name string
		d    func(*Desired)
		app  func(*OktaApp)
		env  func(map[string]string)
		disc func(*Discovery)
		want want
	}{
		{name: "the reference setup is in sync", want: want{}},
		{name: "an inactive app is drift", app: func(a *OktaApp) { a.Status = "INACTIVE" }, want: want{IDAppStatus: SeverityError}},
		{name: "a web app instead of a SPA is drift", app: func(a *OktaApp) { a.ApplicationType = "web" }, want: want{IDAppType: SeverityError}},
		{name: "a SAML app is drift", app: func(a *OktaApp) { a.SignOnMode = "SAML_2_0" }, want: want{IDAppType: SeverityError}},
		{name: "another app's client id is drift", app: func(a *OktaApp) { a.ClientID = "0oaOther" }, want: want{IDClientID: SeverityError}},
		{name: "a changed sign-in redirect is drift with the old one extra", app: func(a *OktaApp) { a.RedirectURIs = []string{"https://wandb.acme.com/callback"} }, want: want{IDRedirectURIs: SeverityError}},
		{name: "an extra sign-in redirect is only a warning", app: func(a *OktaApp) { a.RedirectURIs = append(a.RedirectURIs, "https://old.acme.com/oidc/callback") }, want: want{IDRedirectURIs: SeverityWarning}},
		{name: "an extra sign-in redirect is drift in strict mode", d: func(d *Desired) { d.Strict = true }, app: func(a *OktaApp) { a.RedirectURIs = append(a.RedirectURIs, "https://old.acme.com/oidc/callback") }, want: want{IDRedirectURIs: SeverityError}},
		{name: "redirects differing only in host case and default port are in sync", app: func(a *OktaApp) { a.RedirectURIs = []string{"HTTPS://WANDB.Acme.com:443/oidc/callback"} }, want: want{}},
		{name: "a redirect with a different path case is drift", app: func(a *OktaApp) { a.RedirectURIs = []string{"https://wandb.acme.com/OIDC/callback"} }, want: want{IDRedirectURIs: SeverityError}},
		{name: "the order of redirect URIs never matters", d: func(d *Desired) { d.RedirectURIs = []string{"https://a.acme.com/cb", "https://b.acme.com/cb"} }, app: func(a *OktaApp) { a.RedirectURIs = []string{"https://b.acme.com/cb", "https://a.acme.com/cb"} }, want: want{}},
		{name: "a missing sign-out redirect is drift", app: func(a *OktaApp) { a.PostLogoutRedirectURIs = nil }, want: want{IDPostLogoutRedirectURIs: SeverityError}},
		{name: "an extra sign-out redirect is a warning", app: func(a *OktaApp) { a.PostLogoutRedirectURIs = append(a.PostLogoutRedirectURIs, "https://x.acme.com/") }, want: want{IDPostLogoutRedirectURIs: SeverityWarning}},
		{name: "a missing implicit grant is drift", app: func(a *OktaApp) { a.GrantTypes = []string{"authorization_code"} }, want: want{IDGrantTypes: SeverityError}},
		{name: "an extra refresh_token grant is a warning", app: func(a *OktaApp) { a.GrantTypes = append(a.GrantTypes, "refresh_token") }, want: want{IDGrantTypes: SeverityWarning}},
		{name: "an extra grant is drift in strict mode", d: func(d *Desired) { d.Strict = true }, app: func(a *OktaApp) { a.GrantTypes = append(a.GrantTypes, "refresh_token") }, want: want{IDGrantTypes: SeverityError}},
		{name: "implicit without the token response type is drift", app: func(a *OktaApp) { a.ResponseTypes = []string{"code", "id_token"} }, want: want{IDResponseTypes: SeverityError}},
		{name: "pkce needs only the code response type", d: func(d *Desired) { d.AuthMethod = PKCE }, app: func(a *OktaApp) { a.ResponseTypes = []string{"code"} }, env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "pkce" }, want: want{}},
		{name: "pkce without the code response type is drift", d: func(d *Desired) { d.AuthMethod = PKCE }, app: func(a *OktaApp) { a.ResponseTypes = []string{"id_token", "token"} }, env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "pkce" }, want: want{IDResponseTypes: SeverityError}},
		{name: "a client secret on the token endpoint is only a warning under implicit, which never calls it", app: func(a *OktaApp) { a.TokenEndpointAuthMethod = "client_secret_basic" }, want: want{IDTokenAuth: SeverityWarning}},
		{name: "a client secret on the token endpoint is drift under pkce", d: func(d *Desired) { d.AuthMethod = PKCE }, app: func(a *OktaApp) { a.TokenEndpointAuthMethod = "client_secret_basic" }, env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "pkce" }, want: want{IDTokenAuth: SeverityError}},
		{name: "pkce without pkce_required is drift", d: func(d *Desired) { d.AuthMethod = PKCE }, app: func(a *OktaApp) { a.PKCERequired = false }, env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "pkce" }, want: want{IDTokenAuth: SeverityError}},
		{name: "a CUSTOM_URL app whose tokens name the custom domain is drift for an issuer on the Okta domain", app: func(a *OktaApp) { a.IssuerMode = "CUSTOM_URL" }, want: want{IDIssuerMode: SeverityError}},
		{name: "a DYNAMIC app yields the Okta domain issuer", app: func(a *OktaApp) { a.IssuerMode = "DYNAMIC" }, want: want{}},
		{name: "a CUSTOM_URL app yields a custom domain issuer", d: func(d *Desired) { d.Issuer = "https://login.acme.com" }, app: func(a *OktaApp) { a.IssuerMode = "CUSTOM_URL" },
			env: func(e map[string]string) { e["OIDC_ISSUER"] = "https://login.acme.com" }, disc: func(d *Discovery) { d.Issuer = "https://login.acme.com" }, want: want{}},
		{name: "an ORG_URL app is drift for a custom domain issuer", d: func(d *Desired) { d.Issuer = "https://login.acme.com" },
			env: func(e map[string]string) { e["OIDC_ISSUER"] = "https://login.acme.com" }, disc: func(d *Discovery) { d.Issuer = "https://login.acme.com" }, want: want{IDIssuerMode: SeverityError}},
		{name: "an answer without issuer_mode is only a warning", app: func(a *OktaApp) { a.IssuerMode = "" }, want: want{IDIssuerMode: SeverityWarning}},
		{name: "implicit does not need pkce_required", app: func(a *OktaApp) { a.PKCERequired = false }, want: want{}},
		{name: "an unset OIDC_CLIENT_ID is drift", env: func(e map[string]string) { delete(e, "OIDC_CLIENT_ID") }, want: want{IDWandbClientID: SeverityError}},
		{name: "a wrong OIDC_CLIENT_ID is drift", env: func(e map[string]string) { e["OIDC_CLIENT_ID"] = "0oaOld" }, want: want{IDWandbClientID: SeverityError}},
		{name: "GORILLA_OIDC_CLIENT_ID alone counts as the client id", env: func(e map[string]string) { delete(e, "OIDC_CLIENT_ID"); e["GORILLA_OIDC_CLIENT_ID"] = "0oa1client" }, want: want{}},
		{name: "a disagreeing GORILLA_OIDC_CLIENT_ID is drift", env: func(e map[string]string) { e["GORILLA_OIDC_CLIENT_ID"] = "0oaOld" }, want: want{IDWandbClientID: SeverityError}},
		{name: "an issuer with a trailing slash is drift", env: func(e map[string]string) { e["OIDC_ISSUER"] = "https://acme.okta.com/" }, want: want{IDWandbIssuer: SeverityError}},
		{name: "the -admin host as issuer is drift", env: func(e map[string]string) { e["OIDC_ISSUER"] = "https://acme-admin.okta.com" }, want: want{IDWandbIssuer: SeverityError}},
		{name: "an issuer differing only in case is drift because W&B compares bytes", env: func(e map[string]string) { e["OIDC_ISSUER"] = "https://ACME.okta.com" }, want: want{IDWandbIssuer: SeverityError}},
		{name: "a disagreeing GORILLA_OIDC_ISSUER is drift", env: func(e map[string]string) { e["GORILLA_OIDC_ISSUER"] = "https://acme.okta.com/oauth2/default" }, want: want{IDWandbIssuer: SeverityError}},
		{name: "an unset OIDC_ISSUER is drift", env: func(e map[string]string) { delete(e, "OIDC_ISSUER") }, want: want{IDWandbIssuer: SeverityError}},
		{name: "an unset auth method means implicit", env: func(e map[string]string) { delete(e, "OIDC_AUTH_METHOD") }, want: want{}},
		{name: "pkce in W&B while implicit is declared is drift", env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "pkce" }, want: want{IDWandbAuthMethod: SeverityError}},
		{name: "a disagreeing GORILLA_AUTH_METHOD is drift", env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "implicit"; e["GORILLA_AUTH_METHOD"] = "pkce" }, want: want{IDWandbAuthMethod: SeverityError}},
		{name: "CORS origins without null are drift", env: func(e map[string]string) { e["GORILLA_CORS_ORIGINS"] = "https://wandb.acme.com" }, want: want{IDWandbCORSOrigins: SeverityError}},
		{name: "CORS origins without the W&B host are drift", env: func(e map[string]string) { e["GORILLA_CORS_ORIGINS"] = "null" }, want: want{IDWandbCORSOrigins: SeverityError}},
		{name: "CORS origins in another order without spaces are in sync", env: func(e map[string]string) {
			e["GORILLA_CORS_ORIGINS"] = "null,https://WANDB.acme.com:443,https://extra.acme.com"
		}, want: want{}},
		{name: "unset CORS origins are drift", env: func(e map[string]string) { delete(e, "GORILLA_CORS_ORIGINS") }, want: want{IDWandbCORSOrigins: SeverityError}},
		{name: "LOCAL_RESTORE=true switches SSO off", env: func(e map[string]string) { e["LOCAL_RESTORE"] = "true" }, want: want{IDWandbSSOEnabled: SeverityError}},
		{name: "LOCAL_RESTORE=false is fine", env: func(e map[string]string) { e["LOCAL_RESTORE"] = "false" }, want: want{}},
		{name: "a discovery 404 is drift", disc: func(d *Discovery) { *d = Discovery{URL: d.URL, Found: false} }, want: want{IDDiscovery: SeverityError}},
		{name: "a discovery document naming another issuer is drift", disc: func(d *Discovery) { d.Issuer = "https://acme.okta.com/oauth2/default" }, want: want{IDDiscovery: SeverityError}},
		{name: "an issuer without id_token token support is drift for implicit", disc: func(d *Discovery) { d.ResponseTypesSupported = []string{"code"} }, want: want{IDDiscovery: SeverityError}},
		{name: "an issuer without S256 is drift for pkce", d: func(d *Desired) { d.AuthMethod = PKCE }, env: func(e map[string]string) { e["OIDC_AUTH_METHOD"] = "pkce" }, disc: func(d *Discovery) { d.CodeChallengeMethodsSupported = []string{"plain"} }, want: want{IDDiscovery: SeverityError}},
		{name: "an ignored check reports nothing", d: func(d *Desired) { d.Ignore = []string{IDWandbCORSOrigins} }, env: func(e map[string]string) { e["GORILLA_CORS_ORIGINS"] = "" }, want: want{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, app, env, disc := desired(), goodApp(), goodEnv(), goodDiscovery()
			for _, f := range []func(){
				func() { callIf(tc.d, d) }, func() { callIf(tc.app, app) }, func() { callIf(tc.env, env.Vars) }, func() { callIf(tc.disc, disc) },
			} {
				f()
			}
			run(t, d, &Observed{Okta: app, Env: env, Discovery: disc}, tc.want)
		})
	}
}

func callIf[T any](f func(T), v T) {
	if f != nil {
		f(v)
	}
}

func TestAChangedRedirectReportsWhatIsMissingAndExtra(t *testing.T) {
	app := goodApp()
	app.RedirectURIs = []string{"https://wandb.acme.com/callback"}
	fs := RedirectURIs(desired(), app)
	if len(fs) != 1 {
		t.Fatalf("got %d findings", len(fs))
	}
	f := fs[0]
	if !slices.Equal(f.Missing, []string{"https://wandb.acme.com/oidc/callback"}) || !slices.Equal(f.Extra, []string{"https://wandb.acme.com/callback"}) || !f.Fixable {
		t.Errorf("finding = %+v", f)
	}
}

func TestMissingNullNamesTheBrowserError(t *testing.T) {
	env := goodEnv()
	env.Vars["GORILLA_CORS_ORIGINS"] = "https://wandb.acme.com"
	fs := WandbCORSOrigins(desired(), env)
	if len(fs) != 1 || fs[0].Message != "Add `null` to GORILLA_CORS_ORIGINS: users see \"request from invalid origin: null\" after the Okta redirect otherwise." {
		t.Errorf("findings = %+v", fs)
	}
}

func TestUnobservedSourcesRunNoChecks(t *testing.T) {
	if got := Evaluate(desired(), &Observed{}); len(got) != 0 {
		t.Errorf("no observations must give no findings, got %+v", got)
	}
}

func TestNormalizeURI(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://Wandb.Acme.COM:443/oidc/callback": "https://wandb.acme.com/oidc/callback",
		"http://localhost:80/x":                    "http://localhost/x",
		"http://127.0.0.1:8080/x":                  "http://127.0.0.1:8080/x",
		"https://[::1]:443/":                       "https://[::1]/",
		"null":                                     "null",
		" https://a.b ":                            "https://a.b",
	} {
		if got := NormalizeURI(in); got != want {
			t.Errorf("NormalizeURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsOktaAdminHost(t *testing.T) {
	for in, want := range map[string]bool{
		"https://dev-1-admin.okta.com": true, "https://acme-admin.oktapreview.com/oauth2/default": true,
		"https://dev-1.okta.com": false, "https://admin.acme.com": false,
	} {
		if got := IsOktaAdminHost(in); got != want {
			t.Errorf("IsOktaAdminHost(%q) = %v", in, got)
		}
	}
}

// TestRedirectMatchesOktasWildcardExamples pins the examples of
// okta-management-openapi 2026.06.3 (wildcard_redirect, SUBDOMAIN).
func TestRedirectMatchesOktasWildcardExamples(t *testing.T) {
	const pattern = "https://redirect-*-domain.example.com/oidc/redirect"
	for uri, want := range map[string]bool{
		"https://redirect-1-domain.example.com/oidc/redirect":     true,
		"https://redirect-sub-domain.example.com/oidc/redirect":   true,
		"https://redirect-1.sub-domain.example.com/oidc/redirect": false,
		"https://redirect-1-domain.example.com/oidc/other":        false,
		"http://redirect-1-domain.example.com/oidc/redirect":      false,
		"https://redirect-1-domain.example.org/oidc/redirect":     false,
	} {
		if got := RedirectMatches(WildcardSubdomain, pattern, uri); got != want {
			t.Errorf("SUBDOMAIN: %s matches %s = %v, want %v", pattern, uri, got, want)
		}
		if got := RedirectMatches("DISABLED", pattern, uri); got {
			t.Errorf("DISABLED: %s matched %s", pattern, uri)
		}
	}
}

func TestACustomAuthorizationServersIssuerModeIsJudgedToo(t *testing.T) {
	d := desired()
	d.Issuer = "https://acme.okta.com/oauth2/aus1"
	// The spec's example server (okta-management-openapi 2026.06.3,
	// AuthorizationServer examples) with issuerMode CUSTOM_URL.
	as := &AuthServer{ID: "aus1", Name: "Sample Authorization Server", Status: "ACTIVE", IssuerMode: "CUSTOM_URL"}
	fs := IssuerMode(d, goodApp(), as)
	if len(fs) != 1 || fs[0].Field != "authorizationServer.issuerMode" || fs[0].Severity != SeverityError || fs[0].Expected != "ORG_URL" {
		t.Fatalf("findings = %+v", fs)
	}
	as.IssuerMode = "DYNAMIC"
	if fs := IssuerMode(d, goodApp(), as); len(fs) != 0 {
		t.Fatalf("a DYNAMIC server yields either issuer, got %+v", fs)
	}
}

func TestTheDesiredIssuerModeKeepsAModeThatWorks(t *testing.T) {
	d := desired()
	for mode, want := range map[string]string{"DYNAMIC": "DYNAMIC", "ORG_URL": "ORG_URL", "CUSTOM_URL": "ORG_URL"} {
		app := goodApp()
		app.IssuerMode = mode
		if got := DesiredIssuerMode(d, app); got != want {
			t.Errorf("app %s: desired %s, want %s", mode, got, want)
		}
	}
	d.Issuer = "https://login.acme.com"
	if got := DesiredIssuerMode(d, goodApp()); got != "CUSTOM_URL" {
		t.Errorf("custom domain: desired %s", got)
	}
	// okta.org_url may name the custom domain too: its tokens still need
	// CUSTOM_URL.
	d.OktaOrg = "https://login.acme.com"
	if got := DesiredIssuerMode(d, goodApp()); got != "CUSTOM_URL" {
		t.Errorf("custom domain as org URL: desired %s", got)
	}
}

// TestRedirectWildcardEdgeCases: W&B callbacks a real install holds against
// a SUBDOMAIN wildcard (okta-management-openapi 2026.06.3, wildcard_redirect):
// the `*` matches one label's hostname characters, never the empty string,
// a dot or another port; scheme and host compare case-insensitively with
// the default port, the path exactly; a wildcard outside the lowest-level
// label, or right under the top-level domain, matches nothing.
func TestRedirectWildcardEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		pattern, uri string
		want         bool
	}{
		{"https://*.example.com/oidc/callback", "https://wandb.example.com/oidc/callback", true},
		{"HTTPS://*.Example.com/oidc/callback", "https://WANDB.example.com/oidc/callback", true},
		{"https://*.example.com:443/oidc/callback", "https://wandb.example.com/oidc/callback", true},
		{"https://*.example.com:8443/oidc/callback", "https://wandb.example.com:8443/oidc/callback", true},
		{"https://*.example.com/oidc/callback", "https://wandb.example.com:8443/oidc/callback", false},
		{"https://*.example.com/oidc/callback", "https://a.b.example.com/oidc/callback", false},
		{"https://*.example.com/oidc/callback", "https://example.com/oidc/callback", false},
		{"https://w*.example.com/oidc/callback", "https://w.example.com/oidc/callback", false},
		{"https://*.example.com/oidc/callback", "https://a_b.example.com/oidc/callback", false},
		{"https://*.example.com/oidc/callback", "https://wandb.example.com/OIDC/callback", false},
		{"https://*.example.com/oidc/callback", "https://wandb.example.com/oidc/callback/", false},
		{"https://*.example.com/oidc/callback", "https://wandb.example.com/oidc/callback?x=1", false},
		{"https://*.*.example.com/oidc/callback", "https://a.b.example.com/oidc/callback", false},
		{"https://wandb.*.example.com/oidc/callback", "https://wandb.eu.example.com/oidc/callback", false},
		{"https://*.com/oidc/callback", "https://example.com/oidc/callback", false},
		{"https://*.example.com/oidc/*", "https://a.example.com/oidc/callback", false},
	} {
		if got := RedirectMatches(WildcardSubdomain, tc.pattern, tc.uri); got != tc.want {
			t.Errorf("%s matches %s = %v, want %v", tc.pattern, tc.uri, got, tc.want)
		}
	}
}
