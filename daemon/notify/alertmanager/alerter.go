package alertmanager

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

// Alerter is driftd's Alertmanager notifier. It is inert while the config
// has no alertmanager section, so a reload can switch it on or off.
type Alerter struct {
	store    *store.Store
	log      *slog.Logger
	cfg      func() *config.Config
	now      func() time.Time
	delivery *notify.Deliverer
	// mu serialises steps: a run's Notify and the resend sweep both read,
	// decide and write a target's state.
	mu sync.Mutex
}

// NewAlerter returns the notifier over st's outbox; transport carries its
// HTTP calls (nil: the default).
func NewAlerter(st *store.Store, cfg func() *config.Config, log *slog.Logger, transport http.RoundTripper, clock notify.Clock) *Alerter {
	a := &Alerter{store: st, log: log.With("notifier", Name), cfg: cfg, now: clock.Now}
	if a.now == nil {
		a.now = time.Now
	}
	sender := &Sender{cfg: cfg, client: &http.Client{Timeout: 10 * time.Second, Transport: transport, CheckRedirect: notify.RefuseRedirects}, now: a.now}
	a.delivery = notify.NewDeliverer(st, sender, a.log, clock)
	return a
}

// Run delivers queued alerts and re-posts firing ones every resend
// interval, until ctx ends.
func (a *Alerter) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() { a.delivery.Run(ctx); close(done) }()
	defer func() { <-done }()
	for {
		wait := DefaultResend
		if am := a.cfg().Alertmanager; am != nil {
			wait = time.Duration(am.ResendInterval)
		}
		// Sweep at a third of the interval, so a re-post is never more than
		// a third late and endsAt (three intervals) is never reached.
		t := time.NewTimer(wait / 3)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		a.Remind()
	}
}

// DefaultResend paces the sweep while no Alertmanager is configured.
const DefaultResend = config.DefaultAlertmanagerResend

// Flush delivers what is due now; tests use it instead of Run.
func (a *Alerter) Flush(ctx context.Context) (int, time.Time) { return a.delivery.Flush(ctx) }

// Notify decides and queues what res calls for. While a post of the
// target is still queued a change is queued behind it, but a re-post is
// not: the queued post carries the same alerts (like Remind's check).
func (a *Alerter) Notify(_ context.Context, t *config.Target, res *report.TargetResult) {
	if a.cfg().Alertmanager == nil {
		return
	}
	a.step(t.Name, res)
}

// queued reports whether a post of target waits in the outbox.
func (a *Alerter) queued(target string) (bool, error) {
	items, err := a.store.Outbox()
	if err != nil {
		return false, fmt.Errorf("reading the outbox: %w", err)
	}
	for _, it := range items {
		if it.Notifier == Name && it.Target == target {
			return true, nil
		}
	}
	return false, nil
}

// Remind re-posts every target's firing alerts whose last post is a resend
// interval old, unless a post of that target is still queued (an outage
// must not pile up re-posts behind the one that waits).
func (a *Alerter) Remind() {
	cfg := a.cfg()
	if cfg.Alertmanager == nil {
		return
	}
	queued := map[string]bool{}
	items, err := a.store.Outbox()
	if err != nil {
		a.log.Error("reading the outbox", "err", err)
		return
	}
	for _, it := range items {
		if it.Notifier == Name {
			queued[it.Target] = true
		}
	}
	for _, t := range cfg.Targets {
		if !queued[t.Name] {
			a.step(t.Name, nil)
		}
	}
}

// step runs Decide for one target and commits the next state with the
// post it calls for, in one transaction.
func (a *Alerter) step(target string, res *report.TargetResult) {
	am := a.cfg().Alertmanager
	if am == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	prev, err := a.load(target)
	if err != nil {
		a.log.Error("reading alert state", "target", target, "err", err)
		return
	}
	now := a.now()
	policy := Policy{Resend: time.Duration(am.ResendInterval), ErrorAfter: time.Duration(am.ErrorAfter)}
	if pending, err := a.queued(target); err != nil || pending {
		// No re-post behind a queued post (or when that cannot be known):
		// only a change is queued.
		policy.Resend = math.MaxInt64
	}
	next, post := Decide(prev, res, now, policy)
	if !post && reflect.DeepEqual(prev, next) {
		return
	}
	var items []store.OutboxItem
	if post {
		alerts := render(target, prev, next, now, am)
		data, err := json.Marshal(alerts)
		if err != nil {
			a.log.Error("encoding alerts", "target", target, "err", err)
			return
		}
		items = append(items, store.OutboxItem{Notifier: Name, Target: target, Kind: kindOf(prev, next, res), Op: store.OpPostRoot,
			Text: fmt.Sprintf("%d alert(s) for %s", len(alerts), target), Blocks: data, Created: now})
	}
	if err := a.save(target, next, items); err != nil {
		a.log.Error("queueing alerts", "target", target, "err", err)
		return
	}
	if post {
		a.delivery.Poke()
	}
}

// kindOf names a post after the lifecycle step it is, for the log.
func kindOf(prev, next State, res *report.TargetResult) string {
	switch {
	case res == nil:
		return notify.AlertReminder
	case !next.Drift.Open && !next.Error.Open:
		return notify.AlertResolved
	case !prev.Drift.Open && !prev.Error.Open:
		return notify.AlertNew
	}
	return notify.AlertChanged
}

// State keys: the store's alert bucket is keyed by target for Slack;
// these keys cannot collide with a target name, which has no '/'.
func driftKey(target string) string { return Name + "/drift/" + target }
func errorKey(target string) string { return Name + "/error/" + target }

func (a *Alerter) load(target string) (State, error) {
	d, err := a.store.Alert(driftKey(target))
	if err != nil {
		return State{}, fmt.Errorf("reading the drift alert state of %s: %w", target, err)
	}
	e, err := a.store.Alert(errorKey(target))
	if err != nil {
		return State{}, fmt.Errorf("reading the error alert state of %s: %w", target, err)
	}
	return State{Drift: d, Error: e}, nil
}

// save writes the error state, then the drift state with the post: a
// crash between them at worst repeats a post, which Alertmanager merges.
func (a *Alerter) save(target string, next State, items []store.OutboxItem) error {
	if err := a.store.CommitAlert(errorKey(target), next.Error, nil); err != nil {
		return fmt.Errorf("saving the error alert state of %s: %w", target, err)
	}
	if err := a.store.CommitAlert(driftKey(target), next.Drift, items); err != nil {
		return fmt.Errorf("saving the drift alert state of %s: %w", target, err)
	}
	return nil
}
