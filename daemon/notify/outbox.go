package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/driftd/driftd/daemon/store"
)

// Sender delivers one outbox item; for a root post it returns where the
// message landed.
type Sender interface {
	Send(ctx context.Context, it store.OutboxItem, root store.Root) (store.Root, error)
}

// Threaded is a Sender whose replies and updates need the episode's root
// message delivered first (a Slack bot); a webhook or the log posts each
// message on its own.
type Threaded interface {
	Threaded() bool
}

// Named is a Sender of items queued for one notifier (OutboxItem.Notifier);
// a Sender without a name delivers the unnamed items (Slack or the log).
// Each notifier drains its own items, so one's outage never holds up another.
type Named interface {
	Notifier() string
}

// Finder is a Sender that can find a post an earlier attempt made though
// its answer was lost (driftd was killed, or timed out, while the service
// was still answering), so the item is not posted twice.
type Finder interface {
	FindPosted(ctx context.Context, it store.OutboxItem) (store.Root, bool, error)
}

// RetryAdvisor is a Sender that knows its service's retry hints: it returns
// the wait the service asked for (Retry-After), or a negative duration for an
// error that will not go away by itself, or zero to back off exponentially.
type RetryAdvisor interface {
	RetryAfter(err error) time.Duration
}

// Deliverer drains the outbox: in order per target, with backoff after a
// failure (Retry-After on 429), never dropping an item.
type Deliverer struct {
	store  *store.Store
	sender Sender
	log    *slog.Logger
	now    func() time.Time
	base   time.Duration
	max    time.Duration
	wake   chan struct{}
}

// NewDeliverer returns a deliverer of st's outbox through sender.
func NewDeliverer(st *store.Store, sender Sender, log *slog.Logger, clock Clock) *Deliverer {
	d := &Deliverer{store: st, sender: sender, log: log, now: clock.Now, base: clock.RetryBase, max: 5 * time.Minute, wake: make(chan struct{}, 1)}
	if d.now == nil {
		d.now = time.Now
	}
	if d.base <= 0 {
		d.base = 2 * time.Second
	}
	return d
}

// Clock sets the time a deliverer and an alerter see; zero values are the
// real clock and a 2-second first retry. Tests move it by hand.
type Clock struct {
	Now       func() time.Time
	RetryBase time.Duration
}

// Poke wakes the deliverer: something was queued.
func (d *Deliverer) Poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends. With nothing queued it sleeps until poked,
// so an idle daemon does no work between passes.
func (d *Deliverer) Run(ctx context.Context) {
	for {
		_, next := d.Flush(ctx)
		var timer *time.Timer
		var due <-chan time.Time
		if !next.IsZero() {
			timer = time.NewTimer(max(next.Sub(d.now()), 50*time.Millisecond))
			due = timer.C
		}
		select {
		case <-ctx.Done():
		case <-due:
		case <-d.wake:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// maxParallelTargets bounds how many targets' items are sent at once: a
// slow service delays each target by its own posts only, and is not asked
// for more than this many at a time.
const maxParallelTargets = 4

// Flush tries every due item once: targets in parallel (at most
// maxParallelTargets), each target's items in order; a target whose head
// item fails waits, so its later messages never overtake it. It returns
// how many were sent and when the earliest remaining item is due (zero
// when none remain).
func (d *Deliverer) Flush(ctx context.Context) (int, time.Time) {
	items, err := d.store.Outbox()
	if err != nil {
		d.log.Error("reading the outbox", "err", err)
		return 0, d.now().Add(d.base)
	}
	name := ""
	if n, ok := d.sender.(Named); ok {
		name = n.Notifier()
	}
	var mu sync.Mutex
	sent := 0
	var next time.Time
	later := func(at time.Time) {
		mu.Lock()
		defer mu.Unlock()
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	var order []string
	byTarget := map[string][]store.OutboxItem{}
	for _, it := range items {
		if it.Notifier != name {
			continue
		}
		if _, ok := byTarget[it.Target]; !ok {
			order = append(order, it.Target)
		}
		byTarget[it.Target] = append(byTarget[it.Target], it)
	}
	sem := make(chan struct{}, maxParallelTargets)
	var wg sync.WaitGroup
	for _, target := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			n := d.flushTarget(ctx, byTarget[target], later)
			mu.Lock()
			sent += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sent, next
}

// flushTarget sends one target's items in order until one is not due or
// fails; later hears when the target's next item is due.
func (d *Deliverer) flushTarget(ctx context.Context, items []store.OutboxItem, later func(time.Time)) int {
	sent := 0
	for _, it := range items {
		if ctx.Err() != nil {
			return sent
		}
		if d.now().Before(it.NextAttempt) {
			later(it.NextAttempt)
			return sent
		}
		root, _ := d.store.Root(it.Target, it.Episode)
		if it.Op != store.OpPostRoot && root.TS == "" && d.needsRoot() {
			// The root was never delivered (it cannot be: it comes first),
			// so post this one on its own rather than lose it.
			it.Op = store.OpPostRoot
		}
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		got, found, err := d.findOrSend(sctx, &it, root)
		cancel()
		if found {
			d.log.Info("an earlier attempt had posted this alert; not posting it again", "target", it.Target, "kind", it.Kind)
		}
		if err != nil {
			it.Attempts++
			it.LastError = err.Error()
			it.NextAttempt = d.now().Add(d.retryAfter(err, it.Attempts))
			later(it.NextAttempt)
			if rerr := d.store.Reschedule(it); rerr != nil {
				d.log.Error("rescheduling alert", "err", rerr)
			}
			d.log.Warn("alert delivery failed; will retry", "target", it.Target, "kind", it.Kind, "attempt", it.Attempts, "next", it.NextAttempt, "err", err)
			return sent
		}
		if err := d.store.Delivered(it, got); err != nil {
			d.log.Error("recording a delivered alert", "err", err)
			later(d.now().Add(d.base))
			return sent
		}
		sent++
	}
	return sent
}

// findOrSend sends it, unless a Finder finds that an earlier attempt
// already posted it. Before the first attempt it marks the item Tried in
// the store, so even a crash mid-post leaves the mark for the next start.
// A lookup that fails posts anyway: a duplicate beats a lost alert.
func (d *Deliverer) findOrSend(ctx context.Context, it *store.OutboxItem, root store.Root) (store.Root, bool, error) {
	f, ok := d.sender.(Finder)
	if !ok || it.Op != store.OpPostRoot {
		got, err := d.sender.Send(ctx, *it, root)
		return got, false, err
	}
	if it.Tried {
		got, found, err := f.FindPosted(ctx, *it)
		if err == nil && found {
			return got, true, nil
		}
		if err != nil {
			d.log.Warn("could not look for an earlier post of this alert; posting it (it may show twice)", "target", it.Target, "err", err)
		}
	} else {
		it.Tried = true
		if err := d.store.Reschedule(*it); err != nil {
			return store.Root{}, false, fmt.Errorf("marking the alert as being posted: %w", err)
		}
	}
	got, err := d.sender.Send(ctx, *it, root)
	return got, false, err
}

func (d *Deliverer) needsRoot() bool {
	t, ok := d.sender.(Threaded)
	return ok && t.Threaded()
}

// retryAfter takes the sender's hint when it has one and otherwise backs off
// exponentially; an error that will not go away by itself waits the longest,
// still without dropping the item.
func (d *Deliverer) retryAfter(err error, attempts int) time.Duration {
	wait := d.base << min(attempts-1, 20)
	if a, ok := d.sender.(RetryAdvisor); ok {
		switch hint := a.RetryAfter(err); {
		case hint > 0:
			// A service's hint is honoured up to the longest backoff: an
			// absurd Retry-After (days, years) must not silence alerts.
			return min(hint, d.max)
		case hint < 0:
			wait = d.max
		}
	}
	if wait > d.max || wait <= 0 {
		wait = d.max
	}
	return wait
}
