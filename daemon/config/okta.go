package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
)

// OAuthConfig is an OAuth 2.0 service app that reads Okta with a private
// key instead of an SSWS API token (contract section 9).
type OAuthConfig struct {
	ClientID string `yaml:"client_id"`
	// PrivateKey is the PEM of the app's RSA private key; PrivateKeyFile
	// is read into it when set instead.
	PrivateKey     Secret   `yaml:"private_key"`
	PrivateKeyFile string   `yaml:"private_key_file"`
	KeyID          string   `yaml:"key_id"`
	Scopes         []string `yaml:"scopes"`

	// keyFileErr is why PrivateKeyFile could not be read, for validation.
	keyFileErr error
}

// DefaultOAuthScopes are the least-privilege Okta API scopes driftd's reads
// need: the app and its assignments, groups, trusted origins, authorization
// servers, and the System Log.
var DefaultOAuthScopes = []string{
	"okta.apps.read", "okta.groups.read", "okta.trustedOrigins.read",
	"okta.authorizationServers.read", "okta.logs.read",
}

// OktaOrg is one Okta org and the credential driftd reads it with.
type OktaOrg struct {
	URL      string
	APIToken Secret
	OAuth    *OAuthConfig
	// Reserve is the share of the org's rate limit left to others.
	Reserve float64
}

// Key identifies the org and credential, so targets that share both share
// one client and one rate budget. It holds a digest, never the credential.
func (o OktaOrg) Key() string {
	if o.OAuth != nil {
		sum := sha256.Sum256([]byte(o.OAuth.PrivateKey.Reveal()))
		return o.URL + " oauth " + o.OAuth.ClientID + " " + o.OAuth.KeyID + " " + hex.EncodeToString(sum[:6])
	}
	sum := sha256.Sum256([]byte(o.APIToken.Reveal()))
	return o.URL + " ssws " + hex.EncodeToString(sum[:6])
}

// Options returns the reader options for the org.
func (o OktaOrg) Options() source.OktaOptions {
	opts := source.OktaOptions{OrgURL: o.URL, Token: o.APIToken.Reveal()}
	if a := o.OAuth; a != nil {
		opts.OAuth = &source.OktaOAuth{ClientID: a.ClientID, PrivateKey: a.PrivateKey.Reveal(), KeyID: a.KeyID, Scopes: a.Scopes}
	}
	return opts
}

// GlobalOrg is okta.org_url with the global credential (api_token or oauth).
func (c *Config) GlobalOrg() OktaOrg {
	return OktaOrg{URL: c.Okta.OrgURL, APIToken: c.Okta.APIToken, OAuth: c.Okta.OAuth, Reserve: c.Okta.RateLimitReserve}
}

// EventOrgs are the Okta orgs whose System Log driftd follows: the global
// org, then each other org a target's app lives in, once per org URL (with
// the credential of the first target that names it).
func (c *Config) EventOrgs() []OktaOrg {
	orgs := []OktaOrg{c.GlobalOrg()}
	seen := map[string]bool{c.Okta.OrgURL: true}
	for i := range c.Targets {
		if o := c.OrgFor(&c.Targets[i]); !seen[o.URL] {
			seen[o.URL] = true
			orgs = append(orgs, o)
		}
	}
	return orgs
}

// OrgFor returns the Okta org a target's app lives in, with the credential
// to read it: the target's own where it sets one, else the global one.
func (c *Config) OrgFor(t *Target) OktaOrg {
	org := c.GlobalOrg()
	if t.Okta.OrgURL != "" {
		org.URL = t.Okta.OrgURL
	}
	if !t.Okta.APIToken.IsZero() || t.Okta.OAuth != nil {
		org.APIToken, org.OAuth = t.Okta.APIToken, t.Okta.OAuth
	}
	return org
}

// DesiredFor is the target's desired state with the sign-in parts that
// depend on the whole config (the target's org).
func (c *Config) DesiredFor(t *Target) *checks.Desired {
	d := t.Desired()
	d.Groups = t.Okta.Groups
	d.OktaOrg = c.OrgFor(t).URL
	return d
}

// oktaDefaults trims org URLs, fills the default scopes and reads key files.
func (c *Config) oktaDefaults() {
	c.oauthDefaults(c.Okta.OAuth)
	for i := range c.Targets {
		o := &c.Targets[i].Okta
		o.OrgURL = strings.TrimRight(strings.TrimSpace(o.OrgURL), "/")
		c.oauthDefaults(o.OAuth)
	}
}

func (c *Config) oauthDefaults(a *OAuthConfig) {
	if a == nil {
		return
	}
	if a.Scopes == nil {
		a.Scopes = slices.Clone(DefaultOAuthScopes)
	}
	if a.PrivateKeyFile != "" && a.PrivateKey.IsZero() {
		a.PrivateKeyFile = c.resolve(a.PrivateKeyFile)
		data, err := source.ReadRegularFile(a.PrivateKeyFile, maxConfigBytes)
		if err != nil {
			// The path is not secret; the error never includes file content.
			a.keyFileErr = err
			return
		}
		a.PrivateKey = NewSecret(string(data))
	}
}

// validateCredentials checks that exactly one of api_token and oauth is set
// (required says whether neither is acceptable) and the OAuth settings.
func validateCredentials(at string, token Secret, oauth *OAuthConfig, required bool, add func(string, ...any)) {
	switch {
	case !token.IsZero() && oauth != nil:
		add("%s: set api_token or oauth, not both", at)
	case token.IsZero() && oauth == nil && required:
		add("%s.api_token: required (or %s.oauth for an OAuth 2.0 service app): an Okta API token (e.g. ${OKTA_API_TOKEN})", at, at)
	case token.Reveal() != strings.TrimSpace(token.Reveal()):
		// Sent as "SSWS <token>", a header value Go refuses with a newline.
		add("%s.api_token: begins or ends with whitespace (a file's trailing newline?): remove it", at)
	}
	if oauth == nil {
		return
	}
	at += ".oauth"
	if oauth.ClientID == "" {
		add("%s.client_id: required: the client id of the Okta API service app", at)
	}
	switch {
	case oauth.keyFileErr != nil:
		add("%s.private_key_file: cannot be read: %v", at, oauth.keyFileErr)
	case oauth.PrivateKeyFile != "" && oauth.PrivateKey.IsZero():
		add("%s.private_key_file: the file is empty", at)
	case oauth.PrivateKey.IsZero():
		add("%s.private_key: required (or private_key_file): the PEM of the service app's RSA private key", at)
	default:
		key := "private_key"
		if oauth.PrivateKeyFile != "" {
			key = "private_key_file"
		}
		// The parse error describes the PEM's shape only, never its content.
		if _, err := source.ParsePrivateKey(oauth.PrivateKey.Reveal()); err != nil {
			add("%s.%s: %v", at, key, err)
		}
	}
	if len(oauth.Scopes) == 0 {
		add("%s.scopes: at least one scope, e.g. %s", at, strings.Join(DefaultOAuthScopes, ", "))
	}
	for j, s := range oauth.Scopes {
		if !strings.HasPrefix(s, "okta.") {
			add("%s.scopes[%d]: %q is not an Okta API scope (okta.*.read)", at, j, s)
		}
	}
}

// validateTargetOkta checks a target's own org, credential and groups.
func (c *Config) validateTargetOkta(t *Target, at string, add func(string, ...any)) {
	o := t.Okta
	at += ".okta"
	if o.OrgURL != "" {
		if msg := checkURL(o.OrgURL, false); msg != "" {
			add("%s.org_url: %s", at, msg)
		} else if checks.IsOktaAdminHost(o.OrgURL) {
			add("%s.org_url: %s is the Okta admin console: use the org URL without -admin (%s)", at, o.OrgURL, strings.Replace(o.OrgURL, "-admin.", ".", 1))
		}
		// The global credential belongs to the global org.
		if o.OrgURL != c.Okta.OrgURL && o.APIToken.IsZero() && o.OAuth == nil {
			add("%s: org_url %s is not okta.org_url, so set this org's api_token or oauth here", at, o.OrgURL)
		}
	}
	validateCredentials(at, o.APIToken, o.OAuth, false, add)
	seen := map[string]bool{}
	for j, g := range o.Groups {
		switch {
		case strings.TrimSpace(g) == "":
			add("%s.groups[%d]: empty: use a group's name or id", at, j)
		case seen[g]:
			add("%s.groups[%d]: %q is listed twice", at, j, g)
		}
		seen[g] = true
	}
}

// GroupsError is a desired group that names no group, or several, in the
// target's org; it is reported at the target's config key.
func GroupsError(targetIndex int, err error) error {
	return fmt.Errorf("targets[%d].okta.groups: %w", targetIndex, err)
}
