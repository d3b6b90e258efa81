package checks

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Issuer modes of an app (settings.oauthClient.issuer_mode) and of a custom
// authorization server (issuerMode), okta-management-openapi 2026.06.3
// OpenIdConnectApplicationIssuerMode: ORG_URL puts "the URL of your Okta
// organization" in the tokens' iss; CUSTOM_URL the custom domain; DYNAMIC
// the domain the request was made to ("A request for the ID token made from
// the custom domain has the custom URL as the issuer. A request ... made
// from an Okta org has the Org URL as the issuer").
const (
	IssuerModeOrgURL    = "ORG_URL"
	IssuerModeCustomURL = "CUSTOM_URL"
	IssuerModeDynamic   = "DYNAMIC"
)

// ValueIssuerMode is the desired value of the app's issuer_mode for a
// remediation.terraform.vars entry: the app's current mode when it yields
// the desired issuer, else the mode that does (DesiredIssuerMode).
const ValueIssuerMode = "okta.issuer_mode"

// NeededIssuerMode is the issuer mode whose tokens carry issuer: ORG_URL
// when the issuer is on an Okta org domain (Okta's own domains, IsOktaDomain,
// and its government clouds), CUSTOM_URL when it is on a custom domain, even
// when okta.org_url names that custom domain too (Okta's API answers there
// as well). A loopback issuer on the org URL's host is a simulator's org
// domain.
func NeededIssuerMode(issuer, orgURL string) string {
	u, err := url.Parse(strings.TrimSpace(issuer))
	if err != nil {
		return IssuerModeCustomURL
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case IsOktaDomain(host), strings.HasSuffix(host, ".okta-gov.com"), strings.HasSuffix(host, ".okta.mil"):
		return IssuerModeOrgURL
	case hostOf(issuer) == hostOf(orgURL) && isLoopback(host):
		return IssuerModeOrgURL
	}
	return IssuerModeCustomURL
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IssuerModeYields reports whether tokens issued under mode carry an issuer
// that needs the mode needed.
func IssuerModeYields(mode, needed string) bool {
	return mode == needed || mode == IssuerModeDynamic
}

// DesiredIssuerMode is what the app's issuer_mode should be: unchanged when
// it already yields the desired issuer (a DYNAMIC app stays DYNAMIC), else
// the mode that does.
func DesiredIssuerMode(d *Desired, app *OktaApp) string {
	org := d.OktaOrg
	if app != nil && app.OrgURL != "" {
		org = app.OrgURL
	}
	needed := NeededIssuerMode(d.Issuer, org)
	if app != nil && (IssuerModeYields(app.IssuerMode, needed) || (AuthServerID(d.Issuer) != "" && app.IssuerMode != "")) {
		return app.IssuerMode
	}
	return needed
}

// IssuerMode: W&B compares the tokens' iss with OIDC_ISSUER byte for byte,
// so the issuer mode of the server that mints them must put the desired
// issuer's host there; every URI, grant and the discovery document can
// match while every token is rejected. The app's issuer_mode sets the org
// authorization server's issuer only: "Updating the Issuer setting ... of
// the OIDC application does not affect the Default Custom Authorization
// Server or any additional Custom Authorization Servers" (Okta support, "Use
// of the Issuer located under the OpenID Connect ID Token app settings";
// okta-developer-docs guides/custom-url-domain), whose tokens follow their
// own issuerMode. So for a custom server's issuer only its issuerMode is
// judged (and DesiredIssuerMode keeps the app's).
func IssuerMode(d *Desired, app *OktaApp, as *AuthServer) []Finding {
	org := d.OktaOrg
	if app.OrgURL != "" {
		org = app.OrgURL
	}
	needed := NeededIssuerMode(d.Issuer, org)
	where := "the custom domain"
	if needed == IssuerModeOrgURL {
		where = "the Okta org's domain"
	}
	var out []Finding
	custom := AuthServerID(d.Issuer) != ""
	switch {
	case custom:
	case app.IssuerMode == "":
		out = append(out, Finding{
			Severity: SeverityWarning, Field: "settings.oauthClient.issuer_mode", Expected: needed, Actual: "",
			Message: fmt.Sprintf("Okta's answer for app %s has no issuer_mode, so driftd cannot tell which host its tokens name as issuer: W&B expects %s (%s).", app.ID, d.Issuer, where),
		})
	case !IssuerModeYields(app.IssuerMode, needed):
		out = append(out, Finding{
			Severity: SeverityError, Field: "settings.oauthClient.issuer_mode", Expected: needed, Actual: app.IssuerMode,
			Fixable: d.terraformOwns(ValueIssuerMode),
			Message: fmt.Sprintf("Set Okta app %s's issuer mode to %s (it is %s): its tokens name another host than %s (%s) as issuer, and W&B rejects every one (Applications > %s > General > Issuer%s).", app.ID, needed, app.IssuerMode, d.Issuer, where, labelOr(app), d.inOrg()),
		})
	}
	if as != nil && as.IssuerMode != "" && !IssuerModeYields(as.IssuerMode, needed) {
		out = append(out, Finding{
			Severity: SeverityError, Field: "authorizationServer.issuerMode", Expected: needed, Actual: as.IssuerMode,
			Message: fmt.Sprintf("Set the issuer of authorization server %s to %s (it is %s): its tokens name another host than %s (%s) as issuer, and W&B rejects every one (Security > API > Authorization Servers > %s > Settings%s).", labelAS(as), needed, as.IssuerMode, d.Issuer, where, labelAS(as), d.inOrg()),
		})
	}
	return out
}

func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
