package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

const apiToken = fixture.APIToken

// startDaemon serves the fixture's config on a free port.
func startDaemon(t *testing.T, f *fixture.Fixture) (base string, stop func()) {
	t.Helper()
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	return startConfig(t, cfg)
}

// reconcileWhenFree reconciles prod once the start-up pass is over.
func reconcileWhenFree(t *testing.T, base string) int {
	t.Helper()
	waitStartup(t, base)
	code, _ := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
	return code
}

// startupDeadline bounds the wait for the start-up pass: generous, since
// on a loaded machine a pass can take many seconds, and a barrier, not a
// guess at how long the pass takes.
const startupDeadline = 2 * time.Minute

// waitStartup waits until the start-up pass is over: every target has a
// stored result (it is no longer pending) and no run holds it. The result
// is stored before the target's lock is released, so both together mean
// the pass has let go of every target.
func waitStartup(t *testing.T, base string) {
	t.Helper()
	waitStatus(t, base, "the start-up pass to finish", func(st statusTarget) bool { return st.Status != "pending" && st.RunningRun == "" })
}

// waitRunning waits until a run holds every target.
func waitRunning(t *testing.T, base string) {
	t.Helper()
	waitStatus(t, base, "a run to hold the target", func(st statusTarget) bool { return st.RunningRun != "" })
}

// statusTarget is what waitStatus reads of each target in GET /v1/status.
type statusTarget struct {
	Name       string `json:"name"`
	Status     string `json:"status"`
	RunningRun string `json:"running_run"`
}

// waitStatus polls GET /v1/status until every target satisfies cond.
func waitStatus(t *testing.T, base, what string, cond func(statusTarget) bool) {
	t.Helper()
	var body string
	for deadline := time.Now().Add(startupDeadline); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var code int
		code, body = fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		if code == 0 {
			t.FailNow() // Call said why; a daemon that does not answer will not start answering
		}
		var st struct{ Targets []statusTarget }
		if code != http.StatusOK || json.Unmarshal([]byte(body), &st) != nil || len(st.Targets) == 0 {
			continue
		}
		if !slices.ContainsFunc(st.Targets, func(s statusTarget) bool { return !cond(s) }) {
			return
		}
	}
	t.Fatalf("waited %s for %s; the status is %s", startupDeadline, what, body)
}

func TestAPIStatusCodes(t *testing.T) {
	f := fixture.New(t, "prod")
	base, stop := startDaemon(t, f)
	defer stop()
	reconcileWhenFree(t, base)
	tests := []struct {
		name, method, path, token, body string
		want                            int
		contains                        string
	}{
		{"health needs no token", "GET", "/healthz", "", "", 200, "ok"},
		{"readiness needs no token", "GET", "/readyz", "", "", 200, "ready"},
		{"metrics need no token", "GET", "/metrics", "", "", 200, "driftd_okta_requests_total"},
		{"status without a token is 401", "GET", "/v1/status", "", "", 401, "bearer token"},
		{"status with a wrong token is 401", "GET", "/v1/status", "nope", "", 401, "bearer token"},
		{"reconcile with a wrong token is 401", "POST", "/v1/reconcile", "nope", `{"target":"prod"}`, 401, ""},
		{"an unknown target is 404", "POST", "/v1/reconcile", apiToken, `{"target":"zzz"}`, 404, `no target named \"zzz\"`},
		{"a malformed body is 400", "POST", "/v1/reconcile", apiToken, `{"target":`, 400, "malformed body"},
		{"an unknown field is 400", "POST", "/v1/reconcile", apiToken, `{"targets":"prod"}`, 400, "unknown field"},
		{"a reconcile of one target is 200", "POST", "/v1/reconcile", apiToken, `{"target":"prod"}`, 200, `"status":"ok"`},
		{"an empty body reconciles all", "POST", "/v1/reconcile", apiToken, ``, 200, `"name":"prod"`},
		{"status shows the last result", "GET", "/v1/status", apiToken, "", 200, `"next_run"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := fixture.Call(t, tc.method, base+tc.path, tc.token, tc.body)
			if code != tc.want || !strings.Contains(body, tc.contains) {
				t.Errorf("%s %s = %d %s; want %d containing %q", tc.method, tc.path, code, body, tc.want, tc.contains)
			}
		})
	}
}

func TestFiftyConcurrentReconcilesRunOneAtATime(t *testing.T) {
	f := fixture.New(t, "prod")
	f.Sim.SetLatency(20 * time.Millisecond)
	base, stop := startDaemon(t, f)
	defer stop()
	waitStartup(t, base)
	f.Sim.ResetCounts()
	var wg sync.WaitGroup
	codes := make([]int, 50)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 409:
		default:
			t.Errorf("answer %d; only 200 and 409 are allowed", c)
		}
	}
	if ok == 0 {
		t.Fatal("no reconcile ran")
	}
	// The Okta app requests of different runs never overlap in time.
	reqs := []oktasim.Request{}
	for _, r := range f.Sim.Requests() {
		if r.Path == "/api/v1/apps/0oaprod" {
			reqs = append(reqs, r)
		}
	}
	if len(reqs) != ok {
		t.Errorf("%d Okta reads for %d runs", len(reqs), ok)
	}
	for i := 1; i < len(reqs); i++ {
		for j := 0; j < i; j++ {
			if reqs[i].Start.Before(reqs[j].End) && reqs[j].Start.Before(reqs[i].End) {
				t.Fatalf("two runs of one target overlapped: %+v and %+v", reqs[i], reqs[j])
			}
		}
	}
}

func TestBusyTargetAnswers409WithTheRunID(t *testing.T) {
	f := unpolledFixture(t)
	base, stop := startDaemon(t, f)
	defer stop()
	waitStartup(t, base)
	hold := holdNextOktaRequest(t, f)
	first := make(chan int, 1)
	go func() {
		c, _ := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
		first <- c
	}()
	waitHeld(t, hold) // the first run is inside Okta, holding the target
	_, status := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
	var st struct{ Targets []statusTarget }
	if err := json.Unmarshal([]byte(status), &st); err != nil || len(st.Targets) != 1 || st.Targets[0].RunningRun == "" {
		t.Fatalf("status while a run is held: %v %s", err, status)
	}
	code, body := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
	if want := `"run_id":"` + st.Targets[0].RunningRun + `"`; code != 409 || !strings.Contains(body, want) {
		t.Fatalf("second call = %d %s; want 409 with %s", code, body, want)
	}
	hold.Release()
	if c := <-first; c != 200 {
		t.Fatalf("first call = %d", c)
	}
}

// unpolledFixture is a one-target fixture whose System Log follower is
// off, so the next Okta request after holdNextOktaRequest is a run's, not
// a poll's.
func unpolledFixture(t *testing.T) *fixture.Fixture {
	f := fixture.New(t, "prod")
	f.WriteConfig(strings.Replace(f.Body, "okta:\n", "okta:\n  events: {poll: 0s}\n", 1))
	return f
}

// holdNextOktaRequest makes the simulator hold the next Okta API request
// until the returned barrier is released (at the latest when t ends).
func holdNextOktaRequest(t *testing.T, f *fixture.Fixture) *oktasim.Hold {
	hold := oktasim.NewHold()
	t.Cleanup(hold.Release)
	f.Sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultHold, Hold: hold})
	return hold
}

// waitHeld waits until a request is held inside the Okta simulator.
func waitHeld(t *testing.T, hold *oktasim.Hold) {
	t.Helper()
	select {
	case <-hold.Entered():
	case <-time.After(startupDeadline):
		t.Fatalf("no request reached Okta within %s", startupDeadline)
	}
}

func TestDriftEpisodeSurvivesARestart(t *testing.T) {
	f := fixture.New(t, "prod")
	_ = f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) { a.Status = "INACTIVE" })
	base, stop := startDaemon(t, f)
	if code := reconcileWhenFree(t, base); code != 200 {
		t.Fatal(code)
	}
	stop()
	cfg, _ := config.LoadConfig(f.Cfg)
	s, err := store.OpenStore(cfg.StateDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ep1, ok, _ := s.Episode("prod")
	s.Close()
	if !ok {
		t.Fatal("no open episode after a drifting run")
	}
	base, stop = startDaemon(t, f)
	defer stop()
	reconcileWhenFree(t, base)
	_, body := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
	var st struct {
		Targets []struct {
			Status     string     `json:"status"`
			DriftSince *time.Time `json:"drift_since"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if st.Targets[0].Status != "drift" || st.Targets[0].DriftSince == nil || !st.Targets[0].DriftSince.Equal(ep1.FirstSeen) {
		t.Fatalf("after restart: %s (first seen %s)", body, ep1.FirstSeen)
	}
}

func TestASecondDaemonOnTheSameStateDirRefusesToStart(t *testing.T) {
	f := fixture.New(t, "prod")
	_, stop := startDaemon(t, f)
	defer stop()
	cfg, _ := config.LoadConfig(f.Cfg)
	cfg.Server.Listen = "127.0.0.1:0"
	err := Serve(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), DaemonOptions{})
	if !errors.Is(err, store.ErrStateDirInUse) {
		t.Fatalf("second serve: %v", err)
	}
}

func TestServeWithoutAnAPITokenRefusesToStart(t *testing.T) {
	f := fixture.New(t, "prod")
	cfg, _ := config.LoadConfig(f.Cfg)
	cfg.Server.Token = config.Secret{}
	err := Serve(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), DaemonOptions{})
	if err == nil || !strings.Contains(err.Error(), "server.token: required for serve") {
		t.Fatalf("err = %v", err)
	}
}

// TestScheduleRunsEverySecondWithoutOverlap holds the start-up pass inside
// Okta until the one-second schedule has fired and been skipped as busy
// (the daemon says so), then lets the schedule run its passes.
func TestScheduleRunsEverySecondWithoutOverlap(t *testing.T) {
	f := unpolledFixture(t)
	cfg, _ := config.LoadConfig(f.Cfg)
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.Schedule = "@every 1s"
	hold := holdNextOktaRequest(t, f)
	logs := newLogWatch()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, cfg, logs.logger(), DaemonOptions{}) }()
	waitHeld(t, hold)
	logs.wait(t, "skipping scheduled run: the previous one is still going", 1)
	if n := logs.n("pass"); n != 0 {
		t.Fatalf("%d passes ended while the start-up pass was held", n)
	}
	hold.Release()
	logs.wait(t, "pass", 3) // the start-up pass and two of the schedule's
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s, err := store.OpenStore(cfg.StateDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, _ := s.Runs()
	slices.SortFunc(runs, func(a, b store.RunRecord) int { return a.Started.Compare(b.Started) })
	if len(runs) < 3 || runs[0].Trigger != "startup" {
		t.Fatalf("%d runs, the first %+v; want the start-up pass and then the schedule's", len(runs), runs[0])
	}
	for i := 1; i < len(runs); i++ {
		if runs[i].Trigger != "schedule" {
			t.Errorf("run %d was triggered by %q", i, runs[i].Trigger)
		}
		if runs[i].Started.Before(runs[i-1].Started.Add(runs[i-1].Duration)) {
			t.Fatalf("runs overlapped: %+v %+v", runs[i-1], runs[i])
		}
	}
}

// TestReconcileAllWaitsForABusyTargetInsteadOfInventingAStatus asks for
// every target while a run of the one target is held inside Okta, and
// lets that run go only once the daemon says the request waits for it.
func TestReconcileAllWaitsForABusyTargetInsteadOfInventingAStatus(t *testing.T) {
	f := unpolledFixture(t)
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := newLogWatch()
	base, stop := startLogged(t, cfg, logs.logger())
	defer stop()
	reconcileWhenFree(t, base)
	hold := holdNextOktaRequest(t, f)
	busy := make(chan int, 1)
	go func() {
		c, _ := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
		busy <- c
	}()
	waitHeld(t, hold)
	type answer struct {
		code int
		body string
	}
	all := make(chan answer, 1)
	go func() {
		code, body := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, ``)
		all <- answer{code, body}
	}()
	logs.wait(t, "waiting for the target's running run to finish", 1)
	hold.Release()
	got := <-all
	var rep report.Report
	if err := json.Unmarshal([]byte(got.body), &rep); err != nil || got.code != 200 {
		t.Fatalf("%d %s", got.code, got.body)
	}
	if s := rep.Targets[0].Status; s != report.StatusOK {
		t.Fatalf("status %q after waiting for the busy run; the contract allows ok, drift or error: %s", s, got.body)
	}
	if c := <-busy; c != 200 {
		t.Fatalf("the busy run's call = %d", c)
	}
}
