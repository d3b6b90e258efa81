package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// problemsOf parses the good config with one edit and returns its problems.
func problemsOf(t *testing.T, from, to string, lookup func(string) (string, bool)) []string {
	t.Helper()
	if !strings.Contains(goodConfig, from) {
		t.Fatalf("test edits %q, which the good config lacks", from)
	}
	_, err := ParseConfig([]byte(strings.Replace(goodConfig, from, to, 1)), "d.yaml", lookup)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
	return ce.Problems
}

func TestSecretsFromSecretLookingVariablesAreNeverShown(t *testing.T) {
	tests := []struct{ name, from, to string }{
		{"a token used as the schedule", `schedule: "@every 5m"`, "schedule: ${OKTA_API_TOKEN}"},
		{"org_url and api_token swapped", "  org_url: https://acme.okta.com/\n  api_token: ${OKTA_API_TOKEN}", "  org_url: ${OKTA_API_TOKEN}\n  api_token: https://acme.okta.com"},
		{"a token inside a URL", "url: https://wandb.acme.com", "url: http://${OKTA_API_TOKEN}.example.com"},
		{"a token as a number", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nconcurrency: ${OKTA_API_TOKEN}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := strings.Join(problemsOf(t, tc.from, tc.to, testEnv), "\n")
			if strings.Contains(msg, "00okta-secret-token") || !strings.Contains(msg, redacted) {
				t.Errorf("problems:\n%s", msg)
			}
		})
	}
}

func TestRedactionNeverMangles(t *testing.T) {
	short := func(name string) (string, bool) {
		if name == "OKTA_API_TOKEN" {
			return "token", true
		}
		return testEnv(name)
	}
	got := problemsOf(t, "url: https://wandb.acme.com", "url: http://wandb.acme.com", short)
	want := `targets[0].wandb.url: "http://wandb.acme.com" uses plain http: use https (http is accepted for loopback hosts only)`
	if len(got) != 1 || got[0] != want {
		t.Errorf("problems = %q, want %q", got, want)
	}
	got = problemsOf(t, `schedule: "@every 5m"`, "schedule: ${OKTA_API_TOKEN}", short)
	if len(got) != 1 || !strings.HasPrefix(got[0], `schedule: "[redacted]" is not a cron spec`) {
		t.Errorf("a short secret as a whole quoted value is still redacted: %q", got)
	}
}

func TestStructuralProblems(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"a type error names its key path", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nretention: lots",
			[]string{`retention: "lots" is not a whole number`}},
		{"an unknown key's hint lists no empty key", "    okta:\n      app_id", "    zzzzzzzzzzzz: 1\n    okta:\n      app_id",
			[]string{"targets[0].zzzzzzzzzzzz: unknown key (known keys: cors_origins, grant_types, ignore, name, oidc, okta, post_logout_redirect_uris, redirect_uris, remediation, schedule, slack, strict, wandb)"}},
		{"every problem is reported beside an unknown key", "auth_method: pkce", "auth_method: oauth\n      isuer: x",
			[]string{`targets[0].oidc.isuer: unknown key (did you mean "issuer"?)`, `targets[0].oidc.auth_method: "oauth" is not an auth method: use implicit or pkce`}},
		{"a bad duration does not hide the rest or invent problems", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nconcurrency: abc\nslack: {repeat_interval: 5, webhook_url: https://hooks.slack.com/x}",
			[]string{`concurrency: "abc" is not a whole number`, `slack.repeat_interval: "5" is not a duration such as 90s or 4h`}},
		{"concurrency 0 is refused, not defaulted", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nconcurrency: 0",
			[]string{"concurrency: 0 must be at least 1 (leave it unset for 16)"}},
		{"cors_origins without null is refused with W&B's symptom", "auth_method: pkce", "auth_method: pkce\n    cors_origins: [https://wandb.acme.com]",
			[]string{`targets[0].cors_origins: lacks the literal null: W&B refuses the sign-in after the Okta redirect with "request from invalid origin: null": add "null" in quotes (unquoted, YAML reads null as no value), or ignore wandb.cors_origins`}},
		{"an unquoted null in cors_origins says to quote it", "auth_method: pkce", "auth_method: pkce\n    cors_origins: [https://wandb.acme.com, null]",
			[]string{`targets[0].cors_origins[1]: an unquoted null is YAML's empty value, not the origin null: write "null" in quotes`,
				`targets[0].cors_origins: lacks the literal null: W&B refuses the sign-in after the Okta redirect with "request from invalid origin: null": add "null" in quotes (unquoted, YAML reads null as no value), or ignore wandb.cors_origins`}},
		{"an approver name is refused", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nslack: {webhook_url: https://hooks.slack.com/x, approvers: [U012APPROVER, alice]}",
			[]string{`slack.approvers[1]: "alice" is not a Slack user id: use the member id (U… or W…, in the profile's "Copy member ID"); names are not unique`}},
		{"a bad admin_url is refused", "  api_token: ${OKTA_API_TOKEN}", "  api_token: ${OKTA_API_TOKEN}\n  admin_url: acme-admin",
			[]string{`okta.admin_url: "acme-admin" is not an absolute URL`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := problemsOf(t, tc.from, tc.to, testEnv)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestAcceptedEdgeCases(t *testing.T) {
	tests := []struct{ name, from, to string }{
		{"a custom-domain issuer ending in -admin is valid", "      issuer: https://acme.okta.com", "      issuer: https://sso-admin.acme.com/oauth2/default"},
		{"cors_origins without null is accepted when the check is ignored", "auth_method: pkce", "auth_method: pkce\n    cors_origins: [https://wandb.acme.com]\n    ignore: [wandb.cors_origins]"},
		{"Slack member ids are approvers", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nslack: {webhook_url: https://hooks.slack.com/x, approvers: [U012APPROVER, W0GRID]}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseConfig([]byte(strings.Replace(goodConfig, tc.from, tc.to, 1)), "d.yaml", testEnv); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestValidateWarnsWhatServeRefuses(t *testing.T) {
	c, err := ParseConfig([]byte(strings.Replace(goodConfig, "  token: ${DRIFTD_TOKEN}\n", "", 1)), "d.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0], "server.token: required for serve") {
		t.Errorf("warnings = %q", c.Warnings)
	}
}

func TestRelativePathsAreAbsoluteFromTheConfigFilesDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc"), 0o700); err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(goodConfig, "auth_method: pkce", "auth_method: pkce\n    remediation: {terraform: {dir: ../tf}}", 1)
	if err := os.WriteFile(filepath.Join(dir, "etc", "driftd.yaml"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("OKTA_API_TOKEN", "00okta-secret-token")
	t.Setenv("DRIFTD_TOKEN", "api-secret")
	c, err := LoadConfig("etc/driftd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checksEqual(t, "state_dir", c.StateDir, filepath.Join(dir, "etc", "data"))
	checksEqual(t, "env path", c.Targets[0].Wandb.Env.Path, filepath.Join(dir, "etc", "wandb.env"))
	checksEqual(t, "terraform dir", c.Targets[0].Remedy.Terraform.Dir, filepath.Join(dir, "tf"))
}

func TestGuardrailAttributesAreLaidOverTheDefaults(t *testing.T) {
	doc := strings.Replace(goodConfig, "auth_method: pkce", "auth_method: pkce\n    remediation: {terraform: {attributes: {okta_app_oauth: [redirect_uris], my_type: [x]}}}", 1)
	c, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	attrs := c.Targets[0].Remedy.Terraform.Attributes
	checksEqual(t, "okta_app_oauth", strings.Join(attrs["okta_app_oauth"], ","), "redirect_uris")
	checksEqual(t, "my_type", strings.Join(attrs["my_type"], ","), "x")
	checksEqual(t, "kubernetes_config_map", strings.Join(attrs["kubernetes_config_map"], ","), "data")
}

func TestAPasswordWrittenIntoAURLIsNeverShown(t *testing.T) {
	tests := []struct{ name, from, to string }{
		{"in the Okta org URL", "org_url: https://acme.okta.com/", "org_url: https://driftd:hunter2-literal@acme.okta.com/"},
		{"in the W&B URL", "url: https://wandb.acme.com", "url: https://admin:hunter2-literal@wandb.acme.com"},
		{"as a token in the user part of the W&B URL", "url: https://wandb.acme.com", "url: https://hunter2-literal@wandb.acme.com"},
		{"in the Alertmanager URL", `schedule: "@every 5m"`, "schedule: \"@every 5m\"\nalertmanager: {url: \"https://driftd:hunter2-literal@am.acme.com\"}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := strings.Join(problemsOf(t, tc.from, tc.to, testEnv), "\n")
			if strings.Contains(msg, "hunter2") || !strings.Contains(msg, "must not contain credentials") {
				t.Errorf("problems:\n%s", msg)
			}
		})
	}
}
