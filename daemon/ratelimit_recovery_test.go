package daemon

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fakeclock"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// passOnClock runs one pass while moving the fake clock to each wait's end
// whenever a read sleeps on it, and returns the pass's report.
func passOnClock(t *testing.T, e *Engine, targets []*config.Target, clock *fakeclock.Clock) *report.Report {
	t.Helper()
	done := make(chan *report.Report, 1)
	go func() { done <- e.CheckAll(context.Background(), targets) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case rep := <-done:
			return rep
		default:
		}
		if next, ok := clock.Next(); ok {
			clock.Set(next)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pass did not end (%d reads sleeping at %s)", clock.Sleepers(), clock.Now())
		}
		time.Sleep(time.Millisecond)
	}
}

// TestReadsResumeWithinOneProbeIntervalOfOktasFirstNormalAnswer plays a
// long rate limit on a fake clock under a 2-second schedule: eight 429s
// whose X-Rate-Limit-Reset is an hour ahead, then normal answers with a
// fresh window. Once Okta answers normally the hold ends, and a pass reads
// everything within one probe interval (the budget's cap); the outage
// notice is decided once, and its end once.
func TestReadsResumeWithinOneProbeIntervalOfOktasFirstNormalAnswer(t *testing.T) {
	f := fixture.New(t, "prod")
	if _, err := f.Sim.SetUpSignIn("0oaprod", "https://prod.wandb.test"); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := fakeclock.New(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	f.Sim.SetClock(clock.Now)
	const probe = 30 * time.Second
	var mu sync.Mutex
	var limited int
	var firstNormal time.Time
	observe := func(_ *http.Request, resp *http.Response, _ error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case resp == nil:
		case resp.StatusCode == http.StatusTooManyRequests:
			limited++
		case limited == 8 && firstNormal.IsZero():
			firstNormal = clock.Now()
		}
	}
	policy := source.RetryPolicy{Attempts: 4, AttemptTimeout: 10 * time.Second, BaseDelay: 250 * time.Millisecond,
		MaxDelay: 5 * time.Second, MaxRateLimitWait: probe, Clock: clock}
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		EngineOptions{Retry: policy, OnResponse: observe, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	targets, _ := cfg.Select("")
	if rep := passOnClock(t, e, targets, clock); rep.Targets[0].Status != report.StatusOK {
		t.Fatalf("before the rate limit: %s %+v", rep.Targets[0].Status, rep.Targets[0].Errors)
	}
	for range 8 {
		f.Sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultStatus, Status: http.StatusTooManyRequests, ResetIn: time.Hour})
	}
	policyOf := notify.Policy{Repeat: 4 * time.Hour, OutageAfter: time.Minute}
	var alert store.AlertState
	sent := map[string]int{}
	var okAt time.Time
	for start := clock.Now(); okAt.IsZero(); {
		if clock.Now().Sub(start) > time.Hour {
			t.Fatalf("no pass read normally within an hour of fake time (%d 429s)", limited)
		}
		tick := clock.Now()
		rep := passOnClock(t, e, targets, clock)
		res := rep.Targets[0]
		kinds, next := notify.DecideWith(alert, &res, clock.Now(), policyOf)
		alert = next
		for _, k := range kinds {
			sent[k]++
		}
		if res.Status == report.StatusOK {
			okAt = clock.Now()
		}
		// The schedule: every 2 s, never overlapping a pass.
		clock.Set(tick.Add(2 * time.Second))
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d 429s; first normal answer at %s; ok at %s; alerts %v", limited, firstNormal.Format(time.TimeOnly), okAt.Format(time.TimeOnly), sent)
	if limited != 8 || firstNormal.IsZero() {
		t.Fatalf("%d 429s, first normal answer at %s: the scenario did not play", limited, firstNormal)
	}
	// The reads held for the bucket that answered wake with its answer;
	// another bucket (Okta counts each family of endpoints apart) probes
	// within one interval of its own last 429, which came before.
	if late := okAt.Sub(firstNormal); late > probe {
		t.Errorf("a pass read normally %s after Okta's first normal answer, not within one probe interval (%s)", late, probe)
	}
	if sent[notify.AlertOutage] != 1 || sent[notify.AlertOutageResolved] != 1 {
		t.Errorf("alerts decided %v, want one outage notice and one resolution", sent)
	}
}
