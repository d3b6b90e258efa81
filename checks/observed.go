package checks

// OktaApp is what driftd reads of an Okta OIDC app.
type OktaApp struct {
	ID              string   `json:"id"`
	Label           string   `json:"label"`
	Status          string   `json:"status"`
	SignOnMode      string   `json:"sign_on_mode"`
	ApplicationType string   `json:"application_type"`
	ClientID        string   `json:"client_id"`
	RedirectURIs    []string `json:"redirect_uris"`
	// WildcardRedirect is settings.oauthClient.wildcard_redirect
	// (DISABLED or SUBDOMAIN): whether Okta matches a `*` in a redirect URI.
	WildcardRedirect string `json:"wildcard_redirect,omitempty"`
	// IssuerMode is settings.oauthClient.issuer_mode (ORG_URL, CUSTOM_URL
	// or DYNAMIC): which host Okta puts in the tokens' iss.
	IssuerMode string `json:"issuer_mode,omitempty"`
	// OrgURL is the Okta org the app was read from, against which the
	// issuer mode is judged.
	OrgURL                  string   `json:"org_url,omitempty"`
	PostLogoutRedirectURIs  []string `json:"post_logout_redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	PKCERequired            bool     `json:"pkce_required"`
}

// WandbEnv is the environment of a W&B deployment, with where it came from.
type WandbEnv struct {
	Source string            `json:"source"`
	Vars   map[string]string `json:"-"`
	// Rollout is set by readers of live pods (env source kubernetes with a
	// deployment); the engine moves it to Observed.Rollout.
	Rollout *Rollout `json:"-"`
	// Where says, by variable name, where the variable is configured: the
	// place to fix it when that is not the object the pods read (the W&B
	// operator's resource, for one). The W&B checks name it in their
	// findings. Empty for sources that are the configuration themselves.
	Where map[string]string `json:"-"`
	// SecretKeys says, by variable name, which Secret key is the place to
	// fix the variable, as "namespace/name/key" (the W&B operator v2's
	// spec.wandb.oidc selectors). Remediation reads a plan's write of that
	// key as a write of the variable, for its key-level guardrails.
	SecretKeys map[string]string `json:"-"`
}

// Lookup returns an env var's value and whether it is set.
func (e *WandbEnv) Lookup(key string) (string, bool) {
	v, ok := e.Vars[key]
	return v, ok
}

// Discovery is what driftd reads of an issuer's OIDC discovery document.
type Discovery struct {
	// URL is where the document was fetched from.
	URL string `json:"url"`
	// Found is false when the issuer answered 404: the issuer URL is wrong,
	// which is drift, not an outage.
	Found                         bool     `json:"found"`
	Issuer                        string   `json:"issuer"`
	AuthorizationEndpoint         string   `json:"authorization_endpoint"`
	ResponseTypesSupported        []string `json:"response_types_supported"`
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported"`
}

// Observed gathers what was read for one target. A nil source was not read
// (its error is reported separately), and its checks do not run.
type Observed struct {
	Okta *OktaApp
	// OktaAppMissing says Okta answered that the app does not exist (404):
	// the read failed, and no fix can write a client id for it.
	OktaAppMissing bool
	Env            *WandbEnv
	Discovery      *Discovery
	// The sign-in sources of section 9: nil when not read (or, for
	// AuthServer, when the issuer is the org authorization server).
	Assignments    *Assignments
	TrustedOrigins *TrustedOrigins
	AuthServer     *AuthServer
	// Rollout is the running pods against the objects they read env from.
	Rollout *Rollout
}
