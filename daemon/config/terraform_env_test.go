package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestTerraformEnvIsExpandedAndHeldAsSecrets(t *testing.T) {
	doc := strings.Replace(goodConfig, "auth_method: pkce", "auth_method: pkce\n    remediation: {terraform: {env: {OKTA_API_TOKEN: \"${OKTA_API_TOKEN}\", OKTA_ORG_NAME: acme}}}", 1)
	c, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	env := c.Targets[0].Remedy.Terraform.RevealEnv()
	if env["OKTA_API_TOKEN"] != "00okta-secret-token" || env["OKTA_ORG_NAME"] != "acme" {
		t.Errorf("terraform env = %v", env)
	}
	if !slices.Contains(c.Secrets(), "00okta-secret-token") || !slices.Contains(c.Secrets(), "acme") {
		t.Errorf("the terraform env's values are not among the config's secrets")
	}
	if s := fmt.Sprintf("%v %+v", c.Targets[0].Remedy.Terraform, c.Targets[0].Remedy.Terraform.Env); strings.Contains(s, "00okta-secret-token") {
		t.Errorf("printing the terraform config shows its credential: %s", s)
	}
}

func TestTerraformEnvNamesAreChecked(t *testing.T) {
	for _, tc := range []struct{ name, env, want string }{
		{"a name with a dash", "{OKTA-TOKEN: x}", "targets[0].remediation.terraform.env.OKTA-TOKEN: not an environment variable name"},
		{"a variable that changes the command", "{TF_CLI_ARGS_plan: -target=x}", "targets[0].remediation.terraform.env.TF_CLI_ARGS_plan: changes what a Terraform command does"},
		{"an unset variable names the key", "{OKTA_API_TOKEN: \"${NOT_SET_ANYWHERE}\"}", "targets[0].remediation.terraform.env.OKTA_API_TOKEN: environment variable NOT_SET_ANYWHERE is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(goodConfig, "auth_method: pkce", "auth_method: pkce\n    remediation: {terraform: {env: "+tc.env+"}}", 1)
			_, err := ParseConfig([]byte(doc), "d.yaml", testEnv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}
