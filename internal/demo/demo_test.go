package demo

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cancelWriter collects the transcript and cancels the demo once it
// prints want (--keep-running's map), as a Ctrl-C would.
type cancelWriter struct {
	mu     sync.Mutex
	b      strings.Builder
	want   string
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if strings.Contains(w.b.String(), w.want) {
		w.cancel()
	}
	return len(p), nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestDemoWithoutTerraformKeepsRunningOnPinnedPorts runs the alert-mode
// story (no terraform) with every port pinned and --keep-running: the
// simulators answer where they were pinned and the map names every URL
// and the token each takes, the Okta simulator's included.
func TestDemoWithoutTerraformKeepsRunningOnPinnedPorts(t *testing.T) {
	t.Setenv("DRIFTD_TERRAFORM", "/nonexistent/terraform")
	t.Setenv("PATH", t.TempDir())
	api, okta, wandb, slack := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelWriter{want: "the daemon posts to", cancel: cancel}
	err := Run(ctx, Options{Out: out, KeepRunning: true, Listen: api, OktaListen: okta, WandbListen: wandb, SlackListen: slack})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.b.String())
	}
	got := out.b.String()
	for _, want := range []string{
		"remediation mode: alert",
		"== 4. The alert driftd posted in #wandb-sso", "│ ▌🚨 SSO drift on demo: 2 findings",
		"would set GORILLA_CORS_ORIGINS to",
		"│ Resolved by a change made outside driftd", "│ ▌✅ Resolved: SSO wiring of demo is back in sync",
		"driftd API       http://" + api + "   (bearer token " + demoAPIToken + ")",
		"Okta simulator   http://" + okta + "   (API token 00",
		"curl -H 'Authorization: SSWS 00",
		"W&B simulator    http://" + wandb,
		"Slack simulator  http://" + slack + "   (bot token " + demoSlackToken,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

// TestDemoWithoutTheProvidersMirrorRunsInAlertMode: with terraform at hand
// but no mirror of the real okta provider, the demo neither downloads a
// provider nor fails: it runs in alert mode and says why.
func TestDemoWithoutTheProvidersMirrorRunsInAlertMode(t *testing.T) {
	terraform := filepath.Join(t.TempDir(), "terraform") // found, never run
	if err := os.WriteFile(terraform, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_TERRAFORM", terraform)
	t.Setenv("DRIFTD_PROVIDERS", filepath.Join(t.TempDir(), "no-mirror"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelWriter{want: "the daemon posts to", cancel: cancel}
	if err := Run(ctx, Options{Out: out, KeepRunning: true, Listen: freeAddr(t)}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.b.String())
	}
	got := out.b.String()
	for _, want := range []string{
		"the okta provider is not built (", ".ci/build-providers builds it): driftd will show what it would change (remediation mode: alert)",
		"would set GORILLA_CORS_ORIGINS to", "│ ▌✅ Resolved: SSO wiring of demo is back in sync",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}
