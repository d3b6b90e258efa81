package checks

import "testing"

// TestAnAppsIssuerModeDoesNotNameACustomServersIssuer: the app's
// issuer_mode sets the issuer of the org authorization server only; "Updating
// the Issuer setting to Custom URL under the Sign On tab of the OIDC
// application does not affect the Default Custom Authorization Server or any
// additional Custom Authorization Servers in the organization" (Okta support,
// "Use of the Issuer located under the OpenID Connect ID Token app settings";
// okta-developer-docs guides/custom-url-domain: change the issuer "for your
// OpenID Connect applications that are using the Org authorization server").
// A custom server's tokens carry what its own issuerMode says. So an app left
// at CUSTOM_URL in an org with a custom domain, signing W&B in through
// https://acme.okta.com/oauth2/default whose server is ORG_URL, works: no
// finding, and a plan keeps the app's mode.
func TestAnAppsIssuerModeDoesNotNameACustomServersIssuer(t *testing.T) {
	d := desired()
	d.Issuer = "https://acme.okta.com/oauth2/default"
	d.TerraformValues = []string{ValueIssuerMode}
	app := goodApp()
	app.IssuerMode = IssuerModeCustomURL
	as := &AuthServer{ID: "default", Status: "ACTIVE", IssuerMode: IssuerModeOrgURL}
	if fs := IssuerMode(d, app, as); len(fs) != 0 {
		t.Fatalf("findings = %+v, want none: the app's issuer_mode does not reach a custom server's tokens", fs)
	}
	if got := DesiredIssuerMode(d, app); got != IssuerModeCustomURL {
		t.Fatalf("DesiredIssuerMode = %s, want the app's own CUSTOM_URL kept", got)
	}
	// The server's own mode is still judged.
	as.IssuerMode = IssuerModeCustomURL
	if fs := IssuerMode(d, app, as); len(fs) != 1 || fs[0].Field != "authorizationServer.issuerMode" {
		t.Fatalf("findings = %+v, want the server's issuerMode", fs)
	}
	// The org authorization server's issuer is still the app's to set.
	d.Issuer = "https://acme.okta.com"
	if fs := IssuerMode(d, app, nil); len(fs) != 1 || fs[0].Field != "settings.oauthClient.issuer_mode" {
		t.Fatalf("findings = %+v, want the app's issuer_mode for the org authorization server", fs)
	}
}
