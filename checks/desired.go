package checks

import "strings"

// AuthMethod is the OIDC flow W&B uses to sign users in.
type AuthMethod string

// The auth methods W&B supports; an unset OIDC_AUTH_METHOD means Implicit.
const (
	Implicit AuthMethod = "implicit"
	PKCE     AuthMethod = "pkce"
)

// Valid reports whether m is one of the methods W&B understands.
func (m AuthMethod) Valid() bool { return m == Implicit || m == PKCE }

// Desired is the declared single sign-on wiring of one target, with every
// default already derived from the W&B URL and the auth method.
type Desired struct {
	Target     string     `json:"target"`
	WandbURL   string     `json:"wandb_url"`
	OktaAppID  string     `json:"okta_app_id"`
	ClientID   string     `json:"client_id"`
	Issuer     string     `json:"issuer"`
	AuthMethod AuthMethod `json:"auth_method"`

	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
	GrantTypes             []string `json:"grant_types"`
	CORSOrigins            []string `json:"cors_origins"`

	// Strict turns extra URIs and grant types from warnings into errors.
	Strict bool `json:"strict"`
	// Ignore lists check ids that are skipped for this target.
	Ignore []string `json:"ignore,omitempty"`

	// Groups are the Okta groups (names or ids) that must be assigned to
	// the app; empty: at least one group or user must be.
	Groups []string `json:"groups,omitempty"`
	// OktaOrg is the target's Okta org URL, named in its sign-in findings.
	OktaOrg string `json:"okta_org,omitempty"`
	// TerraformValues are the desired values (see config.DesiredValues)
	// that the target's Terraform module declares a variable for: a
	// sign-in finding is fixable only when its value is among them.
	TerraformValues []string `json:"terraform_values,omitempty"`
}

// DefaultRedirectURIs is W&B's documented sign-in redirect for a server URL.
func DefaultRedirectURIs(wandbURL string) []string {
	return []string{strings.TrimRight(wandbURL, "/") + "/oidc/callback"}
}

// DefaultPostLogoutRedirectURIs is W&B's documented sign-out redirect.
func DefaultPostLogoutRedirectURIs(wandbURL string) []string {
	return []string{strings.TrimRight(wandbURL, "/") + "/logout"}
}

// DefaultGrantTypes is the "Authorization Code and Implicit (hybrid)" pair
// that W&B's Okta guide selects.
func DefaultGrantTypes() []string { return []string{"authorization_code", "implicit"} }

// DefaultCORSOrigins is the W&B origin plus the literal origin "null", which
// browsers send after the Okta redirect; without it W&B answers
// "request from invalid origin: null".
func DefaultCORSOrigins(wandbURL string) []string {
	return []string{Origin(wandbURL), "null"}
}

// RequiredResponseTypes is what the Okta app must allow for an auth method.
func RequiredResponseTypes(m AuthMethod) []string {
	if m == PKCE {
		return []string{"code"}
	}
	return []string{"id_token", "token"}
}

// ignored reports whether the check id is on the target's ignore list.
func (d *Desired) ignored(id string) bool {
	for _, i := range d.Ignore {
		if i == id {
			return true
		}
	}
	return false
}
