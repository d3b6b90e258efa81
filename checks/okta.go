package checks

import (
	"fmt"
	"strings"
)

// AppStatus: the app must be ACTIVE, or nobody can sign in to W&B.
func AppStatus(d *Desired, app *OktaApp) []Finding {
	if app.Status == "ACTIVE" {
		return nil
	}
	return []Finding{{
		Severity: SeverityError, Field: "status", Expected: "ACTIVE", Actual: app.Status, Fixable: true,
		Message: fmt.Sprintf("Okta app %s is %s, so nobody can sign in to W&B: activate it in the Okta admin console (Applications > %s > Activate).", app.ID, orUnset(app.Status), labelOr(app)),
	}}
}

// AppType: W&B's guide creates a Single-Page Application (application_type
// "browser"), which has no client secret; a "web" app breaks the W&B login.
func AppType(d *Desired, app *OktaApp) []Finding {
	var out []Finding
	if app.SignOnMode != "" && app.SignOnMode != "OPENID_CONNECT" {
		out = append(out, Finding{
			Severity: SeverityError, Field: "signOnMode", Expected: "OPENID_CONNECT", Actual: app.SignOnMode,
			Message: fmt.Sprintf("Okta app %s signs on with %s, not OIDC: point okta.app_id at the OIDC app W&B uses.", app.ID, app.SignOnMode),
		})
	}
	if app.ApplicationType != "browser" {
		out = append(out, Finding{
			Severity: SeverityError, Field: "settings.oauthClient.application_type", Expected: "browser", Actual: app.ApplicationType,
			// Changing the type replaces the app (and its client id), so Terraform is not allowed to do it unattended.
			Message: fmt.Sprintf("Okta app %s is a %q app, W&B needs a Single-Page Application (browser): recreate it as a SPA and update OIDC_CLIENT_ID.", app.ID, orUnset(app.ApplicationType)),
		})
	}
	return out
}

// ClientID: the app must be the one whose client id W&B is configured with.
func ClientID(d *Desired, app *OktaApp) []Finding {
	if app.ClientID == d.ClientID {
		return nil
	}
	return []Finding{{
		Severity: SeverityError, Field: "credentials.oauthClient.client_id", Expected: d.ClientID, Actual: app.ClientID,
		Message: fmt.Sprintf("Okta app %s has client id %s, not the declared %s: fix oidc.client_id or okta.app_id so both name the same app.", app.ID, orUnset(app.ClientID), d.ClientID),
	}}
}

// RedirectURIs: every desired sign-in redirect must be registered, or Okta
// rejects the login with "redirect_uri is not allowed". A registered
// wildcard URI counts when the app's wildcard_redirect lets Okta match it
// (RedirectMatches).
func RedirectURIs(d *Desired, app *OktaApp) []Finding {
	field, what := "settings.oauthClient.redirect_uris", "sign-in redirect URI"
	consequence := "Okta rejects the W&B login with \"The 'redirect_uri' parameter must be a Login redirect URI\" otherwise"
	missing, extra := compareMatching(d.RedirectURIs, app.RedirectURIs, func(have, want string) bool {
		return RedirectMatches(app.WildcardRedirect, have, want)
	})
	if len(missing) > 0 && app.WildcardRedirect != WildcardSubdomain {
		for _, h := range app.RedirectURIs {
			if wildcardMatches(h, missing[0]) {
				consequence += fmt.Sprintf(" (the app's %s would match, but its wildcard_redirect is %s, not SUBDOMAIN)", h, orUnset(app.WildcardRedirect))
				break
			}
		}
	}
	return setFinding(d, field, what, d.RedirectURIs, app.RedirectURIs, missing, extra, consequence)
}

// PostLogoutRedirectURIs: every desired sign-out redirect must be registered.
func PostLogoutRedirectURIs(d *Desired, app *OktaApp) []Finding {
	return uriSet(d, "settings.oauthClient.post_logout_redirect_uris", "sign-out redirect URI", d.PostLogoutRedirectURIs, app.PostLogoutRedirectURIs,
		"W&B's sign-out ends on an Okta error page otherwise")
}

func uriSet(d *Desired, field, what string, desired, actual []string, consequence string) []Finding {
	missing, extra := compareSets(desired, actual, NormalizeURI)
	return setFinding(d, field, what, desired, actual, missing, extra, consequence)
}

func setFinding(d *Desired, field, what string, desired, actual, missing, extra []string, consequence string) []Finding {
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	f := Finding{
		Severity: SeverityWarning, Field: field, Expected: nonNil(desired), Actual: nonNil(actual),
		Missing: missing, Extra: extra, Fixable: true,
	}
	switch {
	case len(missing) > 0:
		f.Severity = SeverityError
		f.Message = fmt.Sprintf("Add %s %s to the Okta app: %s.", pluralize(what, len(missing)), quoteList(missing), consequence)
		if len(extra) > 0 {
			f.Message += fmt.Sprintf(" It also has %s that W&B does not use: %s.", pluralize("unexpected "+what, len(extra)), quoteList(extra))
		}
	case d.Strict:
		f.Severity = SeverityError
		f.Message = fmt.Sprintf("Remove %s %s from the Okta app: strict mode allows only the declared values.", pluralize(what, len(extra)), quoteList(extra))
	default:
		f.Message = fmt.Sprintf("The Okta app also has %s %s that W&B does not use: remove it, or list it in the target to accept it.", pluralize(what, len(extra)), quoteList(extra))
	}
	return []Finding{f}
}

// GrantTypes: W&B's guide selects Authorization Code and Implicit (hybrid).
func GrantTypes(d *Desired, app *OktaApp) []Finding {
	missing, extra := compareSets(d.GrantTypes, app.GrantTypes, identity)
	return setFinding(d, "settings.oauthClient.grant_types", "grant type", d.GrantTypes, app.GrantTypes, missing, extra,
		"W&B's login flow needs it")
}

// ResponseTypes: the app must allow what the auth method asks Okta for.
func ResponseTypes(d *Desired, app *OktaApp) []Finding {
	need := RequiredResponseTypes(d.AuthMethod)
	missing, _ := compareSets(need, app.ResponseTypes, identity)
	if len(missing) == 0 {
		return nil
	}
	return []Finding{{
		Severity: SeverityError, Field: "settings.oauthClient.response_types", Expected: need, Actual: nonNil(app.ResponseTypes),
		Missing: missing, Fixable: true,
		Message: fmt.Sprintf("Allow response %s %s on the Okta app: the %s flow W&B uses requests %s.", pluralize("type", len(missing)), quoteList(missing), d.AuthMethod, strings.Join(need, " and ")),
	}}
}

// TokenAuth: a browser app has no secret, so the token endpoint must not ask
// for one; with PKCE the app must also insist on a code challenge. An
// implicit sign-in takes its tokens from the authorize redirect and never
// calls the token endpoint (RFC 6749 section 4.2: "The implicit grant type
// ... does not include client authentication"), so there a client secret
// breaks nothing today and is only a warning; under pkce W&B redeems the
// code at the token endpoint without a secret, and Okta refuses it.
func TokenAuth(d *Desired, app *OktaApp) []Finding {
	var out []Finding
	if app.TokenEndpointAuthMethod != "none" {
		f := Finding{
			Severity: SeverityError, Field: "credentials.oauthClient.token_endpoint_auth_method", Expected: "none", Actual: app.TokenEndpointAuthMethod, Fixable: true,
			Message: fmt.Sprintf("Set the Okta app's client authentication to none (it is %s): W&B's pkce login redeems its code at the token endpoint with no client secret to send.", orUnset(app.TokenEndpointAuthMethod)),
		}
		if d.AuthMethod != PKCE {
			f.Severity = SeverityWarning
			f.Message = fmt.Sprintf("Set the Okta app's client authentication to none (it is %s): W&B's implicit login never calls the token endpoint, but switching W&B to pkce would fail with \"client authentication failed\".", orUnset(app.TokenEndpointAuthMethod))
		}
		out = append(out, f)
	}
	if d.AuthMethod == PKCE && !app.PKCERequired {
		out = append(out, Finding{
			Severity: SeverityError, Field: "credentials.oauthClient.pkce_required", Expected: "true", Actual: "false", Fixable: true,
			Message: "Require PKCE on the Okta app: W&B is declared to sign in with pkce, and without it the code flow is open to interception.",
		})
	}
	return out
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

func labelOr(app *OktaApp) string {
	if app.Label != "" {
		return app.Label
	}
	return app.ID
}

func pluralize(noun string, n int) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}
