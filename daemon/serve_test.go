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
	f := fixture.New(t, "prod")
	base, stop := startDaemon(t, f)
	defer stop()
	waitStartup(t, base)
	f.Sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultSlow, Delay: time.Second})
	first := make(chan int, 1)
	go func() {
		c, _ := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
		first <- c
	}()
	waitRunning(t, base)
	code, body := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"prod"}`)
	if code != 409 || !strings.Contains(body, `"run_id":"prod-`) {
		t.Fatalf("second call = %d %s", code, body)
	}
	if c := <-first; c != 200 {
		t.Fatalf("first call = %d", c)
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

func TestScheduleRunsEverySecondWithoutOverlap(t *testing.T) {
	f := fixture.New(t, "prod")
	cfg, _ := config.LoadConfig(f.Cfg)
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.Schedule = "@every 1s"
	f.Sim.SetLatency(50 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), DaemonOptions{}) }()
	time.Sleep(3500 * time.Millisecond)
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
	// A start-up pass plus about one per second (jitter at most 10%).
	if len(runs) < 3 || len(runs) > 5 {
		t.Fatalf("%d runs in 3.5s on @every 1s", len(runs))
	}
	for i := 1; i < len(runs); i++ {
		if runs[i].Started.Before(runs[i-1].Started.Add(runs[i-1].Duration)) {
			t.Fatalf("runs overlapped: %+v %+v", runs[i-1], runs[i])
		}
	}
}

func TestReconcileAllWaitsForABusyTargetInsteadOfInventingAStatus(t *testing.T) {
	f := fixture.New(t, "prod")
	base, stop := startDaemon(t, f)
	defer stop()
	reconcileWhenFree(t, base)
	f.Sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultSlow, Delay: 500 * time.Millisecond})
	go func() {
		req, _ := http.NewRequest("POST", base+"/v1/reconcile", strings.NewReader(`{"target":"prod"}`))
		req.Header.Set("Authorization", "Bearer "+apiToken)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitRunning(t, base)
	code, body := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, ``)
	var rep report.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil || code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if s := rep.Targets[0].Status; s != report.StatusOK {
		t.Fatalf("status %q after waiting for the busy run; the contract allows ok, drift or error: %s", s, body)
	}
}
