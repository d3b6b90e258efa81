package source

import (
	"context"
	"testing"
)

// TestTerraformShowGetsOnlyWhatTerraformIsGiven holds contract section 11's
// remediation.terraform.env row for the terraform env source: `terraform
// show` gets PATH, HOME, TMPDIR, the proxy and TF_* variables of driftd's
// environment and the target's remediation.terraform.env (Extra), never
// driftd's other secrets (its Okta token, the API's, Slack's).
func TestTerraformShowGetsOnlyWhatTerraformIsGiven(t *testing.T) {
	t.Setenv("OKTA_API_TOKEN", "00driftd-read-token-xyz")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-driftd-slack")
	t.Setenv("TF_DATA_DIR", ".tfdata")
	t.Setenv("HTTPS_PROXY", "http://proxy.acme.test:3128")
	fakeTerraform(t, `printf '{"format_version":"1.0","values":{"outputs":{"wandb_env":{"value":{"OKTA":"%s","SLACK":"%s","BACKEND":"%s","TF_DATA_DIR":"%s","PROXY":"%s","PATH_SET":"%s","AUTOMATION":"%s"}}}}}' "${OKTA_API_TOKEN:-unset}" "${SLACK_BOT_TOKEN:-unset}" "${AWS_SECRET_ACCESS_KEY:-unset}" "${TF_DATA_DIR:-unset}" "${HTTPS_PROXY:-unset}" "${PATH:+yes}" "${TF_IN_AUTOMATION:-unset}"`)
	env, err := (&TerraformEnv{Dir: t.TempDir(), Output: "wandb_env", Extra: map[string]string{"AWS_SECRET_ACCESS_KEY": "backend-secret"}}).Env(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"OKTA": "unset", "SLACK": "unset", "BACKEND": "backend-secret", "TF_DATA_DIR": ".tfdata",
		"PROXY": "http://proxy.acme.test:3128", "PATH_SET": "yes", "AUTOMATION": "1",
	} {
		if got, _ := env.Lookup(k); got != want {
			t.Errorf("terraform show saw %s=%q, want %q", k, got, want)
		}
	}
}

// `terraform show` is cleaned as plan and apply are (tfexec.CleanEnv): a
// TF_WORKSPACE would make it read another workspace's state than the one
// apply changes, and a TF_LOG would put Terraform's traces in the error a
// finding quotes.
func TestTerraformShowRunsWithoutWhatChangesACommand(t *testing.T) {
	t.Setenv("TF_WORKSPACE", "other")
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_CLI_ARGS", "-no-color")
	t.Setenv("TF_VAR_secret", "x")
	fakeTerraform(t, `printf '{"format_version":"1.0","values":{"outputs":{"wandb_env":{"value":{"WS":"%s","LOG":"%s","ARGS":"%s","VAR":"%s"}}}}}' "${TF_WORKSPACE:-unset}" "${TF_LOG:-unset}" "${TF_CLI_ARGS:-unset}" "${TF_VAR_secret:-unset}"`)
	env, err := (&TerraformEnv{Dir: t.TempDir(), Output: "wandb_env"}).Env(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"WS", "LOG", "ARGS", "VAR"} {
		if got, _ := env.Lookup(k); got != "unset" {
			t.Errorf("terraform show saw %s=%q, want it unset", k, got)
		}
	}
}
