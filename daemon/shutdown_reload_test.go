package daemon

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/robfig/cron/v3"
)

// A POST /-/reload still in flight when shutdown stops the schedule must
// not start a new one: it would fire runs after serve returned, on a
// closed store.
func TestAReloadThatLandsDuringShutdownStartsNoSchedule(t *testing.T) {
	f := fixture.New(t, "prod")
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenStore(cfg.StateDir, cfg.Retention)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &Daemon{log: slog.New(slog.NewTextHandler(io.Discard, nil)), metrics: api.NewMetrics(), store: st,
		entries: map[string]cron.EntryID{}, baseCtx: ctx, cfg: cfg, opts: DaemonOptions{ShutdownGrace: 1e9}}
	if err := d.load(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	d.shutdown(&http.Server{}, cancel)
	stopped := d.cron
	if _, err := d.reloadConfig(ctx); err == nil {
		t.Error("a reload after shutdown began was applied")
	}
	d.mu.RLock()
	c := d.cron
	d.mu.RUnlock()
	if c != stopped {
		c.Stop()
		t.Error("a reload after shutdown began started a new schedule")
	}
	d.stopAlerts()
}

// load is all or nothing: a config it cannot schedule leaves the running
// config, engine and schedule as they were.
func TestALoadThatFailsKeepsTheRunningScheduleAndConfig(t *testing.T) {
	f := fixture.New(t, "prod")
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenStore(cfg.StateDir, cfg.Retention)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &Daemon{log: slog.New(slog.NewTextHandler(io.Discard, nil)), metrics: api.NewMetrics(), store: st,
		entries: map[string]cron.EntryID{}, baseCtx: ctx, cfg: cfg}
	if err := d.load(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer d.cron.Stop()
	running, engine := d.cron, d.runner.eng()
	bad := *cfg
	bad.Targets = append([]config.Target(nil), cfg.Targets...)
	bad.Targets[0].Schedule = "not a schedule"
	if err := d.load(ctx, &bad); err == nil {
		t.Fatal("a config with an unparsable schedule loaded")
	}
	if d.cfg != cfg || d.cron != running || d.runner.eng() != engine || len(d.cron.Entries()) != 1 {
		t.Error("a failed load replaced part of the running config, engine or schedule")
	}
}
