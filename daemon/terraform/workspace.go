package terraform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-config-inspect/tfconfig"

	"github.com/driftd/driftd/daemon/config"
)

// CheckWorkspace returns what is wrong with a target's remediation
// workspace, each problem naming the key path and the directory: it must
// exist, be a directory, hold Terraform files, and declare every variable
// the config maps explicitly (a default mapping is passed only where the
// module declares it, so it is required of no module; but a module that
// declares none of the mapped variables cannot be given a desired value).
// A target in alert mode, or without a directory, has nothing to check.
func CheckWorkspace(i int, t *config.Target) []string {
	tc := t.Remedy.Terraform
	if t.Remedy.Mode == config.ModeAlert || tc.Dir == "" {
		return nil
	}
	at := fmt.Sprintf("targets[%d].remediation.terraform.dir", i)
	fi, err := os.Stat(tc.Dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return []string{fmt.Sprintf("%s: %s does not exist: point it at the root module that owns the Okta app and the W&B env", at, tc.Dir)}
	case err != nil:
		return []string{fmt.Sprintf("%s: %s cannot be read: %v", at, tc.Dir, err)}
	case !fi.IsDir():
		return []string{fmt.Sprintf("%s: %s is not a directory: point it at the root module's directory", at, tc.Dir)}
	}
	tfFiles, _ := filepath.Glob(filepath.Join(tc.Dir, "*.tf"))
	jsonFiles, _ := filepath.Glob(filepath.Join(tc.Dir, "*.tf.json"))
	if len(tfFiles)+len(jsonFiles) == 0 {
		return []string{fmt.Sprintf("%s: %s holds no Terraform files (*.tf): is it the root module's directory?", at, tc.Dir)}
	}
	mod, diags := tfconfig.LoadModule(tc.Dir)
	if diags.HasErrors() {
		return []string{fmt.Sprintf("%s: reading the module in %s: %v", at, tc.Dir, diags.Err())}
	}
	return undeclared(i, t, mod)
}

// undeclared names the explicitly mapped variables the module lacks, or
// says it declares none of the mapped ones.
func undeclared(i int, t *config.Target, mod *tfconfig.Module) []string {
	var out []string
	names := make([]string, 0, len(t.Remedy.Terraform.Vars))
	for k := range t.Remedy.Terraform.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	declared := 0
	for _, name := range names {
		varName, _, _ := strings.Cut(name, ".")
		if _, ok := mod.Variables[varName]; ok {
			declared++
			continue
		}
		if config.DefaultTerraformVars[name] == t.Remedy.Terraform.Vars[name] {
			continue // a default mapping: passed where declared
		}
		out = append(out, fmt.Sprintf("targets[%d].remediation.terraform.vars.%s: the module in %s declares no variable %q", i, name, t.Remedy.Terraform.Dir, varName))
	}
	if declared == 0 && len(out) == 0 {
		out = append(out, fmt.Sprintf("targets[%d].remediation.terraform.vars: the module in %s declares none of the mapped variables (%s), so no desired value can reach it",
			i, t.Remedy.Terraform.Dir, strings.Join(names, ", ")))
	}
	return out
}

// ValidateWorkspace runs `terraform init -backend=false` and `terraform
// validate` in the target's workspace with the target's environment, so a
// provider that cannot be installed or a module that does not validate is
// named before a drift needs it. Terraform's data directory goes to a
// temporary directory (TF_DATA_DIR), so driftd's own runs and the
// workspace's .terraform are left as they were.
func (tf *Terraform) ValidateWorkspace(ctx context.Context, i int, t *config.Target) error {
	data, err := os.MkdirTemp("", "driftd-validate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	at := fmt.Sprintf("targets[%d].remediation.terraform.dir", i)
	restore, err := keepLockFile(t.Remedy.Terraform.Dir)
	if err != nil {
		return fmt.Errorf("%s: %w", at, err)
	}
	defer restore()
	env := t.Remedy.Terraform.RevealEnv()
	env["TF_DATA_DIR"] = data
	limits := TimeoutsFor(time.Duration(t.Remedy.Terraform.Timeout))
	if _, err := tf.run(ctx, t.Remedy.Terraform.Dir, env, limits.Init, "init", "-no-color", "-input=false", "-backend=false"); err != nil {
		return fmt.Errorf("%s: %w", at, err)
	}
	if _, err := tf.run(ctx, t.Remedy.Terraform.Dir, env, limits.Show, "validate", "-no-color"); err != nil {
		return fmt.Errorf("%s: %w", at, err)
	}
	return nil
}

// lockFile is the dependency lock file terraform init writes beside the
// root module (https://developer.hashicorp.com/terraform/language/files/dependency-lock),
// whatever TF_DATA_DIR says.
const lockFile = ".terraform.lock.hcl"

// keepLockFile remembers dir's dependency lock file, and returns what puts
// it back as it was: `validate --deep` only validates, so the lock file its
// terraform init creates is removed, and one it changed is rewritten.
func keepLockFile(dir string) (restore func(), err error) {
	p := filepath.Join(dir, lockFile)
	before, err := os.ReadFile(p)
	existed := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return func() {
		now, err := os.ReadFile(p)
		switch {
		case !existed && err == nil:
			_ = os.Remove(p)
		case existed && (err != nil || !bytes.Equal(now, before)):
			_ = os.WriteFile(p, before, 0o644)
		}
	}, nil
}
