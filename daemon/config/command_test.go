package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestACommandRequiresOnlyTheSecretsOfTheSectionsItUses: `driftd check`
// refused to run without DRIFTD_TOKEN, a secret only serve uses, so a
// cron-only check needed the server's and Slack's secrets.
func TestACommandRequiresOnlyTheSecretsOfTheSectionsItUses(t *testing.T) {
	doc := strings.Replace(goodConfig, "  token: ${DRIFTD_TOKEN}", "  token: ${UNSET_API_TOKEN}", 1) + `    remediation:
      mode: apply
      terraform: {dir: ./tf, env: {OKTA_API_TOKEN: "${UNSET_TF_TOKEN}"}}
    slack: {channel: "#prod"}
slack:
  bot_token: ${UNSET_SLACK_TOKEN}
  channel: "#sso"
alertmanager:
  url: https://am.acme.com
`
	file := filepath.Join(t.TempDir(), "driftd.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OKTA_API_TOKEN", "00okta-secret-token")
	for _, tc := range []struct {
		name string
		cmd  Command
		want []string // the unset variables the command must name
	}{
		{"check needs none of the server's, Slack's or Terraform's", ForCheck, nil},
		{"reconcile needs Terraform's", ForReconcile, []string{"UNSET_TF_TOKEN"}},
		{"slack test needs Slack's", ForSlack, []string{"UNSET_SLACK_TOKEN"}},
		{"serve and validate need all", ForAll, []string{"UNSET_API_TOKEN", "UNSET_TF_TOKEN", "UNSET_SLACK_TOKEN"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfigFor(file, tc.cmd, "")
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted a config without %v", tc.want)
			}
			for _, v := range tc.want {
				if !strings.Contains(err.Error(), "environment variable "+v+" is not set") {
					t.Errorf("the error does not name %s:\n%v", v, err)
				}
			}
			for _, v := range []string{"UNSET_API_TOKEN", "UNSET_TF_TOKEN", "UNSET_SLACK_TOKEN"} {
				if !strings.Contains(strings.Join(tc.want, " "), v) && strings.Contains(err.Error(), v) {
					t.Errorf("the error names %s, which this command does not use:\n%v", v, err)
				}
			}
		})
	}
}

// TestAYAMLSyntaxErrorNamesTheLineOfTheProblem: an indentation error on
// line 22 of a config was reported at line 9, where targets: began.
func TestAYAMLSyntaxErrorNamesTheLineOfTheProblem(t *testing.T) {
	lines := strings.Split(strings.TrimPrefix(goodConfig, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "    oidc:") {
			lines[i] = "   oidc:" // one space short: line i+1
			doc := strings.Join(lines, "\n")
			_, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
			want := "not valid YAML: line " + strconv.Itoa(i+1) + ": did not find expected '-' indicator"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want %q", err, want)
			}
			return
		}
	}
	t.Fatal("goodConfig has no oidc: line")
}

// With --target, a command requires only that target's secrets: a second
// target on its own Okta org, whose token is unset on this machine, does
// not stop `driftd check --target prod` or `reconcile --target prod`; the
// config returned holds prod alone; the other target's problems still stop
// a command run on it, or on every target.
func TestACommandOnOneTargetRequiresOnlyThatTargetsSecrets(t *testing.T) {
	doc := goodConfig + `  - name: staging
    wandb:
      url: https://wandb-staging.acme.com
      env: {source: file, path: ./staging.env}
    okta: {app_id: 0oastaging, org_url: https://acme-staging.okta.com, api_token: "${UNSET_STAGING_TOKEN}"}
    oidc: {client_id: 0oastaging, issuer: https://acme-staging.okta.com, auth_method: pkce}
    remediation:
      mode: apply
      terraform: {dir: ./tf, env: {OKTA_API_TOKEN: "${UNSET_STAGING_TF_TOKEN}"}}
`
	file := filepath.Join(t.TempDir(), "driftd.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OKTA_API_TOKEN", "00okta-secret-token")
	t.Setenv("DRIFTD_TOKEN", "api-secret")
	for _, cmd := range []Command{ForCheck, ForReconcile} {
		c, err := LoadConfigFor(file, cmd, "prod")
		if err != nil {
			t.Fatalf("command %d on prod refused for staging's secrets: %v", cmd, err)
		}
		if len(c.Targets) != 1 || c.Targets[0].Name != "prod" {
			t.Errorf("command %d on prod: targets %v, want prod alone", cmd, c.Targets)
		}
	}
	for _, target := range []string{"staging", ""} {
		_, err := LoadConfigFor(file, ForCheck, target)
		if err == nil || !strings.Contains(err.Error(), "targets[1].okta.api_token") || !strings.Contains(err.Error(), "UNSET_STAGING_TOKEN") {
			t.Errorf("check on %q: %v, want staging's unset token named", target, err)
		}
	}
	if _, err := LoadConfigFor(file, ForReconcile, "staging"); err == nil || !strings.Contains(err.Error(), "UNSET_STAGING_TF_TOKEN") {
		t.Errorf("reconcile on staging: %v, want its unset Terraform token named", err)
	}
	// An unknown name keeps every target for the caller to say so.
	if c, err := LoadConfigFor(file, ForCheck, "nosuch"); err != nil {
		t.Errorf("check on an unknown target: %v", err)
	} else if len(c.Targets) != 2 {
		t.Errorf("check on an unknown target: %d targets, want both", len(c.Targets))
	}
}
