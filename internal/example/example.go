// Package example sets up the example Terraform workspace of deploy/terraform
// with the real okta, kubernetes and helm providers: okta against the Okta
// simulator, kubernetes against a cluster named by a kubeconfig. It is the
// world `driftd demo` and the end-to-end tests fix. It imports no package
// of daemon.
package example

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/driftd/driftd/deploy"
)

// OktaProviderEnv is the environment that points the real okta provider
// (okta/okta v6.12) at an Okta-shaped server at url with an SSWS token:
// with an http:// OKTA_HTTP_PROXY the provider uses that URL as the org URL
// over plain HTTP (terraform-provider-okta okta/api/api.go,
// NewOktaIDaaSAPIClient); OKTA_ORG_NAME and OKTA_BASE_URL are set as for a
// real org, since the provider's configure requires them.
func OktaProviderEnv(url, token string) map[string]string {
	return map[string]string{
		"OKTA_ORG_NAME":   "driftd-sim",
		"OKTA_BASE_URL":   "okta.com",
		"OKTA_API_TOKEN":  token,
		"OKTA_HTTP_PROXY": url,
	}
}

// Workspace is deploy/terraform applied against the simulators the
// way an operator sets it up on day one. The demo and the end-to-end tests
// both start from it.
type Workspace struct {
	Dir      string // the root module's working directory
	AppID    string
	ClientID string
}

// Options says where the example workspace goes and what it talks to.
type Options struct {
	Dir       string // parent directory: the module goes in Dir/tf
	Terraform string // the terraform binary
	// CLIConfig is the Terraform CLI config file (TF_CLI_CONFIG_FILE) that
	// names the providers' filesystem mirror.
	CLIConfig string
	OktaURL   string
	OktaToken string
	// Kubeconfig names the cluster whose namespace wandb gets W&B's env as
	// the ConfigMap wandb-env (wandb_env.tf). Empty: the module is applied
	// without wandb_env.tf, the Okta side only (the demo, which has no
	// cluster).
	Kubeconfig string
	WandbURL   string
	OtherEnv   map[string]string // more W&B env in other_wandb_env, beside GORILLA_CORS_ORIGINS
	// Issuer is W&B's OIDC_ISSUER; empty: OktaURL (the org authorization
	// server).
	Issuer string
	// TrustedOrigin makes the module own the W&B origin as an Okta Trusted
	// Origin from day one (the module's trusted_origin variable).
	TrustedOrigin bool
	Setenv        func(key, value string)
}

// oktaOnlyVersions replaces versions.tf when the module is applied without
// wandb_env.tf: the okta provider alone, pinned as versions.tf pins it.
const oktaOnlyVersions = `terraform {
  required_providers {
    okta = {
      source  = "okta/okta"
      version = "~> 6.12"
    }
  }
}
`

// Copy writes deploy/terraform into dir; without kubernetes, the Okta side
// only (no wandb_env.tf, and a versions.tf that requires okta alone).
func Copy(dir string, kubernetes bool) error {
	sub, _ := fs.Sub(deploy.Terraform, "terraform")
	if err := os.CopyFS(dir, sub); err != nil {
		return fmt.Errorf("copying the example module: %w", err)
	}
	if kubernetes {
		return nil
	}
	if err := os.Remove(filepath.Join(dir, "wandb_env.tf")); err != nil {
		return fmt.Errorf("copying the example module: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "versions.tf"), []byte(oktaOnlyVersions), 0o644); err != nil {
		return fmt.Errorf("copying the example module: %w", err)
	}
	return nil
}

// Apply copies the example module, points Terraform and the providers at
// the simulators through Setenv, creates the Okta app, then gives W&B the
// app's client id: two applies, as in W&B's guide.
func Apply(ctx context.Context, o Options) (*Workspace, error) {
	env := OktaProviderEnv(o.OktaURL, o.OktaToken)
	env["TF_CLI_CONFIG_FILE"] = o.CLIConfig
	env["KUBE_CONFIG_PATH"] = o.Kubeconfig
	for k, v := range env {
		o.Setenv(k, v)
	}
	ws := &Workspace{Dir: filepath.Join(o.Dir, "tf")}
	if err := Copy(ws.Dir, o.Kubeconfig != ""); err != nil {
		return nil, err
	}
	x, err := tfexec.NewTerraform(ws.Dir, o.Terraform)
	if err != nil {
		return nil, fmt.Errorf("preparing terraform: %w", err)
	}
	if err := o.writeVars(ws.Dir, "pending"); err != nil {
		return nil, err
	}
	if err := x.Init(ctx); err != nil {
		return nil, fmt.Errorf("terraform init of the example module: %w", err)
	}
	if err := x.Apply(ctx); err != nil {
		return nil, fmt.Errorf("creating the Okta app and W&B env with terraform: %w", err)
	}
	outs, err := x.Output(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the module's outputs: %w", err)
	}
	ws.AppID = strings.Trim(string(outs["okta_app_id"].Value), `"`)
	ws.ClientID = strings.Trim(string(outs["okta_client_id"].Value), `"`)
	if err := o.writeVars(ws.Dir, ws.ClientID); err != nil {
		return nil, err
	}
	if err := x.Apply(ctx); err != nil {
		return nil, fmt.Errorf("giving W&B the app's client id with terraform: %w", err)
	}
	return ws, nil
}

// writeVars writes terraform.tfvars with W&B's client id.
func (o Options) writeVars(dir, clientID string) error {
	issuer := o.Issuer
	if issuer == "" {
		issuer = o.OktaURL
	}
	other := map[string]string{"GORILLA_CORS_ORIGINS": strings.TrimRight(o.WandbURL, "/") + ",null"}
	for k, v := range o.OtherEnv {
		other[k] = v
	}
	keys := make([]string, 0, len(other))
	for k := range other {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var env []string
	for _, k := range keys {
		env = append(env, fmt.Sprintf("%s = %q", k, other[k]))
	}
	body := fmt.Sprintf("wandb_url       = %q\noidc_client_id  = %q\noidc_issuer     = %q\nother_wandb_env = { %s }\ntrusted_origin  = %t\n",
		o.WandbURL, clientID, issuer, strings.Join(env, ", "), o.TrustedOrigin)
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), []byte(body), 0o644); err != nil {
		return fmt.Errorf("writing terraform.tfvars: %w", err)
	}
	return nil
}

// ProvidersConfig finds the Terraform CLI config of the real providers'
// filesystem mirror that .ci/build-providers builds, as the tests find it:
// $DRIFTD_PROVIDERS (the file, or the directory holding terraformrc), else
// ~/.cache/driftd/providers/terraformrc. The demo uses it when present, so
// that it runs the okta provider users run and never downloads one.
func ProvidersConfig() (string, error) {
	rc := os.Getenv("DRIFTD_PROVIDERS")
	if rc == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		rc = filepath.Join(home, ".cache", "driftd", "providers", "terraformrc")
	}
	fi, err := os.Stat(rc)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		rc = filepath.Join(rc, "terraformrc")
		if _, err := os.Stat(rc); err != nil {
			return "", err
		}
	}
	return rc, nil
}
