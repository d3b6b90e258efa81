package source

import (
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

const stateJSON = `{
  "format_version": "1.0",
  "values": {
    "outputs": {"wandb_env": {"sensitive": false, "value": {"OIDC_ISSUER": "https://acme.okta.com", "OIDC_CLIENT_ID": "0oa1"}}},
    "root_module": {
      "resources": [
        {"address": "kubernetes_config_map.wandb", "type": "kubernetes_config_map", "name": "wandb", "values": {"data": {"GORILLA_CORS_ORIGINS": "https://w, null"}}},
        {"address": "helm_release.wandb", "type": "helm_release", "name": "wandb", "values": {
          "values": ["global:\n  extraEnv:\n    OIDC_ISSUER: https://acme.okta.com\n"],
          "set": [{"name": "global.extraEnv.OIDC_AUTH_METHOD", "value": "pkce"}]}}
      ],
      "child_modules": [{"address": "module.wandb", "resources": [
        {"address": "module.wandb.kubernetes_deployment.wandb", "type": "kubernetes_deployment", "name": "wandb", "values": {
          "spec": [{"template": [{"spec": [{"container": [{"env": [{"name": "OIDC_CLIENT_ID", "value": "0oa2"}, {"name": "LOCAL_RESTORE", "value": "false"}]}]}]}]}]}},
        {"address": "module.wandb.aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b", "values": {}}
      ]}]
    }
  }
}`

func TestEnvFromState(t *testing.T) {
	var st tfjson.State
	if err := json.Unmarshal([]byte(stateJSON), &st); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, output, address, key, want, err string
	}{
		{name: "a root output map", output: "wandb_env", key: "OIDC_CLIENT_ID", want: "0oa1"},
		{name: "a config map's data", address: "kubernetes_config_map.wandb", key: "GORILLA_CORS_ORIGINS", want: "https://w, null"},
		{name: "a deployment's container env in a child module", address: "module.wandb.kubernetes_deployment.wandb", key: "OIDC_CLIENT_ID", want: "0oa2"},
		{name: "a helm release's values", address: "helm_release.wandb", key: "OIDC_ISSUER", want: "https://acme.okta.com"},
		{name: "a helm release's set entries", address: "helm_release.wandb", key: "OIDC_AUTH_METHOD", want: "pkce"},
		{name: "a missing output is an error", output: "nope", err: `no root output "nope" in the state`},
		{name: "a missing resource is an error", address: "kubernetes_config_map.nope", err: "no resource kubernetes_config_map.nope in the state"},
		{name: "an unsupported resource type is an error", address: "module.wandb.aws_s3_bucket.b", err: "is a aws_s3_bucket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, err := EnvFromState(&st, tc.output, tc.address)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || env[tc.key] != tc.want {
				t.Fatalf("env = %v, err = %v; want %s=%s", env, err, tc.key, tc.want)
			}
		})
	}
	if _, err := EnvFromState(&tfjson.State{}, "wandb_env", ""); err == nil || !strings.Contains(err.Error(), "the state is empty") {
		t.Errorf("empty state: %v", err)
	}
}
