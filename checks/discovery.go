package checks

import (
	"fmt"
	"slices"
	"strings"
)

// DiscoveryDocument: the issuer's discovery document must exist, name the
// issuer exactly and support what the auth method needs.
func DiscoveryDocument(d *Desired, doc *Discovery) []Finding {
	if !doc.Found {
		return []Finding{{
			Severity: SeverityError, Field: "issuer", Expected: d.Issuer, Actual: "",
			Message: fmt.Sprintf("No OIDC discovery document at %s: oidc.issuer %s is not an Okta issuer; use the org URL or a custom authorization server URL such as https://ORG.okta.com/oauth2/default.", doc.URL, d.Issuer),
		}}
	}
	var out []Finding
	if doc.Issuer != d.Issuer {
		out = append(out, Finding{
			Severity: SeverityError, Field: "issuer", Expected: d.Issuer, Actual: doc.Issuer,
			Message: fmt.Sprintf("The discovery document at %s names issuer %s, not %s: set oidc.issuer (and OIDC_ISSUER) to %s exactly.", doc.URL, doc.Issuer, d.Issuer, doc.Issuer),
		})
	}
	need := RequiredResponseTypes(d.AuthMethod)
	var unsupported []string
	for _, rt := range need {
		if !supportsResponseType(doc.ResponseTypesSupported, rt) {
			unsupported = append(unsupported, rt)
		}
	}
	if len(unsupported) > 0 {
		out = append(out, Finding{
			Severity: SeverityError, Field: "response_types_supported", Expected: need, Actual: nonNil(doc.ResponseTypesSupported),
			Missing: unsupported,
			Message: fmt.Sprintf("Issuer %s does not support response %s %s that the %s flow needs: use an issuer that does, or change oidc.auth_method.", d.Issuer, pluralize("type", len(unsupported)), quoteList(unsupported), d.AuthMethod),
		})
	}
	if d.AuthMethod == PKCE && !slices.Contains(doc.CodeChallengeMethodsSupported, "S256") {
		out = append(out, Finding{
			Severity: SeverityError, Field: "code_challenge_methods_supported", Expected: []string{"S256"}, Actual: nonNil(doc.CodeChallengeMethodsSupported),
			Missing: []string{"S256"},
			Message: fmt.Sprintf("Issuer %s does not advertise the S256 code challenge that PKCE needs: use an Okta authorization server that does.", d.Issuer),
		})
	}
	return out
}

// supportsResponseType reports whether a response type appears in any entry
// of response_types_supported, whose entries may combine types ("id_token token").
func supportsResponseType(supported []string, rt string) bool {
	for _, s := range supported {
		if slices.Contains(strings.Fields(s), rt) {
			return true
		}
	}
	return false
}
