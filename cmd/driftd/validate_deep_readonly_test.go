package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
)

// TestValidateDeepLeavesTheWorkspaceAsItWas: `validate` loads and
// validates only (contract section 4), so --deep's terraform init must not
// leave a dependency lock file (.terraform.lock.hcl, which terraform init
// writes beside the module) or a .terraform directory in the user's
// remediation workspace, nor change a lock file that is there.
func TestValidateDeepLeavesTheWorkspaceAsItWas(t *testing.T) {
	t.Setenv("DRIFTD_TERRAFORM", fixture.Terraform(t))
	t.Setenv("TF_CLI_CONFIG_FILE", fixture.Providers(t))
	module := cleanModule + "terraform {\n  required_providers {\n    okta = { source = \"okta/okta\", version = \"~> 6.12\" }\n  }\n}\n"
	f := workspaceFixture(t, "", map[string]string{"main.tf": module})
	dir := filepath.Join(f.Dir, "tf")
	list := func() []string {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names
	}
	before := list()
	if code, out, stderr := runCLI(t, "validate", "--deep", "--config", f.Cfg); code != ExitOK {
		t.Fatalf("validate --deep: exit %d, want 0\n%s\n%s", code, out, stderr)
	}
	if after := list(); !slices.Equal(before, after) {
		t.Fatalf("validate --deep changed the workspace: %v, was %v", after, before)
	}
	// A lock file the user keeps (say, with another platform's hashes only)
	// stays byte for byte.
	lock := filepath.Join(dir, ".terraform.lock.hcl")
	const kept = "# kept by the user\n"
	if err := os.WriteFile(lock, []byte(kept), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, "validate", "--deep", "--config", f.Cfg)
	if got := readFile(t, lock); got != kept {
		t.Fatalf("validate --deep rewrote the lock file:\n%s", got)
	}
}
