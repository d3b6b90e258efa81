package daemon

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/terraform"
	"github.com/robfig/cron/v3"
)

// load builds the engine, runner and schedule for cfg and swaps them in
// only once all are built: a config that fails leaves the running one.
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
	engine, err := NewEngine(ctx, cfg, d.log, opts)
	if err != nil {
		return err
	}
	sched, entries, err := d.schedule(ctx, cfg)
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
		d.runner.setEngine(engine)
	}
	if d.cron != nil {
		d.cron.Stop()
	}
	d.cfg, d.cron, d.entries = cfg, sched, entries
	d.cron.Start()
	return nil
}

// schedule builds, without starting it, the cron of cfg's targets.
func (d *Daemon) schedule(ctx context.Context, cfg *config.Config) (*cron.Cron, map[string]cron.EntryID, error) {
	c := cron.New(cron.WithParser(config.CronParser), cron.WithLocation(time.UTC))
	entries := map[string]cron.EntryID{}
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		spec := cfg.Schedule
		if t.Schedule != "" {
			spec = t.Schedule
		}
		sched, err := config.CronParser.Parse(spec)
		if err != nil {
			return nil, nil, fmt.Errorf("targets[%d].schedule: %w", i, err)
		}
		maxJitter := jitterBound(sched)
		name := t.Name
		entries[name] = c.Schedule(sched, cron.FuncJob(func() {
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
		}))
	}
	return c, entries, nil
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
