package daemon

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// post sends one reconcile from a goroutine that must not fail the test.
func post(base string) {
	req, _ := http.NewRequest("POST", base+"/v1/reconcile", strings.NewReader(`{"target":"prod"}`))
	req.Header.Set("Authorization", "Bearer "+apiToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// episodes counts the drift episodes in the recorded history, in the
// order the runs observed the world.
func episodes(runs []store.RunRecord) int {
	n, open := 0, false
	for _, r := range runs {
		switch r.Result.Status {
		case report.StatusDrift:
			if !open {
				n++
			}
			open = true
		case report.StatusOK:
			open = false
		}
	}
	return n
}

func TestOverlappingReconcilesPostOneRootPerEpisodeAndResolveEveryOne(t *testing.T) {
	f := fixture.New(t, "prod")
	sim := slacksim.Start(slackToken)
	t.Cleanup(sim.Close)
	f.WriteConfig(f.Body + "slack:\n  bot_token: " + slackToken + "\n  channel: \"#sso\"\n  api_url: " + sim.APIURL() + "\n")
	f.Sim.SetLatency(3 * time.Millisecond)
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, stop := startConfig(t, cfg)
	var wg sync.WaitGroup
	quit := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-quit:
					return
				default:
					post(base)
				}
			}
		}()
	}
	// Each state holds until a run has recorded it, not for a fixed while:
	// on a busy machine one run can outlast any window, and then no run sees
	// the drift. The status before each change is the other one, so the
	// wait cannot be met by an older run.
	set := func(uri, status string) {
		if err := f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{uri} }); err != nil {
			t.Fatal(err)
		}
		waitStatus(t, base, "a run to record "+status, func(st statusTarget) bool { return st.Status == status })
	}
	for range 6 {
		set("https://prod.wandb.test/callback", report.StatusDrift)
		set("https://prod.wandb.test/oidc/callback", report.StatusOK)
	}
	close(quit)
	wg.Wait()
	settle(t, base)
	waitDelivered(t, base)
	stop()

	st, err := store.OpenStore(cfg.StateDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := st.Runs()
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := episodes(runs)
	roots, resolved := 0, map[string]bool{}
	var rootTS []string
	for _, m := range sim.Messages() {
		switch {
		case m.Method == "chat.postMessage" && m.ThreadTS == "":
			roots++
			rootTS = append(rootTS, m.TS)
		case m.Method == "chat.update" && strings.HasPrefix(m.Text, "Resolved"):
			resolved[m.TS] = true
		}
	}
	if want == 0 {
		t.Fatalf("no drift episode was observed in %d runs: the test proves nothing", len(runs))
	}
	if roots != want {
		t.Errorf("%d root messages for %d drift episodes in %d runs", roots, want, len(runs))
	}
	for _, ts := range rootTS {
		if !resolved[ts] {
			t.Errorf("root message %s was never resolved", ts)
		}
	}
}

// settle reconciles the in-sync target until a run records ok, so the last
// episode, if any, resolves. Every earlier post has returned, so once the
// start-up pass is over each of these runs. A run that could not read
// (status error, a slow attempt on a busy machine) neither opens nor
// closes an episode, so it is run again, up to the hang guard.
func settle(t *testing.T, base string) {
	t.Helper()
	status := ""
	for deadline := time.Now().Add(startupDeadline); status != report.StatusOK; {
		if time.Now().After(deadline) {
			t.Fatalf("no reconcile recorded ok within %s; the last recorded %q", startupDeadline, status)
		}
		if code := reconcileWhenFree(t, base); code != http.StatusOK {
			t.Fatalf("the final reconcile = %d", code)
		}
		waitStatus(t, base, "the final run's status", func(st statusTarget) bool { status = st.Status; return true })
	}
}

// waitDelivered waits until the daemon's Slack outbox is empty: every
// message the runs so far queued has been accepted by Slack (an item
// leaves the outbox once delivered). The caller makes sure no run is
// still going.
func waitDelivered(t *testing.T, base string) {
	t.Helper()
	const empty = `driftd_outbox_pending{notifier="slack"} 0`
	var metrics string
	for deadline := time.Now().Add(startupDeadline); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var code int
		if code, metrics = fixture.Call(t, "GET", base+"/metrics", "", ""); code == 0 {
			t.FailNow() // Call said why
		}
		if grepLines(metrics, `driftd_outbox_pending{notifier="slack"}`) == empty {
			return
		}
	}
	t.Fatalf("the Slack outbox did not empty within %s: %s", startupDeadline, grepLines(metrics, "driftd_outbox_pending"))
}

// startConfig serves cfg on a free port with a quiet log.
func startConfig(t *testing.T, cfg *config.Config) (base string, stop func()) {
	t.Helper()
	return startLogged(t, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// startLogged serves cfg on a free port, logging to log.
func startLogged(t *testing.T, cfg *config.Config, log *slog.Logger) (base string, stop func()) {
	t.Helper()
	cfg.Server.Listen, cfg.Schedule = "127.0.0.1:0", "@every 1h"
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, cfg, log, DaemonOptions{Ready: func(a string) { ready <- a }})
	}()
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return base, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	}
}
