package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTerraformGetsOnlyItsOwnEnvironment: Terraform inherited driftd's
// whole environment, so the okta provider got driftd's read-only token (and
// Slack's and the API's secrets). It gets PATH, HOME, TMPDIR, the proxies,
// TF_* and remediation.terraform.env, nothing else.
func TestTerraformGetsOnlyItsOwnEnvironment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "env.txt")
	bin := filepath.Join(dir, "terraform")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nenv > "+out+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"OKTA_API_TOKEN": "00read-only-token-of-driftd", "SLACK_BOT_TOKEN": "xoxb-slack-secret", "DRIFTD_TOKEN": "api-secret-token",
		"HTTPS_PROXY": "http://proxy.internal:3128", "no_proxy": "localhost", "TF_CLI_CONFIG_FILE": "/etc/terraformrc",
		"TF_VAR_okta_token": "tfvar-secret", "TF_LOG": "TRACE", "HOME": "/home/driftd", "TMPDIR": "/var/tmp",
	} {
		t.Setenv(k, v)
	}
	tf := &Terraform{bin: bin, stateDir: dir}
	if _, err := tf.run(context.Background(), dir, map[string]string{"OKTA_API_TOKEN": "00write-token-of-terraform", "OKTA_ORG_NAME": "acme"}, time.Minute, "version"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			got[k] = v
		}
	}
	want := map[string]string{
		"OKTA_API_TOKEN": "00write-token-of-terraform", "OKTA_ORG_NAME": "acme", "HTTPS_PROXY": "http://proxy.internal:3128",
		"no_proxy": "localhost", "TF_CLI_CONFIG_FILE": "/etc/terraformrc", "HOME": "/home/driftd", "TMPDIR": "/var/tmp",
		"PATH": os.Getenv("PATH"), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_PLUGIN_CACHE_DIR": filepath.Join(dir, "plugin-cache"),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("terraform's %s = %q, want %q", k, got[k], v)
		}
	}
	// A shell adds PWD, SHLVL and _ of its own.
	for k := range got {
		if _, ok := want[k]; !ok && k != "PWD" && k != "SHLVL" && k != "_" && k != "OLDPWD" {
			t.Errorf("terraform got %s from driftd's environment", k)
		}
	}
}

// TestAMissingWorkspaceIsNamedNotTheBinary: exec blamed the binary
// ("fork/exec /usr/local/bin/terraform: no such file or directory") for a
// working directory that does not exist.
func TestAMissingWorkspaceIsNamedNotTheBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 0\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	tf := &Terraform{bin: bin, stateDir: t.TempDir()}
	_, err := tf.run(context.Background(), "/nonexistent/workspace", nil, time.Minute, "init")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/workspace") || strings.Contains(err.Error(), bin) {
		t.Fatalf("error = %v, want one naming the directory, not %s", err, bin)
	}
}
