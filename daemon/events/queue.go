package events

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/driftd/driftd/daemon/report"
)

// RunFunc runs one target through the daemon's one run path with trigger
// "event". A *report.BusyError means another run of the target is going;
// the queue runs it again once that one is done, since it may have read
// Okta before the change.
type RunFunc func(ctx context.Context, target string) error

// Metrics is what the event path reports; daemon/api's event metrics
// implement it.
type Metrics interface {
	// Event counts one event by source (system_log, event_hook) and result
	// (queued, ignored, duplicate, error).
	Event(source, result string)
	// Lag is how far behind the System Log follower's read position is.
	Lag(seconds float64)
	// Detected is the time from an event's publication to its run's verdict.
	Detected(seconds float64)
}

// DefaultWindow is how long the queue gathers events for a target before
// its run: an admin's save in the console logs several events within
// milliseconds, and Okta delivers hooks one event at a time.
const DefaultWindow = time.Second

// busyRetry is how often a target held by another run is tried again.
const busyRetry = 200 * time.Millisecond

// Queue coalesces events per target: the first event opens a window; the
// target runs once when it closes, whatever arrived in between. Events
// that arrive while the target runs earn it one more run afterwards. At
// most Concurrency runs go at once.
type Queue struct {
	run     RunFunc
	window  time.Duration
	metrics Metrics
	log     *slog.Logger
	now     func() time.Time
	sem     chan struct{}

	mu      sync.Mutex
	pending map[string]*pendingRun
	ctx     context.Context
	wg      sync.WaitGroup
}

type pendingRun struct {
	first   time.Time // earliest publication among the events of this run
	running bool
	again   time.Time // set while running: the earliest event since it began
	timer   *time.Timer
}

// NewQueue returns a queue whose runs end with ctx.
func NewQueue(ctx context.Context, run RunFunc, window time.Duration, concurrency int, m Metrics, log *slog.Logger) *Queue {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Queue{run: run, window: window, metrics: m, log: log, now: time.Now,
		sem: make(chan struct{}, max(concurrency, 1)), pending: map[string]*pendingRun{}, ctx: ctx}
}

// Add queues a run of target for an event published at published. An
// event without a time counts as published now: a zero time is also the
// "no run again" mark, so during a run it was dropped.
func (q *Queue) Add(target string, published time.Time) {
	if published.IsZero() {
		published = q.now()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ctx.Err() != nil {
		return
	}
	p, ok := q.pending[target]
	switch {
	case !ok:
		p = &pendingRun{first: published}
		q.pending[target] = p
		p.timer = time.AfterFunc(q.window, func() { q.fire(target) })
	case p.running:
		if p.again.IsZero() || published.Before(p.again) {
			p.again = published
		}
	case published.Before(p.first):
		p.first = published
	}
}

// fire starts a target's run when its window closes.
func (q *Queue) fire(target string) {
	q.mu.Lock()
	p, ok := q.pending[target]
	if !ok || p.running || q.ctx.Err() != nil {
		q.mu.Unlock()
		return
	}
	p.running = true
	first := p.first
	q.wg.Add(1)
	q.mu.Unlock()
	go func() {
		defer q.wg.Done()
		q.runOnce(target, first)
		q.mu.Lock()
		defer q.mu.Unlock()
		if p.again.IsZero() || q.ctx.Err() != nil {
			delete(q.pending, target)
			return
		}
		p.first, p.again, p.running = p.again, time.Time{}, false
		p.timer = time.AfterFunc(q.window, func() { q.fire(target) })
	}()
}

// runOnce runs target, waiting while another run holds it.
func (q *Queue) runOnce(target string, first time.Time) {
	select {
	case q.sem <- struct{}{}:
	case <-q.ctx.Done():
		return
	}
	defer func() { <-q.sem }()
	for {
		err := q.run(q.ctx, target)
		var busy *report.BusyError
		if !errors.As(err, &busy) {
			if err != nil {
				q.log.Warn("event-triggered run failed", "target", target, "err", err)
				return
			}
			if !first.IsZero() {
				q.metrics.Detected(q.now().Sub(first).Seconds())
			}
			return
		}
		select {
		case <-time.After(busyRetry):
		case <-q.ctx.Done():
			return
		}
	}
}

// Wait waits for the runs in progress once ctx has ended; pending windows
// are dropped (the next start-up pass covers them).
func (q *Queue) Wait() {
	q.mu.Lock()
	for _, p := range q.pending {
		if p.timer != nil {
			p.timer.Stop()
		}
	}
	q.mu.Unlock()
	q.wg.Wait()
}
