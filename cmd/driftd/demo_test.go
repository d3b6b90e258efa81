//go:build demo

package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
)

// TestDemoTellsTheWholeStory runs `driftd demo` with Terraform and the
// real okta provider from the mirror (found as the tests find it) and
// checks its transcript for each step: detected, alerted, fixed by the
// approved plan, resolved.
func TestDemoTellsTheWholeStory(t *testing.T) {
	bin := fixture.Terraform(t)
	t.Setenv("DRIFTD_TERRAFORM", bin)
	t.Setenv("DRIFTD_PROVIDERS", fixture.Providers(t))
	var out, errb bytes.Buffer
	start := time.Now()
	// Each step of the demo waits for its event (the daemon's pass, the
	// Slack message, the apply); how long they take on a loaded machine is
	// not what this test checks, so the only bound is a hang guard.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	code := run(ctx, []string{"demo"}, &out, &errb)
	if code != 0 {
		t.Fatalf("demo exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	// The alert and its resolution are the daemon's own messages, as the
	// Slack simulator recorded them, drawn for a terminal (no raw mrkdwn).
	for _, want := range []string{
		"== 1. Everything is wired", "status: ok",
		"Terraform " + bin + " and the okta provider own the Okta app (remediation mode: approve, in Slack)",
		"== 2. An admin edits the Okta app's sign-in redirect URI\n",
		"== 3. driftd detects the drift", "✗ okta.redirect_uris",
		"== 4. The alert driftd posted in #wandb-sso", "── #wandb-sso\n│ ▌🚨 SSO drift on demo: 1 finding",
		"│ okta.redirect_uris settings.oauthClient.redirect_uris (error, Terraform can fix)", "│ [ Apply fix ]",
		"== 5. An approver clicks \"Apply fix\": Terraform applies the saved plan",
		"== 6. driftd resolves its alert", "│ @U0DEMOAPPROVER approved plan", ": applied, fixed",
		"(approved by @U0DEMOAPPROVER)", "── #wandb-sso\n│ ▌✅ Resolved: SSO wiring of demo is back in sync",
		"RESOLVED: demo is back in sync: alerted ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
	if raw := regexp.MustCompile("[*`]okta\\.|&lt;|<http|:rotating_light:").FindString(out.String()); raw != "" {
		t.Errorf("transcript shows raw mrkdwn %q:\n%s", raw, out.String())
	}
	// Both times are measured from the event, not from the demo's start.
	m := regexp.MustCompile(`alerted ([0-9.]+m?s) after the edit, resolved ([0-9.]+m?s) after the fix`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no times in the transcript:\n%s", out.String())
	}
	alerted, _ := time.ParseDuration(m[1])
	resolved, _ := time.ParseDuration(m[2])
	if whole := time.Since(start); alerted <= 0 || resolved <= 0 || alerted+resolved >= whole {
		t.Errorf("alerted %s and resolved %s must each be part of the demo's %s", alerted, resolved, whole)
	}
}
