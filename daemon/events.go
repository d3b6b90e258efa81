package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/events"
)

// eventPath is the daemon's change-event path: Okta System Log followers
// (one per org) and Event Hook deliveries feed one dispatcher, whose queue
// runs targets through Daemon.Run with trigger "event". The schedule stays
// as a safety sweep.
type eventPath struct {
	d        *Daemon
	dispatch *events.Dispatcher
	queue    *events.Queue
	kube     *events.KubeWatches
	cancel   context.CancelFunc
	// ctx is the path's own context: followers started by a reload end
	// with it too.
	ctx context.Context

	// The followers are rebuilt when a reload changes what they read
	// with (poll, orgs, credentials); fmu serializes that.
	fmu           sync.Mutex
	followKey     string
	stopFollowers func()
}

// startEvents starts the queue and, unless okta.events.poll is 0s, a
// System Log follower per org. Stop ends them and waits for event runs.
func (d *Daemon) startEvents(ctx context.Context) (stop func(), err error) {
	cfg := d.config()
	ctx, cancel := context.WithCancel(ctx)
	p := &eventPath{d: d, cancel: cancel, ctx: ctx}
	run := func(ctx context.Context, target string) error {
		_, err := d.Run(ctx, target, "event")
		return err
	}
	p.queue = events.NewQueue(ctx, run, events.DefaultWindow, cfg.Concurrency, d.metrics.Events, d.log)
	p.dispatch = events.NewDispatcher(d.config, p.queue, d.metrics.Events)
	if err := p.follow(cfg); err != nil {
		cancel()
		return nil, err
	}
	p.kube = events.NewKubeWatches(ctx, p.queue, d.metrics.Events, d.log)
	p.kube.Retarget(cfg)
	d.mu.Lock()
	d.events = p
	d.mu.Unlock()
	return func() { cancel(); p.kube.Stop(); p.stopFollowing(); p.queue.Wait() }, nil
}

// retargetWatches points the Kubernetes watches at a reloaded config.
func (d *Daemon) retargetWatches(cfg *config.Config) {
	d.mu.RLock()
	p := d.events
	d.mu.RUnlock()
	if p != nil {
		p.kube.Retarget(cfg)
	}
}

// watchErr is the target's current Kubernetes watch failure, reported by
// its runs as an observation error (engine.go EngineOptions.EnvErr).
func (d *Daemon) watchErr(target string) error {
	d.mu.RLock()
	p := d.events
	d.mu.RUnlock()
	if p == nil {
		return nil
	}
	return p.kube.Err(target)
}

// follow runs the System Log followers cfg asks for: one per Okta org,
// each with the org's own credential and rate budget. Followers that read
// the same orgs with the same credentials at the same pace keep running;
// otherwise new ones replace them, resuming from the stored cursors. If a
// follower cannot be built the running ones stay.
func (p *eventPath) follow(cfg *config.Config) error {
	ctx := p.ctx
	poll := cfg.Okta.Events.PollInterval()
	orgs := cfg.EventOrgs()
	key := fmt.Sprint(poll)
	for _, o := range orgs {
		key += "|" + o.Key() + fmt.Sprint(o.Reserve)
	}
	p.fmu.Lock()
	defer p.fmu.Unlock()
	if p.stopFollowers != nil && key == p.followKey {
		return nil
	}
	var fs []*events.Follower
	if poll > 0 {
		for _, o := range orgs {
			f, err := p.d.follower(ctx, p, o, poll)
			if err != nil {
				return err
			}
			fs = append(fs, f)
		}
	}
	if p.stopFollowers != nil {
		p.stopFollowers()
	}
	fctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); f.Run(fctx) }()
	}
	p.stopFollowers, p.followKey = func() { cancel(); wg.Wait() }, key
	return nil
}

// stopFollowing stops the followers and waits for them.
func (p *eventPath) stopFollowing() {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	if p.stopFollowers != nil {
		p.stopFollowers()
	}
}

// follower builds org's System Log follower. Its reader has its own
// rate budget: Okta limits /api/v1/logs in a bucket of its own, apart from
// the apps endpoints (developer.okta.com/docs/reference/rl-global-mgmt/),
// and the budget follows the X-Rate-Limit-* headers of its answers.
func (d *Daemon) follower(ctx context.Context, p *eventPath, org config.OktaOrg, poll time.Duration) (*events.Follower, error) {
	budget := source.NewRateBudget(org.Reserve)
	// The org's own credential: an SSWS token or the OAuth service app.
	ro := org.Options()
	// A poll that cannot finish soon gives way to the next one.
	ro.Retry = source.RetryPolicy{Attempts: 2, AttemptTimeout: 10 * time.Second, BaseDelay: 250 * time.Millisecond,
		MaxDelay: 2 * time.Second, MaxRateLimitWait: poll}
	ro.Transport, ro.Observe = budget.Transport(d.opts.Engine.Transport), d.metrics.ObserveOkta
	r, err := source.NewOktaReader(ctx, ro)
	if err != nil {
		return nil, fmt.Errorf("building the System Log reader for %s: %w", org.URL, err)
	}
	return &events.Follower{
		Org: org.URL, Reader: r, Store: d.store, Dispatch: p.dispatch, Poll: poll,
		Metrics: d.metrics.Events, Log: d.log,
		// Runs in the background: the follower keeps its pace meanwhile.
		FullPass: func(ctx context.Context) { d.background(func() { d.runAll(ctx, "event") }) },
	}, nil
}

// oktaEvents is the Event Hook endpoint's view of the event path; nil
// until the path has started.
func (d *Daemon) oktaEvents() api.OktaEvents {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.events == nil {
		return nil
	}
	return hookSink{d.events}
}

// hookSink takes Event Hook deliveries into the dispatcher.
type hookSink struct{ p *eventPath }

func (h hookSink) HookSecret() string { return h.p.d.config().Okta.EventHook.Secret.Reveal() }

func (h hookSink) HookHeader() string { return h.p.d.config().Okta.EventHook.HeaderName() }

func (h hookSink) Deliver(from string, evs []api.OktaEvent) {
	out := make([]source.LogEvent, 0, len(evs))
	for _, e := range evs {
		le := source.LogEvent{UUID: e.UUID, EventType: e.EventType, Published: e.Published}
		for _, t := range e.Target {
			le.Targets = append(le.Targets, source.LogTarget{ID: t.ID, Type: t.Type, AlternateID: t.AlternateID, Details: source.DetailStrings(t.DetailEntry)})
		}
		out = append(out, le)
	}
	h.p.dispatch.OfferDelivery(events.SourceEventHook, from, out)
}
