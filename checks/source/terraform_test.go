package source

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	useHelmRender(t)
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
			env, err := EnvFromState(context.Background(), &st, tc.output, tc.address)
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
	if _, err := EnvFromState(context.Background(), &tfjson.State{}, "wandb_env", ""); err == nil || !strings.Contains(err.Error(), "the state is empty") {
		t.Errorf("empty state: %v", err)
	}
}

// fakeTerraform installs a terraform that answers `version` like 1.5.7 and
// `show` with what script prints, and points DRIFTD_TERRAFORM at it.
func fakeTerraform(t *testing.T, show string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "terraform")
	script := "#!/bin/sh\ncase \"$1\" in\n" +
		"version) echo '{\"terraform_version\":\"1.5.7\",\"platform\":\"linux_amd64\",\"provider_selections\":{},\"terraform_outdated\":false}' ;;\n" +
		"show) " + show + " ;;\n" +
		"*) echo \"unexpected $*\" >&2; exit 1 ;;\nesac\n"
	if err := os.WriteFile(bin, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_TERRAFORM", bin)
}

func TestTerraformEnvThatIsNotAnEnvIsAFailedRead(t *testing.T) {
	tests := []struct {
		name, show, output, address, wantErr string
	}{
		{name: "an output that is an empty map is a failed read", output: "wandb_env",
			show: `echo '{"format_version":"1.0","values":{"outputs":{"wandb_env":{"sensitive":false,"value":{}}},"root_module":{}}}'`, wantErr: "has no variables"},
		{name: "a state without the output is a failed read", output: "wandb_env",
			show: `echo '{"format_version":"1.0","values":{"outputs":{},"root_module":{}}}'`, wantErr: `no root output "wandb_env"`},
		{name: "a state without the resource is a failed read", address: "kubernetes_config_map.wandb",
			show: `echo '{"format_version":"1.0","values":{"root_module":{}}}'`, wantErr: "no resource kubernetes_config_map.wandb"},
		{name: "a config map with empty data is a failed read", address: "kubernetes_config_map.wandb",
			show: `echo '{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"kubernetes_config_map.wandb","type":"kubernetes_config_map","name":"wandb","values":{"data":{}}}]}}}'`, wantErr: "has no variables"},
		{name: "a workspace never applied is a failed read", output: "wandb_env",
			show: `echo '{"format_version":"1.0"}'`, wantErr: "the state is empty"},
		{name: "show output past the bound is a failed read", output: "wandb_env",
			show: `printf '{"format_version":"1.0","values":{"outputs":{"wandb_env":{"value":{"A":"'; head -c 8000000 /dev/zero | tr '\0' x; printf '"}}}}}'`, wantErr: "larger than 1 MiB"},
		{name: "a failing show names the failure with a bounded message", output: "wandb_env",
			show: `head -c 3000000 /dev/zero | tr '\0' e >&2; exit 1`, wantErr: "reading Terraform state"},
	}
	defer func(n int64) { maxShowBytes = n }(maxShowBytes)
	maxShowBytes = 1 << 20
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fakeTerraform(t, tc.show)
			env, err := (&TerraformEnv{Dir: t.TempDir(), Output: tc.output, Address: tc.address}).Env(context.Background())
			if err == nil || env != nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Env() = %+v, %.300v; want no env and an error saying %q", env, err, tc.wantErr)
			}
			if len(err.Error()) > MaxMessageBytes+len(truncatedMark) {
				t.Errorf("error message is %d bytes", len(err.Error()))
			}
		})
	}
}

func TestTerraformEnvShowIsBoundInTime(t *testing.T) {
	defer func(d time.Duration) { showTimeout = d }(showTimeout)
	showTimeout = 300 * time.Millisecond
	fakeTerraform(t, "sleep 30")
	start := time.Now()
	_, err := (&TerraformEnv{Dir: t.TempDir(), Output: "wandb_env"}).Env(context.Background())
	if err == nil || !strings.Contains(err.Error(), "did not finish within") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a hanging terraform show held the read for %s", took)
	}
}
