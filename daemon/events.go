package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/events"
)

// eventPath is the daemon's change-event path: Okta System Log followers
// and Event Hook deliveries feed one dispatcher, whose queue runs targets
// through Daemon.Run with trigger "event". The schedule stays as a safety
// sweep.
type eventPath struct {
	d        *Daemon
	dispatch *events.Dispatcher
	queue    *events.Queue
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// startEvents starts the queue and, unless okta.events.poll is 0s, the
// org's System Log follower. Stop ends them and waits for event runs.
func (d *Daemon) startEvents(ctx context.Context) (stop func(), err error) {
	cfg := d.config()
	ctx, cancel := context.WithCancel(ctx)
	p := &eventPath{d: d, cancel: cancel}
	run := func(ctx context.Context, target string) error {
		_, err := d.Run(ctx, target, "event")
		return err
	}
	p.queue = events.NewQueue(ctx, run, events.DefaultWindow, cfg.Concurrency, d.metrics.Events, d.log)
	p.dispatch = events.NewDispatcher(d.config, p.queue, d.metrics.Events)
	d.mu.Lock()
	d.events = p
	d.mu.Unlock()
	if poll := cfg.Okta.Events.PollInterval(); poll > 0 {
		f, err := d.follower(ctx, p, poll)
		if err != nil {
			cancel()
			return nil, err
		}
		p.wg.Add(1)
		go func() { defer p.wg.Done(); f.Run(ctx) }()
	}
	if cfg.Kubernetes.Watch {
		d.log.Info("kubernetes.watch is accepted; watches start with the kubernetes env source")
	}
	return func() { cancel(); p.wg.Wait(); p.queue.Wait() }, nil
}

// follower builds the org's System Log follower. Its reader has its own
// rate budget: Okta limits /api/v1/logs in a bucket of its own, apart from
// the apps endpoints (developer.okta.com/docs/reference/rl-global-mgmt/),
// and the budget follows the X-Rate-Limit-* headers of its answers.
func (d *Daemon) follower(ctx context.Context, p *eventPath, poll time.Duration) (*events.Follower, error) {
	org := d.config().GlobalOrg()
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
		FullPass: func(ctx context.Context) { go d.runAll(ctx, "event") },
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

func (h hookSink) Deliver(_ string, evs []api.OktaEvent) {
	out := make([]source.LogEvent, 0, len(evs))
	for _, e := range evs {
		le := source.LogEvent{UUID: e.UUID, EventType: e.EventType, Published: e.Published}
		for _, t := range e.Target {
			le.Targets = append(le.Targets, source.LogTarget{ID: t.ID, Type: t.Type, AlternateID: t.AlternateID})
		}
		out = append(out, le)
	}
	h.p.dispatch.Offer(events.SourceEventHook, out)
}
