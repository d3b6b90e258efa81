package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
)

// workspaceFixture is a one-target config in apply mode whose workspace is
// ./tf, with files written as given (none: no directory at all).
func workspaceFixture(t *testing.T, vars string, files map[string]string) *fixture.Fixture {
	t.Helper()
	f := fixture.New(t, "prod")
	if files != nil {
		if err := os.MkdirAll(filepath.Join(f.Dir, "tf"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(f.Dir, "tf", name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f.WriteConfig(f.Body + "    remediation:\n      mode: apply\n      terraform:\n        dir: ./tf\n" + vars)
	return f
}

const cleanModule = `variable "oidc_client_id" { type = string }
variable "other_wandb_env" {
  type    = map(string)
  default = {}
}
output "client_id" { value = var.oidc_client_id }
`

func TestValidateChecksEachRemediationWorkspace(t *testing.T) {
	tests := []struct {
		name  string
		vars  string
		files map[string]string
		want  string // on stderr; "" means valid
	}{
		{"a workspace that declares the mapped variables is valid", "        vars: {other_wandb_env.GORILLA_CORS_ORIGINS: cors_origins}\n",
			map[string]string{"main.tf": cleanModule}, ""},
		{"a missing directory is named, not the binary", "", nil,
			"targets[0].remediation.terraform.dir: %DIR% does not exist"},
		{"a directory without Terraform files is named", "", map[string]string{"README.md": "notes"},
			"targets[0].remediation.terraform.dir: %DIR% holds no Terraform files"},
		{"an explicitly mapped variable the module lacks is named", "        vars: {wandb_env.GORILLA_CORS_ORIGINS: cors_origins}\n",
			map[string]string{"main.tf": cleanModule}, `targets[0].remediation.terraform.vars.wandb_env.GORILLA_CORS_ORIGINS: the module in %DIR% declares no variable "wandb_env"`},
		{"a module that declares none of the mapped variables is refused", "",
			map[string]string{"main.tf": `variable "something_else" {}`}, "declares none of the mapped variables"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := workspaceFixture(t, tc.vars, tc.files)
			code, out, stderr := runCLI(t, "validate", "--config", f.Cfg)
			if tc.want == "" {
				if code != ExitOK || !strings.Contains(out, "valid (1 target)") {
					t.Fatalf("exit %d, want 0\n%s\n%s", code, out, stderr)
				}
				return
			}
			want := strings.ReplaceAll(tc.want, "%DIR%", filepath.Join(f.Dir, "tf"))
			if code != ExitError || !strings.Contains(stderr, want) || strings.Contains(stderr, "fork/exec") {
				t.Fatalf("exit %d, want 1 with %q\n%s\n%s", code, want, out, stderr)
			}
		})
	}
}

func TestValidateDeepInitialisesAndValidatesTheWorkspace(t *testing.T) {
	t.Setenv("DRIFTD_TERRAFORM", fixture.Terraform(t))
	// No registry is reachable: providers come from a filesystem mirror only
	// (https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation).
	mirror := t.TempDir()
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, []byte("provider_installation {\n  filesystem_mirror {\n    path = \""+mirror+"\"\n  }\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)

	f := workspaceFixture(t, "", map[string]string{"main.tf": cleanModule})
	if code, out, stderr := runCLI(t, "validate", "--deep", "--config", f.Cfg); code != ExitOK {
		t.Fatalf("a clean module: exit %d, want 0\n%s\n%s", code, out, stderr)
	}

	f = workspaceFixture(t, "", map[string]string{"main.tf": cleanModule + `
terraform {
  required_providers {
    nosuch = { source = "acme/nosuch" }
  }
}
`})
	code, out, stderr := runCLI(t, "validate", "--deep", "--config", f.Cfg)
	dir := filepath.Join(f.Dir, "tf")
	if code != ExitError || !strings.Contains(stderr, "acme/nosuch") || !strings.Contains(stderr, "terraform init in "+dir) {
		t.Fatalf("a provider that cannot be installed: exit %d, want 1 naming the provider and %s\n%s\n%s", code, dir, out, stderr)
	}
	if code, _, _ := runCLI(t, "validate", "--config", f.Cfg); code != ExitOK {
		t.Errorf("plain validate runs no terraform, yet exit %d", code)
	}

	f = workspaceFixture(t, "", map[string]string{"main.tf": cleanModule + "output \"broken\" { value = var.not_declared }\n"})
	code, _, stderr = runCLI(t, "validate", "--deep", "--config", f.Cfg)
	if code != ExitError || !strings.Contains(stderr, "terraform validate in "+filepath.Join(f.Dir, "tf")) || !strings.Contains(stderr, "not_declared") {
		t.Fatalf("a module that does not validate: exit %d\n%s", code, stderr)
	}
}

func TestCheckRunsWithoutTheServersToken(t *testing.T) {
	f := fixture.New(t, "prod")
	t.Setenv("DRIFTD_TEST_API_TOKEN", "")
	os.Unsetenv("DRIFTD_TEST_API_TOKEN")
	if code, out, stderr := runCLI(t, "check", "--config", f.Cfg); code != ExitOK {
		t.Fatalf("check without DRIFTD_TEST_API_TOKEN: exit %d, want 0\n%s\n%s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "validate", "--config", f.Cfg); code != ExitError || !strings.Contains(stderr, "DRIFTD_TEST_API_TOKEN") {
		t.Fatalf("validate checks for serve: exit %d\n%s", code, stderr)
	}
}

// TestEveryTargetInTheJSONCarriesRemediation: the README says each target
// carries remediation, but check's JSON had none, and reconcile's only for
// targets whose mode ran Terraform.
func TestEveryTargetInTheJSONCarriesRemediation(t *testing.T) {
	f := fixture.New(t, "prod", "staging")
	for _, command := range []string{"check", "reconcile"} {
		code, out, stderr := runCLI(t, command, "--config", f.Cfg, "--output", "json")
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s\n%s", command, code, out, stderr)
		}
		var doc struct {
			Targets []struct {
				Name        string
				Remediation *struct{ Mode, Action string }
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Targets) != 2 {
			t.Fatalf("%s: %v\n%s", command, err, out)
		}
		for _, tg := range doc.Targets {
			if tg.Remediation == nil || tg.Remediation.Action != "none" || tg.Remediation.Mode != "alert" {
				t.Errorf("%s: target %s has remediation %+v, want mode alert, action none", command, tg.Name, tg.Remediation)
			}
		}
	}
}

// TestValidateNamesAMissingHelmRenderForAHelmRelease: a target that reads a
// helm_release from Terraform state needs driftd-helm-render; validate says
// so before a run fails on it, and is content once it can be found.
func TestValidateNamesAMissingHelmRenderForAHelmRelease(t *testing.T) {
	f := fixture.New(t, "prod")
	f.WriteConfig(strings.Replace(f.Body, "env: {source: file, path: ./prod.env}", "env: {source: terraform, dir: ./tf, address: module.wandb.helm_release.wandb}", 1))
	t.Setenv("PATH", t.TempDir())
	t.Setenv("DRIFTD_HELM_RENDER", "")
	code, out, stderr := runCLI(t, "validate", "--config", f.Cfg)
	want := "targets[0].wandb.env.address: module.wandb.helm_release.wandb: driftd-helm-render not found"
	if code != ExitError || !strings.Contains(stderr, want) || !strings.Contains(stderr, "install it") {
		t.Fatalf("exit %d, want 1 with %q\n%s\n%s", code, want, out, stderr)
	}
	helper := filepath.Join(t.TempDir(), "driftd-helm-render")
	if err := os.WriteFile(helper, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_HELM_RENDER", helper)
	if code, out, stderr := runCLI(t, "validate", "--config", f.Cfg); code != ExitOK {
		t.Fatalf("with the helper: exit %d\n%s\n%s", code, out, stderr)
	}
}
