package config

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func testKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// oauthConfig is the good config with the global API token swapped for
// an OAuth service app and a second target in another org.
func oauthConfig(global, second string) string {
	c := strings.Replace(goodConfig, "  api_token: ${OKTA_API_TOKEN}\n", global, 1)
	return c + second
}

const secondTarget = `  - name: other
    wandb:
      url: https://wandb.other.com
      env: {source: file, path: ./other.env}
    okta:
      app_id: 0oaother
      groups: [wandb-users, 00g1abcdefghijklmnop]
      org_url: https://other.okta.com
      api_token: ${OTHER_TOKEN}
    oidc:
      client_id: 0oaother
      issuer: https://other.okta.com/oauth2/default
`

func TestOktaOrgsAndOAuth(t *testing.T) {
	key := testKeyPEM(t)
	env := func(name string) (string, bool) {
		switch name {
		case "OKTA_PRIVATE_KEY":
			return key, true
		case "OTHER_TOKEN":
			return "00other-secret", true
		}
		return testEnv(name)
	}
	global := "  oauth:\n    client_id: 0oasvc\n    private_key: ${OKTA_PRIVATE_KEY}\n    key_id: k1\n"
	c, err := ParseConfig([]byte(oauthConfig(global, secondTarget)), "driftd.yaml", env)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("an OAuth service app gets the least-privilege scopes by default", func(t *testing.T) {
		if !slices.Equal(c.Okta.OAuth.Scopes, DefaultOAuthScopes) || c.Okta.OAuth.PrivateKey.Reveal() != key {
			t.Errorf("oauth = %+v", c.Okta.OAuth)
		}
	})
	t.Run("a target without its own org reads the global org with the global credential", func(t *testing.T) {
		org := c.OrgFor(&c.Targets[0])
		if org.URL != "https://acme.okta.com" || org.OAuth == nil || org.Options().OAuth.ClientID != "0oasvc" {
			t.Errorf("org = %+v", org)
		}
	})
	t.Run("a target with its own org and token reads that org with it", func(t *testing.T) {
		org := c.OrgFor(&c.Targets[1])
		if org.URL != "https://other.okta.com" || org.OAuth != nil || org.APIToken.Reveal() != "00other-secret" {
			t.Errorf("org = %+v", org)
		}
		if org.Key() == c.OrgFor(&c.Targets[0]).Key() || strings.Contains(org.Key(), "00other-secret") {
			t.Errorf("key %q", org.Key())
		}
		d := c.DesiredFor(&c.Targets[1])
		if d.OktaOrg != "https://other.okta.com" || len(d.Groups) != 2 {
			t.Errorf("desired = %+v", d)
		}
	})
	t.Run("the default Terraform variables map the groups, not the objects a module must own", func(t *testing.T) {
		vars := c.Targets[0].Remedy.Terraform.Vars
		if vars["groups"] != "okta.groups" || vars["trusted_origin"] != "" {
			t.Errorf("vars = %v", c.Targets[0].Remedy.Terraform.Vars)
		}
	})
}

func TestBadOktaConfigs(t *testing.T) {
	key := testKeyPEM(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(name string) (string, bool) {
		switch name {
		case "OKTA_PRIVATE_KEY":
			return key, true
		case "BAD_KEY":
			return "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n", true
		case "OTHER_TOKEN":
			return "00other-secret", true
		}
		return testEnv(name)
	}
	tokenLine := "  api_token: ${OKTA_API_TOKEN}\n"
	oauth := "  oauth:\n    client_id: 0oasvc\n    private_key: ${OKTA_PRIVATE_KEY}\n"
	cases := []struct{ name, global, second, want string }{
		{"both a token and a service app are refused", tokenLine + oauth, "", "okta: set api_token or oauth, not both"},
		{"neither a token nor a service app is refused", "", "",
			"okta.api_token: required (or okta.oauth for an OAuth 2.0 service app): an Okta API token (e.g. ${OKTA_API_TOKEN})"},
		{"a service app without a client id is refused", "  oauth:\n    private_key: ${OKTA_PRIVATE_KEY}\n", "",
			"okta.oauth.client_id: required: the client id of the Okta API service app"},
		{"a service app without a key is refused", "  oauth:\n    client_id: 0oasvc\n", "",
			"okta.oauth.private_key: required (or private_key_file): the PEM of the service app's RSA private key"},
		{"a key that does not parse is refused without showing it", "  oauth:\n    client_id: 0oasvc\n    private_key: ${BAD_KEY}\n", "",
			"okta.oauth.private_key: the PRIVATE KEY block does not parse as PKCS#8"},
		{"a key file that is missing names its path", "  oauth:\n    client_id: 0oasvc\n    private_key_file: /nonexistent/key.pem\n", "",
			"okta.oauth.private_key_file: cannot be read: open /nonexistent/key.pem: no such file or directory"},
		{"a scope outside the Okta API is refused", oauth + "    scopes: [openid]\n", "",
			`okta.oauth.scopes[0]: "openid" is not an Okta API scope (okta.*.read)`},
		{"another org without its own credential is refused", tokenLine, strings.Replace(secondTarget, "      api_token: ${OTHER_TOKEN}\n", "", 1),
			"targets[1].okta: org_url https://other.okta.com is not okta.org_url, so set this org's api_token or oauth here"},
		{"a target with a token and a service app is refused", tokenLine, strings.Replace(secondTarget, "      api_token: ${OTHER_TOKEN}\n", "      api_token: ${OTHER_TOKEN}\n      oauth: {client_id: x, private_key_file: "+keyFile+"}\n", 1),
			"targets[1].okta: set api_token or oauth, not both"},
		{"a group listed twice is refused", tokenLine, strings.Replace(secondTarget, "[wandb-users, 00g1abcdefghijklmnop]", "[a, a]", 1),
			`targets[1].okta.groups[1]: "a" is listed twice`},
		{"an -admin org URL of a target is refused", tokenLine, strings.Replace(secondTarget, "org_url: https://other.okta.com", "org_url: https://other-admin.okta.com", 1),
			"targets[1].okta.org_url: https://other-admin.okta.com is the Okta admin console: use the org URL without -admin (https://other.okta.com)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(oauthConfig(c.global, c.second)), filepath.Join(dir, "driftd.yaml"), env)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if len(ce.Problems) != 1 || ce.Problems[0] != c.want {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(ce.Problems, "\n  "), c.want)
			}
			if msg := err.Error(); strings.Contains(msg, "c2VjcmV0") || strings.Contains(msg, "MII") || strings.Contains(msg, "00other-secret") {
				t.Errorf("error shows a secret: %s", msg)
			}
		})
	}
	t.Run("a key file is read relative to the config", func(t *testing.T) {
		global := "  oauth:\n    client_id: 0oasvc\n    private_key_file: key.pem\n"
		c, err := ParseConfig([]byte(oauthConfig(global, "")), filepath.Join(dir, "driftd.yaml"), env)
		if err != nil {
			t.Fatal(err)
		}
		if c.Okta.OAuth.PrivateKey.Reveal() != key || c.Okta.OAuth.PrivateKeyFile != keyFile {
			t.Errorf("oauth = %+v", c.Okta.OAuth)
		}
	})
}

func TestEventOrgsAreEveryOrgOnce(t *testing.T) {
	c := &Config{Okta: OktaConfig{OrgURL: "https://a.okta.com", APIToken: NewSecret("tok-a-123456")}}
	c.Targets = []Target{
		{Name: "one"},
		{Name: "two", Okta: TargetOkta{OrgURL: "https://b.okta.com", APIToken: NewSecret("tok-b-123456")}},
		{Name: "three", Okta: TargetOkta{OrgURL: "https://b.okta.com", APIToken: NewSecret("tok-b-123456")}},
	}
	var urls []string
	for _, o := range c.EventOrgs() {
		urls = append(urls, o.URL)
	}
	if got := strings.Join(urls, " "); got != "https://a.okta.com https://b.okta.com" {
		t.Errorf("EventOrgs = %s; want the global org, then b once", got)
	}
}
