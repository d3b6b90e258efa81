// Package example sets up the example Terraform workspace of deploy/terraform
// against the Okta simulator, with the test provider installed as a
// filesystem mirror: the world `driftd demo` and the end-to-end tests fix.
// It imports no package of daemon.
package example

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/driftd/driftd/deploy"
	"github.com/driftd/driftd/internal/tfprovider/providerenv"
)

// mirrored are the providers the test provider stands in for.
var mirrored = []string{"okta/okta", "hashicorp/kubernetes", "hashicorp/helm"}

// InstallProviderMirror lays provider out in a filesystem mirror under dir
// as okta/okta, hashicorp/kubernetes and hashicorp/helm (the test provider serves
// whichever name it is installed under) and writes a Terraform CLI config
// that uses it. It returns the CLI config's path, for TF_CLI_CONFIG_FILE.
func InstallProviderMirror(dir, provider string) (string, error) {
	mirror := filepath.Join(dir, "mirror")
	platform := runtime.GOOS + "_" + runtime.GOARCH
	for _, p := range mirrored {
		pd := filepath.Join(mirror, "registry.terraform.io", p, "0.1.0", platform)
		if err := os.MkdirAll(pd, 0o755); err != nil {
			return "", fmt.Errorf("laying out the provider mirror: %w", err)
		}
		dst := filepath.Join(pd, "terraform-provider-"+filepath.Base(p)+"_v0.1.0")
		if err := os.Link(provider, dst); err != nil {
			if err := copyFile(provider, dst); err != nil {
				return "", fmt.Errorf("installing the provider in the mirror: %w", err)
			}
		}
	}
	var quoted []string
	for _, p := range mirrored {
		quoted = append(quoted, strconv.Quote("registry.terraform.io/"+p))
	}
	include := strings.Join(quoted, ", ")
	cli := filepath.Join(dir, "cli.tfrc")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%s]
  }
}
`, mirror, include)
	if err := os.WriteFile(cli, []byte(cfg), 0o644); err != nil {
		return "", fmt.Errorf("writing the Terraform CLI config: %w", err)
	}
	return cli, nil
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o755)
}

// Workspace is deploy/terraform applied against the simulators the
// way an operator sets it up on day one. The demo and the end-to-end tests
// both start from it.
type Workspace struct {
	Dir      string // the root module's working directory
	EnvFile  string // the W&B env the config map is stored as
	AppID    string
	ClientID string
}

// Options says where the example workspace goes and what it talks to.
type Options struct {
	Dir       string // parent directory: the module goes in Dir/tf, the env under Dir/k8s
	Terraform string // the terraform binary
	CLIConfig string // from InstallProviderMirror
	OktaURL   string
	OktaToken string
	WandbURL  string
	OtherEnv  map[string]string // more W&B env in other_wandb_env, beside GORILLA_CORS_ORIGINS
	// Issuer is W&B's OIDC_ISSUER; empty: OktaURL (the org authorization
	// server).
	Issuer string
	// TrustedOrigin makes the module own the W&B origin as an Okta Trusted
	// Origin from day one (the module's trusted_origin variable).
	TrustedOrigin bool
	Setenv        func(key, value string)
}

// Apply copies the example module, points Terraform and the
// provider at the simulators through Setenv, creates the Okta app, then
// gives W&B the app's client id: two applies, as in W&B's guide.
func Apply(ctx context.Context, o Options) (*Workspace, error) {
	for k, v := range map[string]string{
		"TF_CLI_CONFIG_FILE": o.CLIConfig, providerenv.OktaURL: o.OktaURL, providerenv.OktaToken: o.OktaToken,
		providerenv.K8sDir: filepath.Join(o.Dir, "k8s"), "TF_PLUGIN_CACHE_DIR": "",
	} {
		o.Setenv(k, v)
	}
	ws := &Workspace{Dir: filepath.Join(o.Dir, "tf"), EnvFile: filepath.Join(o.Dir, "k8s", "wandb", "wandb-env.env")}
	sub, _ := fs.Sub(deploy.Terraform, "terraform")
	if err := os.CopyFS(ws.Dir, sub); err != nil {
		return nil, fmt.Errorf("copying the example module: %w", err)
	}
	x, err := tfexec.NewTerraform(ws.Dir, o.Terraform)
	if err != nil {
		return nil, fmt.Errorf("preparing terraform: %w", err)
	}
	issuer := o.Issuer
	if issuer == "" {
		issuer = o.OktaURL
	}
	other := map[string]string{"GORILLA_CORS_ORIGINS": strings.TrimRight(o.WandbURL, "/") + ",null"}
	for k, v := range o.OtherEnv {
		other[k] = v
	}
	vars := func(clientID string) error {
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
		if err := os.WriteFile(filepath.Join(ws.Dir, "terraform.tfvars"), []byte(body), 0o644); err != nil {
			return fmt.Errorf("writing terraform.tfvars: %w", err)
		}
		return nil
	}
	if err := vars("pending"); err != nil {
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
	if err := vars(ws.ClientID); err != nil {
		return nil, err
	}
	if err := x.Apply(ctx); err != nil {
		return nil, fmt.Errorf("giving W&B the app's client id with terraform: %w", err)
	}
	return ws, nil
}
