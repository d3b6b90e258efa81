package source

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"gopkg.in/yaml.v3"
)

// FindTerraform locates the terraform binary: $DRIFTD_TERRAFORM, else PATH.
func FindTerraform() (string, error) {
	if p := os.Getenv("DRIFTD_TERRAFORM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("DRIFTD_TERRAFORM=%s: %w", p, err)
		}
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		// Where .ci/run builds the pinned version.
		if home, herr := os.UserHomeDir(); herr == nil {
			if c := filepath.Join(home, ".cache", "driftd", "bin", "terraform"); fileExists(c) {
				return c, nil
			}
		}
		return "", errors.New("terraform not found on PATH: install Terraform (or set DRIFTD_TERRAFORM) to use source: terraform or the plan, apply and approve modes")
	}
	return p, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TerraformInherits says whether Terraform gets a variable of driftd's
// environment: PATH, HOME, TMPDIR, the proxy variables (either case) and
// TF_* (contract section 11, remediation.terraform.env). Everything else,
// driftd's Okta token, the API's and Slack's among them, stays with driftd.
func TerraformInherits(name string) bool {
	switch strings.ToUpper(name) {
	case "PATH", "HOME", "TMPDIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY":
		return true
	}
	return strings.HasPrefix(name, "TF_")
}

// TerraformEnvMap is the environment every Terraform command driftd runs
// starts from: what Terraform inherits of driftd's (TerraformInherits),
// then extra (the target's remediation.terraform.env), cleaned as
// terraform-exec's CleanEnv does (hashicorp/terraform-exec v0.24.0
// tfexec/cmd.go): no TF_LOG, TF_CLI_ARGS, TF_VAR_ or TF_WORKSPACE, which
// would change what a command reads or does, or put traces in its errors.
func TerraformEnvMap(extra map[string]string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && TerraformInherits(k) {
			env[k] = v
		}
	}
	for k, v := range extra {
		env[k] = v
	}
	return tfexec.CleanEnv(env)
}

// TerraformEnviron is the environment `terraform show` runs with: that of
// plan and apply (TerraformEnvMap), then what tfexec sets for an unattended
// run (tfexec/cmd.go: buildEnv): no prompts, no checkpoint calls.
func TerraformEnviron(extra map[string]string) []string {
	env := TerraformEnvMap(extra)
	env["TF_IN_AUTOMATION"], env["TF_INPUT"], env["CHECKPOINT_DISABLE"] = "1", "0", "1"
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// TerraformEnv reads a W&B deployment's environment from Terraform state:
// a map in a root output, or the env of a resource by address.
type TerraformEnv struct {
	Dir     string
	Output  string
	Address string
	// Extra is given to `terraform show` beside what Terraform inherits of
	// driftd's environment (TerraformInherits): the target's
	// remediation.terraform.env, e.g. the state backend's credential.
	Extra map[string]string
}

// Env reads the state with `terraform show -json`, which never refreshes.
func (t *TerraformEnv) Env(ctx context.Context) (*checks.WandbEnv, error) {
	bin, err := FindTerraform()
	if err != nil {
		return nil, fmt.Errorf("reading W&B env from Terraform state: %w", err)
	}
	state, err := showState(ctx, bin, t.Dir, TerraformEnviron(t.Extra))
	if err != nil {
		return nil, BoundError(fmt.Errorf("reading Terraform state in %s: %w", t.Dir, err))
	}
	vars, err := EnvFromState(ctx, state, t.Output, t.Address)
	if err != nil {
		return nil, BoundError(fmt.Errorf("reading W&B env from Terraform state in %s: %w", t.Dir, err))
	}
	src := "terraform:" + t.Dir + ":output." + t.Output
	if t.Address != "" {
		src = "terraform:" + t.Dir + ":" + t.Address
	}
	return &checks.WandbEnv{Source: src, Vars: vars}, nil
}

// EnvFromState extracts env vars from state: the root output named output,
// or the resource at address (kubernetes_config_map data, a
// kubernetes_deployment's container env, a helm_release's values, which
// driftd-helm-render reads).
func EnvFromState(ctx context.Context, state *tfjson.State, output, address string) (map[string]string, error) {
	if state == nil || state.Values == nil {
		return nil, errors.New("the state is empty: has the workspace been applied?")
	}
	if address == "" {
		o, ok := state.Values.Outputs[output]
		if !ok {
			return nil, fmt.Errorf("no root output %q in the state", output)
		}
		return nonEmpty(stringMap(o.Value, "output "+output))
	}
	r, err := findStateResource(state.Values.RootModule, address)
	if err != nil {
		return nil, err
	}
	switch r.Type {
	case "kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_secret", "kubernetes_secret_v1":
		return nonEmpty(stringMap(r.AttributeValues["data"], address+".data"))
	case "kubernetes_deployment", "kubernetes_deployment_v1", "kubernetes_stateful_set", "kubernetes_stateful_set_v1":
		return moduleDeploymentEnv(state, address, r.AttributeValues)
	case "helm_release":
		return helmStateEnv(ctx, r.AttributeValues)
	}
	return nil, fmt.Errorf("%s is a %s: driftd reads env from kubernetes_config_map, kubernetes_deployment or helm_release", address, r.Type)
}

// nonEmpty refuses an env without variables: W&B's env always sets some,
// and judging an empty one would report every variable as drift.
func nonEmpty(vars map[string]string, err error) (map[string]string, error) {
	if err == nil && len(vars) == 0 {
		return nil, errors.New("the env in the state has no variables")
	}
	return vars, err
}

func stringMap(v any, what string) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a map of strings", what)
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			s = fmt.Sprint(val)
		}
		out[k] = s
	}
	return out, nil
}

func asList(v any) []map[string]any {
	items, _ := v.([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// helmEnv reads env from a helm_release: its values documents (env,
// extraEnv, global.env, global.extraEnv maps) and set blocks named
// env.KEY, extraEnv.KEY, global.env.KEY or global.extraEnv.KEY.
func helmEnv(attrs map[string]any) (map[string]string, error) {
	out := map[string]string{}
	values, _ := attrs["values"].([]any)
	for _, v := range values {
		doc, _ := v.(string)
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			return nil, fmt.Errorf("parsing helm values: %w", err)
		}
		global, _ := m["global"].(map[string]any)
		for _, src := range []any{m["env"], m["extraEnv"], global["env"], global["extraEnv"]} {
			if env, ok := src.(map[string]any); ok {
				for k, val := range env {
					out[k] = fmt.Sprint(val)
				}
			}
		}
	}
	for _, s := range asList(attrs["set"]) {
		name, _ := s["name"].(string)
		for _, prefix := range []string{"env.", "extraEnv.", "global.env.", "global.extraEnv."} {
			if key, ok := strings.CutPrefix(name, prefix); ok {
				out[key] = fmt.Sprint(s["value"])
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the helm release's values set no env")
	}
	return out, nil
}
