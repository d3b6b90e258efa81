package checks

import (
	"net/url"
	"strings"
)

// WildcardSubdomain is the wildcard_redirect value under which Okta matches
// a `*` in a redirect URI's lowest-level domain.
const WildcardSubdomain = "SUBDOMAIN"

// RedirectMatches reports whether Okta accepts redirect_uri `want` for an
// app with registered URI `have`: equal after normalising scheme, host case
// and default port, or, when the app's wildcard_redirect is SUBDOMAIN, `have`
// is a wildcard URI that matches.
//
// Okta's rules (okta-management-openapi 2026.06.3,
// OpenIdConnectApplicationSettingsClient.wildcard_redirect, SUBDOMAIN): "Any
// configured redirect URIs may contain a single `*` character in the
// lowest-level domain ... The wildcard subdomain must have at least one
// subdomain between it and the top level domain. The wildcard can match any
// valid hostname characters, but can't span more than one domain ... Only
// the `https` URI scheme can use wildcard redirect URIs." (Announced in
// okta-developer-docs release-notes/2021, "Wildcards for OAuth redirect
// subdomains": `https://subdomain*.example.com/oidc/redirect` "may be used
// to represent subdomain1, subdomain2, and subdomain3".) The okta provider
// passes wildcard_redirect through unchanged (terraform-provider-okta 6.12.0
// okta/services/idaas/resource_okta_app_oauth.go, default "DISABLED"), and a
// real app holds it with https://*.example.com/ (okta-vcr 6.12.0
// TestAccResourceOktaAppOauth_redirect_uris).
func RedirectMatches(wildcard, have, want string) bool {
	if NormalizeURI(have) == NormalizeURI(want) {
		return true
	}
	return wildcard == WildcardSubdomain && wildcardMatches(have, want)
}

func wildcardMatches(pattern, uri string) bool {
	p, err := url.Parse(strings.TrimSpace(pattern))
	if err != nil || !strings.EqualFold(p.Scheme, "https") || strings.Count(p.Host, "*") != 1 {
		return false
	}
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.User != nil || p.User != nil {
		return false
	}
	pLabels := strings.Split(strings.ToLower(p.Hostname()), ".")
	uLabels := strings.Split(strings.ToLower(u.Hostname()), ".")
	// The `*` sits in the lowest-level label, with at least one label
	// between it and the top-level domain; the match spans one label.
	if len(pLabels) < 3 || len(uLabels) != len(pLabels) || !strings.Contains(pLabels[0], "*") {
		return false
	}
	for i := 1; i < len(pLabels); i++ {
		if pLabels[i] != uLabels[i] {
			return false
		}
	}
	prefix, suffix, _ := strings.Cut(pLabels[0], "*")
	label := uLabels[0]
	if len(label) <= len(prefix)+len(suffix) || !strings.HasPrefix(label, prefix) || !strings.HasSuffix(label, suffix) {
		return false
	}
	if !hostnameChars(label[len(prefix) : len(label)-len(suffix)]) {
		return false
	}
	// Everything but the host compares as an exact URI does.
	pp := *p
	pp.Host = strings.Replace(strings.ToLower(p.Host), pLabels[0], label, 1)
	return NormalizeURI(pp.String()) == NormalizeURI(u.String())
}

// hostnameChars: letters, digits and hyphens, what a DNS label holds.
func hostnameChars(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// compareMatching is compareSets for URIs Okta matches with match: a
// desired URI is missing when no actual URI matches it, an actual URI is
// extra when it matches no desired URI.
func compareMatching(desired, actual []string, match func(have, want string) bool) (missing, extra []string) {
	for _, w := range desired {
		found := false
		for _, h := range actual {
			found = found || match(h, w)
		}
		if !found {
			missing = append(missing, w)
		}
	}
	for _, h := range actual {
		used := false
		for _, w := range desired {
			used = used || match(h, w)
		}
		if !used {
			extra = append(extra, h)
		}
	}
	return dedupe(missing), dedupe(extra)
}
