package events

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/oktasim"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// recMetrics records what the event path reports.
type recMetrics struct {
	mu       sync.Mutex
	events   map[string]int // source/result -> count
	lag      float64
	detected []float64
}

func newRecMetrics() *recMetrics { return &recMetrics{events: map[string]int{}} }

func (m *recMetrics) Event(src, result string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events[src+"/"+result]++
}

func (m *recMetrics) Lag(s float64) { m.mu.Lock(); m.lag = s; m.mu.Unlock() }

func (m *recMetrics) Detected(s float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.detected = append(m.detected, s)
}

func (m *recMetrics) count(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.events[key]
}

// runs records the runs the queue starts, per target.
type runs struct {
	mu    sync.Mutex
	count map[string]int
	busy  int // how many first calls answer BusyError
}

func newRuns() *runs { return &runs{count: map[string]int{}} }

func (r *runs) run(_ context.Context, target string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count[target]++
	return nil
}

func (r *runs) of(target string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count[target]
}

func (r *runs) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.count {
		n += c
	}
	return n
}

// world is a simulated org with one W&B app per target and a config for it.
type world struct {
	sim *oktasim.Server
	cfg *config.Config
}

func newWorld(t *testing.T, targets ...string) *world {
	t.Helper()
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	cfg := &config.Config{Okta: config.OktaConfig{OrgURL: sim.URL}, Concurrency: 4}
	for _, name := range targets {
		url := "https://" + name + ".wandb.test"
		sim.PutApp(oktasim.NewWandbApp("0oa"+name, "0oa"+name+"client", url, false))
		cfg.Targets = append(cfg.Targets, config.Target{Name: name, Okta: config.TargetOkta{AppID: "0oa" + name},
			Wandb: config.WandbConfig{URL: url}, OIDC: config.OIDCConfig{Issuer: sim.URL + "/oauth2/aus" + name},
			Lists: config.Lists{CORSOrigins: []string{url}}})
	}
	return &world{sim: sim, cfg: cfg}
}

func (w *world) reader(t *testing.T) *source.OktaReader {
	t.Helper()
	r, err := source.NewOktaReader(context.Background(), source.OktaOptions{OrgURL: w.sim.URL, Token: w.sim.Token,
		Retry: source.RetryPolicy{Attempts: 1, AttemptTimeout: 5 * time.Second, MaxRateLimitWait: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// edit relabels a target's app, which Okta logs as application.lifecycle.update.
func (w *world) edit(t *testing.T, target string, n int) {
	t.Helper()
	for i := range n {
		if err := w.sim.AdminEdit("0oa"+target, func(a *oktasim.App) { a.Label = "W&B " + target + string(rune('a'+i%26)) }); err != nil {
			t.Fatal(err)
		}
	}
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// path is a follower over w with a recording queue, its metrics and runs.
type path struct {
	f        *Follower
	m        *recMetrics
	r        *runs
	fullPass int
}

func (w *world) follower(t *testing.T, st CursorStore, limit int) *path {
	t.Helper()
	p := &path{m: newRecMetrics(), r: newRuns()}
	ctx, cancel := context.WithCancel(context.Background())
	q := NewQueue(ctx, p.r.run, 20*time.Millisecond, 4, p.m, quiet)
	t.Cleanup(func() { cancel(); q.Wait() })
	p.f = &Follower{Org: w.sim.URL, Reader: w.reader(t), Store: st, Dispatch: NewDispatcher(func() *config.Config { return w.cfg }, q, p.m),
		FullPass: func(context.Context) { p.fullPass++ }, Poll: time.Hour, Limit: limit, Metrics: p.m, Log: quiet}
	return p
}

// eventually waits for cond, up to a minute: a hang guard, not a bound on speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
