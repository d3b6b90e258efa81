package daemon

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// fakeTFFixture is a one-target world in apply mode whose terraform is a
// fake with the given behaviour; the target drifts.
func fakeTFFixture(t *testing.T, behaviour, timeout string) (*fixture.Fixture, *fixture.FakeTF) {
	t.Helper()
	f := fixture.New(t, "prod")
	fake := fixture.FakeTerraform(t, behaviour)
	t.Cleanup(fake.Kill)
	t.Setenv("DRIFTD_TERRAFORM", fake.Bin)
	if err := os.MkdirAll(filepath.Join(f.Dir, "tf"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.Dir, "tf", "main.tf"), []byte("variable \"redirect_uris\" {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.WriteConfig(f.Body + "    remediation:\n      mode: apply\n      terraform:\n        dir: ./tf\n        timeout: " + timeout + "\n")
	if err := f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://prod.wandb.test/callback"}
	}); err != nil {
		t.Fatal(err)
	}
	return f, fake
}

func newTestRunner(t *testing.T, cfgPath string, log *slog.Logger) (*Runner, *config.Config) {
	t.Helper()
	cfg, err := config.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(context.Background(), cfg, log, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(context.Background(), e, log, RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r, cfg
}

// waitGone waits a little for killed processes to be reaped.
func waitGone(fake *fixture.FakeTF, within time.Duration) []int {
	deadline := time.Now().Add(within)
	for {
		alive := fake.Alive()
		if len(alive) == 0 || time.Now().After(deadline) {
			return alive
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAHangingTerraformIsBoundedAndLeavesNoProcess(t *testing.T) {
	tests := []struct{ name, behaviour string }{
		{name: "a terraform that ignores SIGINT and never ends is killed at the timeout", behaviour: fixture.FakeHang},
		{name: "a terraform whose child sleeps on is killed with its whole process group", behaviour: fixture.FakeSpawn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, fake := fakeTFFixture(t, tc.behaviour, "1s")
			r, cfg := newTestRunner(t, f.Cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			done := make(chan report.TargetResult, 1)
			go func() {
				res, err := r.Reconcile(context.Background(), &cfg.Targets[0], "test")
				if err != nil {
					t.Error(err)
				}
				done <- res
			}()
			var res report.TargetResult
			select {
			case res = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the reconcile never returned: terraform is unbounded")
			}
			rem := res.Remediation
			if rem == nil || rem.Action != report.ActionFailed || !strings.Contains(rem.Error, "did not finish within 1s") {
				t.Fatalf("remediation %+v, want a failure naming the timeout", rem)
			}
			if alive := waitGone(fake, 2*time.Second); len(alive) > 0 {
				t.Fatalf("processes of terraform's group outlived the timeout: %v (all: %v)", alive, fake.PIDs())
			}
			if id := r.runningID("prod"); id != "" {
				t.Fatalf("the target is still locked by %s", id)
			}
		})
	}
}

func TestShutdownKillsTerraformsProcessGroup(t *testing.T) {
	f, fake := fakeTFFixture(t, fixture.FakeSpawn, "10m")
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Listen, cfg.Schedule = "127.0.0.1:0", "@every 1h"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), DaemonOptions{ShutdownGrace: 300 * time.Millisecond})
	}()
	// The start-up pass plans; the fake and its child are running.
	deadline := time.Now().Add(startupDeadline)
	for len(fake.PIDs()) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(fake.PIDs()) < 2 {
		t.Fatalf("the fake terraform never started its child: %v", fake.PIDs())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if alive := waitGone(fake, 2*time.Second); len(alive) > 0 {
		t.Fatalf("terraform's process group outlived the shutdown: %v", alive)
	}
}

// lockedBuffer is a log sink several goroutines write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestTerraformOutputIsScrubbedFromEverythingDriftdRelays(t *testing.T) {
	const envToken = "env-okta-token-0123456789"
	t.Setenv("OKTA_API_TOKEN", envToken)
	f, _ := fakeTFFixture(t, fixture.FakeLeak, "10s")
	sim := slacksim.Start(slackToken)
	t.Cleanup(sim.Close)
	f.WriteConfig(fixture.ReadFile(t, f.Cfg) + "slack:\n  webhook_url: " + sim.WebhookURL() + "\n")
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	setRedirect := func(uri string) {
		_ = f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{uri} })
	}
	setRedirect("https://prod.wandb.test/oidc/callback") // the start-up pass finds no drift
	var logs lockedBuffer
	cfg.Server.Listen, cfg.Schedule = "127.0.0.1:0", "@every 1h"
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- Serve(ctx, cfg, slog.New(slog.NewJSONHandler(&logs, nil)), DaemonOptions{Ready: func(a string) { ready <- a }})
	}()
	base := "http://" + <-ready
	waitStartup(t, base)
	setRedirect("https://prod.wandb.test/callback")
	code, body := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
	_, status := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
	waitDelivered(t, base)
	cancel()
	<-done
	if code != 200 || !strings.Contains(body, `"action":"failed"`) || !strings.Contains(body, "[redacted]") {
		t.Fatalf("reconcile %d: want a failed remediation quoting terraform's scrubbed output:\n%s", code, body)
	}
	var slackText strings.Builder
	for _, m := range sim.Messages() {
		slackText.WriteString(m.Text + m.Blocks)
	}
	outputs := map[string]string{"the reconcile answer": body, "the status": status, "the log": logs.String(), "Slack": slackText.String()}
	for where, out := range outputs {
		for _, secret := range []string{fixture.OktaToken, envToken} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows a secret terraform printed:\n%s", where, out)
			}
		}
	}
}
