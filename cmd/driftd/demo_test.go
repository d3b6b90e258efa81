package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
)

// TestDemoTellsTheWholeStory runs `driftd demo` and checks its transcript
// for each step: detected, alerted, fixed (or planned), resolved.
func TestDemoTellsTheWholeStory(t *testing.T) {
	bin := fixture.Terraform(t)
	t.Setenv("DRIFTD_TERRAFORM", bin)
	// The test provider built once for the Terraform tests.
	t.Setenv("DRIFTD_DEMO_PROVIDER", filepath.Join(fixture.ProviderMirror(t), "provider"))
	var out, errb bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"demo"}, &out, &errb)
	if code != 0 {
		t.Fatalf("demo exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the demo took %s, want under 30s", took)
	}
	for _, want := range []string{
		"== 1. Everything is wired", "status: ok",
		"W&B now answers Origin: null with 403 \"request from invalid origin: null\"",
		"== 3. driftd detects both", "✗ okta.redirect_uris", "✗ wandb.cors_origins",
		"== 4. The alert", "SSO drift on demo: 2 findings",
		"== 5. The fix is planned and applied through Terraform", "remediation (apply): applied", "verification: fixed",
		"== 6. The re-check is clean", "Resolved: SSO wiring of demo is back in sync", "RESOLVED: demo is back in sync",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
}
