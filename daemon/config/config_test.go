package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodConfig = `
schedule: "@every 5m"
state_dir: ./data
okta:
  org_url: https://acme.okta.com/
  api_token: ${OKTA_API_TOKEN}
server:
  listen: 127.0.0.1:8080
  token: ${DRIFTD_TOKEN}
targets:
  - name: prod
    wandb:
      url: https://wandb.acme.com
      env:
        source: file
        path: ./wandb.env
    okta:
      app_id: 0oaerfswkrxGBpWUQ5d7
    oidc:
      client_id: 0oaerfswkrxGBpWUQ5d7
      issuer: https://acme.okta.com
      auth_method: pkce
`

func testEnv(name string) (string, bool) {
	switch name {
	case "OKTA_API_TOKEN":
		return "00okta-secret-token", true
	case "DRIFTD_TOKEN":
		return "api-secret", true
	}
	return "", false
}

func TestGoodConfigGetsItsDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(goodConfig), "/etc/driftd/driftd.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	tg := c.Targets[0]
	checksEqual(t, "org_url", c.Okta.OrgURL, "https://acme.okta.com")
	checksEqual(t, "token", c.Okta.APIToken.Reveal(), "00okta-secret-token")
	checksEqual(t, "state_dir", c.StateDir, "/etc/driftd/data")
	checksEqual(t, "env path", tg.Wandb.Env.Path, "/etc/driftd/wandb.env")
	checksEqual(t, "redirect", strings.Join(tg.RedirectURIs, ","), "https://wandb.acme.com/oidc/callback")
	checksEqual(t, "logout", strings.Join(tg.PostLogoutRedirectURIs, ","), "https://wandb.acme.com/logout")
	checksEqual(t, "grants", strings.Join(tg.GrantTypes, ","), "authorization_code,implicit")
	checksEqual(t, "cors", strings.Join(tg.CORSOrigins, ","), "https://wandb.acme.com,null")
	checksEqual(t, "mode", tg.Remedy.Mode, "alert")
	checksEqual(t, "allow", strings.Join(tg.Remedy.Terraform.Allow, ","), "*")
	checksEqual(t, "vars", tg.Remedy.Terraform.Vars["oidc_issuer"], "oidc.issuer")
	if c.Concurrency != 16 || time.Duration(tg.Remedy.Terraform.LockTimeout) != time.Minute {
		t.Errorf("concurrency %d, lock timeout %v", c.Concurrency, tg.Remedy.Terraform.LockTimeout)
	}
}

func checksEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// TestBadConfigs pins the exact error for each rule; each case edits the
// good config in one place.
func TestBadConfigs(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"an unknown key names its path and a suggestion", "      auth_method: pkce", "      auth_method: pkce\n      isuer: x",
			`targets[0].oidc.isuer: unknown key (did you mean "issuer"?)`},
		{"an unknown top-level key lists the known ones", `schedule: "@every 5m"`, `schedule: "@every 5m"` + "\nfoo: 1",
			"foo: unknown key (known keys: alertmanager, concurrency, kubernetes, okta, outage_alert_after, retention, schedule, server, slack, state_dir, targets)"},
		{"a bad auth method names the choices", "auth_method: pkce", "auth_method: oauth",
			`targets[0].oidc.auth_method: "oauth" is not an auth method: use implicit or pkce`},
		{"an -admin issuer says which host to use", "      issuer: https://acme.okta.com", "      issuer: https://acme-admin.okta.com",
			"targets[0].oidc.issuer: https://acme-admin.okta.com is the Okta admin console, not an issuer: use https://acme.okta.com"},
		{"an issuer with a trailing slash says how to write it", "      issuer: https://acme.okta.com", "      issuer: https://acme.okta.com/oauth2/default/",
			`targets[0].oidc.issuer: "https://acme.okta.com/oauth2/default/" must not end with a slash: use "https://acme.okta.com/oauth2/default" (Okta's discovery document names it without one)`},
		{"plain http to a remote host is refused", "url: https://wandb.acme.com", "url: http://wandb.acme.com",
			`targets[0].wandb.url: "http://wandb.acme.com" uses plain http: use https (http is accepted for loopback hosts only)`},
		{"an -admin org URL is refused", "org_url: https://acme.okta.com/", "org_url: https://acme-admin.okta.com",
			"okta.org_url: https://acme-admin.okta.com is the Okta admin console: use the org URL without -admin (https://acme.okta.com)"},
		{"a bad cron spec says what would work", `schedule: "@every 5m"`, `schedule: "every five minutes"`,
			`schedule: "every five minutes" is not a cron spec (expected exactly 5 fields, found 3: [every five minutes]): use "@every 5m" or five fields such as "*/5 * * * *"`},
		{"a missing required key names its path", "      app_id: 0oaerfswkrxGBpWUQ5d7\n", "",
			"targets[0].okta.app_id: required: the Okta app's id, e.g. 0oaerfswkrxGBpWUQ5d7"},
		{"an unset environment variable names the key", "${OKTA_API_TOKEN}", "${NOT_SET_ANYWHERE}",
			"okta.api_token: environment variable NOT_SET_ANYWHERE is not set"},
		{"a bad env source names the choices", "source: file", "source: k8s",
			`targets[0].wandb.env.source: "k8s" is not a source: use file, terraform or kubernetes`},
		{"a bad remediation mode names the choices", "      auth_method: pkce", "      auth_method: pkce\n    remediation:\n      mode: fix",
			`targets[0].remediation.mode: "fix" is not a mode: use alert, plan, apply or approve`},
		{"apply without a terraform dir is refused", "      auth_method: pkce", "      auth_method: pkce\n    remediation:\n      mode: apply",
			"targets[0].remediation.terraform.dir: required with mode apply"},
		{"approve without a Slack app to click in is refused", "      auth_method: pkce", "      auth_method: pkce\n    remediation:\n      mode: approve\n      terraform: {dir: ./tf}",
			"targets[0].remediation.mode: approve needs slack.bot_token, slack.signing_secret and slack.approvers: approvals arrive as Slack button clicks"},
		{"an unknown ignored check is refused", "      auth_method: pkce", "      auth_method: pkce\n    ignore: [okta.nope]",
			`targets[0].ignore[0]: "okta.nope" is not a check id: use one of okta.app_status, okta.app_type, okta.client_id, okta.redirect_uris, okta.post_logout_redirect_uris, okta.grant_types, okta.response_types, okta.token_auth, okta.issuer_mode, okta.assignments, okta.trusted_origin, okta.auth_server, wandb.oidc_client_id, wandb.oidc_issuer, wandb.oidc_auth_method, wandb.cors_origins, wandb.sso_enabled, wandb.rollout_pending, oidc.discovery`},
		{"a wrong shape names its path", "      app_id: 0oaerfswkrxGBpWUQ5d7", "      app_id: [a, b]",
			"targets[0].okta.app_id: expected a single value"},
		{"a bad terraform var mapping names the choices", "      auth_method: pkce", "      auth_method: pkce\n    remediation:\n      terraform:\n        vars: {oidc_issuer: oidc.issuerr}",
			`targets[0].remediation.terraform.vars.oidc_issuer: "oidc.issuerr" is not a desired value: use one of oidc.client_id, oidc.issuer, oidc.auth_method, cors_origins, redirect_uris, post_logout_redirect_uris, grant_types, wandb.url, okta.groups, okta.trusted_origin, oidc.auth_server_id, okta.auth_server_policy_id, okta.issuer_mode, or - to pass nothing`},
		{"a negative terraform timeout is refused", "      auth_method: pkce", "      auth_method: pkce\n    remediation:\n      terraform: {timeout: -5m}",
			"targets[0].remediation.terraform.timeout: -5m0s is negative: use a duration such as 10m (the default)"},
		{"a bad grant type is refused", "      auth_method: pkce", "      auth_method: pkce\n    grant_types: [hybrid]",
			`targets[0].grant_types[0]: "hybrid" is not an Okta grant type: use one of authorization_code, implicit, refresh_token, password, client_credentials`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(goodConfig, tc.from) {
				t.Fatalf("test edits %q, which the good config lacks", tc.from)
			}
			file := filepath.Join(t.TempDir(), "driftd.yaml")
			if err := os.WriteFile(file, []byte(strings.Replace(goodConfig, tc.from, tc.to, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("OKTA_API_TOKEN", "00okta-secret-token")
			t.Setenv("DRIFTD_TOKEN", "api-secret")
			_, err := LoadConfig(file)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if len(ce.Problems) != 1 || ce.Problems[0] != tc.want {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(ce.Problems, "\n  "), tc.want)
			}
		})
	}
}

func TestTerraformVarsAreLaidOverTheContractDefaults(t *testing.T) {
	doc := strings.Replace(goodConfig, "      auth_method: pkce", "      auth_method: pkce\n    remediation:\n      terraform:\n        vars: {other_wandb_env.GORILLA_CORS_ORIGINS: cors_origins, grant_types: \"-\"}", 1)
	c, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	vars := c.Targets[0].Remedy.Terraform.Vars
	if vars["other_wandb_env.GORILLA_CORS_ORIGINS"] != "cors_origins" || vars["oidc_issuer"] != "oidc.issuer" {
		t.Errorf("vars = %v: the added mapping and the defaults are both wanted", vars)
	}
	if _, ok := vars["grant_types"]; ok || len(vars) != len(DefaultTerraformVars) {
		t.Errorf("vars = %v: \"-\" drops a default", vars)
	}
}

func TestDuplicateTargetNamesAreRefused(t *testing.T) {
	doc := goodConfig + strings.SplitN(goodConfig, "targets:\n", 2)[1]
	_, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
	if err == nil || !strings.Contains(err.Error(), `targets[1].name: "prod" is already the name of targets[0]: names must be unique`) {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigErrorsNeverShowSecrets(t *testing.T) {
	doc := goodConfig + "slack:\n  webhook_url: ${OKTA_API_TOKEN}\n  repeat_interval: 1s\n"
	_, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
	if err == nil || !strings.Contains(err.Error(), "slack.webhook_url: not a valid https URL") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "00okta-secret-token") {
		t.Fatalf("config error shows a secret: %v", err)
	}
}

func TestASecretPutWhereAValueIsQuotedIsStillRedacted(t *testing.T) {
	for _, edit := range [][2]string{
		{`schedule: "@every 5m"`, "schedule: \"@every 5m\"\nconcurrency: ${OKTA_API_TOKEN}"}, // a YAML type error quotes the value
		{"url: https://wandb.acme.com", "url: http://${OKTA_API_TOKEN}.example.com"},         // URL checks quote the value
	} {
		_, err := ParseConfig([]byte(strings.Replace(goodConfig, edit[0], edit[1], 1)), "d.yaml", testEnv)
		if err == nil {
			t.Fatalf("%s: want an error", edit[1])
		}
		if strings.Contains(err.Error(), "00okta-secret-token") || !strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("%s: %v", edit[1], err)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte("targets: [{}]"))
	f.Add([]byte("okta: [1]\nslack: {}"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("schedule: \"@every 5m\"\nconcurrency: ${OKTA_API_TOKEN}\nokta: {api_token: ${OKTA_API_TOKEN}}"))
	f.Add([]byte("schedule: ${OKTA_API_TOKEN}\nokta: {org_url: ${DRIFTD_TOKEN}, api_token: https://acme.okta.com}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data, "fuzz.yaml", testEnv)
		if err != nil {
			// The secret is only ever in the environment, never in the
			// input, so it must not appear in any message.
			for _, sec := range []string{"00okta-secret-token", "api-secret"} {
				if strings.Contains(err.Error(), sec) && !strings.Contains(string(data), sec) {
					t.Fatalf("an error shows the secret: %v", err)
				}
			}
			return
		}
		if c == nil {
			t.Fatal("nil config without error")
		}
		if len(c.Targets) == 0 || c.Okta.APIToken.IsZero() {
			t.Fatalf("accepted a config without targets or token: %+v", c)
		}
		for _, tg := range c.Targets {
			d := tg.Desired()
			if d.Target == "" || d.ClientID == "" || d.Issuer == "" || strings.HasSuffix(d.Issuer, "/") || !d.AuthMethod.Valid() {
				t.Fatalf("accepted an invalid target: %+v", d)
			}
		}
	})
}

// driftd leaves other integrations a share of each org's rate limit unless
// told otherwise; an explicit 0 still takes it all.
func TestTheRateLimitReserveDefaultsToAFifthAndAnExplicitZeroStays(t *testing.T) {
	c, err := ParseConfig([]byte(goodConfig), "/etc/driftd/driftd.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Okta.RateLimitReserve != 0.2 || c.GlobalOrg().Reserve != 0.2 {
		t.Errorf("default reserve %v (org %v), want 0.2", c.Okta.RateLimitReserve, c.GlobalOrg().Reserve)
	}
	zero := strings.Replace(goodConfig, "okta:\n", "okta:\n  rate_limit_reserve: 0\n", 1)
	if c, err = ParseConfig([]byte(zero), "/etc/driftd/driftd.yaml", testEnv); err != nil {
		t.Fatal(err)
	}
	if c.Okta.RateLimitReserve != 0 {
		t.Errorf("explicit reserve 0 read as %v", c.Okta.RateLimitReserve)
	}
}
