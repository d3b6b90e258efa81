package daemon

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/events"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/terraform"
	"github.com/robfig/cron/v3"
)

// load builds the engine and runner for cfg and reschedules, swapping
// them in only once all are built: a config that fails leaves the running
// one. The cron lives as long as the daemon: a target whose schedule is
// unchanged keeps its entry and so its next run (an identical reload every
// few seconds must not push every run a full interval away forever).
func (d *Daemon) load(ctx context.Context, cfg *config.Config) error {
	opts := d.opts.Engine
	// Each Okta org gets its own rate budget in NewEngine.
	opts.OnResponse = d.metrics.ObserveOkta
	if opts.EnvErr == nil {
		opts.EnvErr = d.watchErr
	}
	if opts.DiscoveryTTL == 0 {
		opts.DiscoveryTTL = 30 * time.Second
	}
	if opts.SharedReadWindow == 0 {
		// The event queue's coalescing window: a flood costs at most one
		// read per changed object per window.
		opts.SharedReadWindow = events.DefaultWindow
	}
	engine, err := NewEngine(ctx, cfg, d.log, opts)
	if err != nil {
		return err
	}
	specs, err := schedules(cfg)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.runner == nil {
		d.runner, err = NewRunner(ctx, engine, d.log, RunnerOptions{Backoff: d.store})
		if err != nil {
			return fmt.Errorf("building the reconcile path: %w", err)
		}
	} else {
		old := d.runner.eng()
		d.runner.setEngine(engine)
		// Its idle connections go now; those of runs still on it close
		// once idle for the pool's IdleConnTimeout (90 s).
		old.Close()
	}
	d.cfg = cfg
	if d.cron == nil {
		d.cron = cron.New(cron.WithParser(config.CronParser), cron.WithLocation(time.UTC))
		d.cron.Start()
	}
	d.reschedule(ctx, specs)
	return nil
}

// targetSchedule is one target's parsed schedule and the spec it came from.
type targetSchedule struct {
	spec  string
	sched cron.Schedule
}

// schedules parses every target's schedule, naming the one that fails.
func schedules(cfg *config.Config) (map[string]targetSchedule, error) {
	out := map[string]targetSchedule{}
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		spec := cfg.Schedule
		if t.Schedule != "" {
			spec = t.Schedule
		}
		sched, err := config.CronParser.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("targets[%d].schedule: %w", i, err)
		}
		out[t.Name] = targetSchedule{spec: spec, sched: sched}
	}
	return out, nil
}

// reschedule makes the cron's entries those of specs: a target whose spec
// is unchanged keeps its entry, a changed one starts afresh, a removed one
// goes. d.mu is held.
func (d *Daemon) reschedule(ctx context.Context, specs map[string]targetSchedule) {
	if d.entries == nil {
		d.entries = map[string]cron.EntryID{}
	}
	if d.specs == nil {
		d.specs = map[string]string{}
	}
	for name, id := range d.entries {
		if ts, ok := specs[name]; !ok || ts.spec != d.specs[name] {
			d.cron.Remove(id)
			delete(d.entries, name)
			delete(d.specs, name)
		}
	}
	for name, ts := range specs {
		if _, ok := d.entries[name]; ok {
			continue
		}
		d.entries[name] = d.cron.Schedule(ts.sched, d.scheduledRun(ctx, name, jitterBound(ts.sched)))
		d.specs[name] = ts.spec
	}
}

// scheduledRun is a target's cron job: it runs the target through the
// one run path, whose run queue bounds how many go at once.
func (d *Daemon) scheduledRun(ctx context.Context, name string, maxJitter time.Duration) cron.Job {
	return cron.FuncJob(func() {
		// Jitter spreads a fleet's passes so they do not hit Okta in the same second.
		if maxJitter > 0 {
			select {
			case <-time.After(rand.N(maxJitter)):
			case <-ctx.Done():
				return
			}
		}
		if _, err := d.Run(ctx, name, "schedule"); err != nil {
			var busy *report.BusyError
			if errors.As(err, &busy) {
				d.log.Info("skipping scheduled run: the previous one is still going", "target", name, "run", busy.RunID)
			}
		}
	})
}

// jitterBound is the most a run is delayed: 10% of the schedule's period,
// so a fleet spreads out but an "@every 1s" schedule still runs each second.
func jitterBound(s cron.Schedule) time.Duration { return interval(s) / 10 }

// interval estimates a schedule's period from two consecutive firings.
func interval(s cron.Schedule) time.Duration {
	if c, ok := s.(cron.ConstantDelaySchedule); ok {
		return c.Delay
	}
	a := s.Next(time.Now())
	return s.Next(a).Sub(a)
}

// reload re-reads the config file on SIGHUP; a bad file keeps the old one.
func (d *Daemon) reload(ctx context.Context) { _, _ = d.reloadConfig(ctx) }

// reloadConfig is the one reload path, for SIGHUP and POST /-/reload.
// Everything is reloaded (schedule, Okta, targets, the server token, the
// Slack sender) except what is bound at start-up, which it names. A file
// that does not load is an *api.ReloadError marked Invalid; its message,
// like the config's own errors, carries no secret.
func (d *Daemon) reloadConfig(ctx context.Context) (api.ReloadResult, error) {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	if d.closing {
		return api.ReloadResult{}, &api.ReloadError{Err: errors.New("driftd is shutting down")}
	}
	d.mu.RLock()
	old := d.cfg
	path := old.Path
	d.mu.RUnlock()
	cfg, err := config.LoadConfig(path)
	if err == nil {
		err = servable(cfg)
	}
	if err != nil {
		err = &api.ReloadError{Invalid: true, Err: err}
	} else if err = d.load(ctx, cfg); err != nil {
		// Scrub with both configs' secrets: building an engine may quote either.
		msg := terraform.NewScrubber(old).String(terraform.NewScrubber(cfg).String(err.Error()))
		err = &api.ReloadError{Err: errors.New(msg)}
	}
	if err != nil {
		d.metrics.ConfigReloaded("error")
		d.log.Error("config reload failed; keeping the running config", "path", path, "err", err)
		return api.ReloadResult{}, err
	}
	d.useAlerter(ctx, d.newAlerter())
	d.retargetWatches(cfg)
	d.refollow(cfg)
	d.metrics.ConfigReloaded("ok")
	d.log.Info("config reloaded", "path", path, "targets", len(cfg.Targets))
	res := api.ReloadResult{Path: path, Targets: []string{}, RestartNeeded: needRestart(old, cfg)}
	for _, t := range cfg.Targets {
		res.Targets = append(res.Targets, t.Name)
	}
	if len(res.RestartNeeded) > 0 {
		d.log.Warn("config reload: these settings changed but take effect only after a restart", "keys", res.RestartNeeded)
	}
	return res, nil
}

// refollow gives the change-event path the reloaded config's orgs,
// credentials and poll; a follower that cannot be built keeps the old
// ones running, and says so.
func (d *Daemon) refollow(cfg *config.Config) {
	d.mu.RLock()
	p := d.events
	d.mu.RUnlock()
	if p == nil {
		return
	}
	if err := p.follow(cfg); err != nil {
		d.log.Error("config reload: the System Log followers keep the previous settings", "err", err)
	}
}

// needRestart names the settings bound at start-up that differ in next:
// the listening socket and the store (its directory, lock and retention).
func needRestart(prev, next *config.Config) []string {
	var keys []string
	if prev.Server.Listen != next.Server.Listen {
		keys = append(keys, "server.listen")
	}
	if prev.StateDir != next.StateDir {
		keys = append(keys, "state_dir")
	}
	if prev.Retention != next.Retention {
		keys = append(keys, "retention")
	}
	return keys
}
