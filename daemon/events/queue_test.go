package events

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// The queue's tests run in a synctest bubble: its windows and retries wait
// on the bubble's fake clock, and synctest.Wait returns once every
// goroutine of the queue is blocked, so "nothing more happened" is read
// after the clock has passed every window and all work has settled, not
// after a guessed sleep. Each absence is also read after a later event has
// been seen processed.

// settle lets the fake clock pass d and waits until the queue is idle.
func settle(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func TestQueueCoalescesAStormIntoOneRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, m := newRuns(), newRecMetrics()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		const window = 100 * time.Millisecond
		q := NewQueue(ctx, r.run, window, 4, m, quiet)
		published := time.Now().Add(-time.Second)
		for i := range 200 {
			q.Add("prod", published.Add(time.Duration(i)*time.Millisecond))
		}
		q.Add("dev", time.Now())
		settle(window)
		if r.of("prod") != 1 || r.of("dev") != 1 {
			t.Fatalf("runs after one window: prod %d, dev %d; want 1 each", r.of("prod"), r.of("dev"))
		}
		// A later change of prod is seen run; the storm earned no other.
		q.Add("prod", time.Now())
		settle(10 * window)
		if r.of("prod") != 2 {
			t.Errorf("%d runs of prod for a storm of 200 events and one later event, want 2", r.of("prod"))
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		// The storm's verdict counts from its first event, a second and a
		// window before the run (the bubble's clock is exact).
		if len(m.detected) != 3 || !slices.Contains(m.detected, (time.Second+window).Seconds()) {
			t.Errorf("detection latencies %v: want three, the storm's %v", m.detected, (time.Second + window).Seconds())
		}
	})
}

func TestQueueRunsAgainForAnEventDuringARun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q, calls, release, started := heldQueue(t)
		q.Add("prod", time.Now())
		<-started
		q.Add("prod", time.Now()) // the running run may have read Okta before this change
		q.Add("prod", time.Now())
		close(release)
		settle(10 * queueWindow)
		if calls.Load() != 2 {
			t.Fatalf("%d runs, want 2: one more for the events during the first", calls.Load())
		}
		q.Add("prod", time.Now()) // a later change: one more run, no other
		settle(10 * queueWindow)
		if calls.Load() != 3 {
			t.Errorf("%d runs after a later event, want 3", calls.Load())
		}
	})
}

// queueWindow is heldQueue's debounce window.
const queueWindow = 10 * time.Millisecond

// heldQueue is a queue whose first run holds until release is closed; it
// says on started when that run has begun. Call it inside a synctest bubble.
func heldQueue(t *testing.T) (q *Queue, calls *atomic.Int32, release chan struct{}, started chan struct{}) {
	calls = &atomic.Int32{}
	release, started = make(chan struct{}), make(chan struct{}, 4)
	run := func(context.Context, string) error {
		if calls.Add(1) == 1 {
			started <- struct{}{}
			<-release
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return NewQueue(ctx, run, queueWindow, 4, newRecMetrics(), quiet), calls, release, started
}

// TestQueueWaitsForABusyTarget holds the target in another run (a
// scheduled one) and sees the queue try it again while it is held, with
// no verdict, and run it once it is free.
func TestQueueWaitsForABusyTarget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var held atomic.Bool
		held.Store(true)
		var calls, busyCalls atomic.Int32
		attempts := make(chan struct{}, 16)
		run := func(context.Context, string) error {
			calls.Add(1)
			if held.Load() {
				busyCalls.Add(1)
				attempts <- struct{}{}
				return &report.BusyError{Target: "prod", RunID: "cron-run"}
			}
			return nil
		}
		m := newRecMetrics()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		q := NewQueue(ctx, run, 10*time.Millisecond, 4, m, quiet)
		q.Add("prod", time.Now())
		<-attempts
		<-attempts // tried again while held: it waits, not gives up
		m.mu.Lock()
		verdicts := len(m.detected)
		m.mu.Unlock()
		if verdicts != 0 {
			t.Fatalf("%d verdicts while the target was busy", verdicts)
		}
		held.Store(false)
		settle(10 * busyRetry)
		m.mu.Lock()
		defer m.mu.Unlock()
		if calls.Load() != busyCalls.Load()+1 || len(m.detected) != 1 {
			t.Errorf("%d calls (%d busy), %d verdicts; want one run after the busy ones, with one verdict", calls.Load(), busyCalls.Load(), len(m.detected))
		}
	})
}

func TestDispatcherRunsAChangeSeenTwiceOnce(t *testing.T) {
	w := newWorld(t, "prod", "dev") // its simulator serves outside the bubble
	synctest.Test(t, func(t *testing.T) {
		r, m := newRuns(), newRecMetrics()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		const window = 10 * time.Millisecond
		q := NewQueue(ctx, r.run, window, 4, m, quiet)
		d := NewDispatcher(func() *config.Config { return w.cfg }, q, m)
		ev := source.LogEvent{UUID: "u1", EventType: "application.lifecycle.update", Published: time.Now(),
			Targets: []source.LogTarget{{ID: "0oaprod", Type: "AppInstance"}}}
		d.Offer(SourceEventHook, []source.LogEvent{ev})
		settle(10 * window)
		if r.of("prod") != 1 {
			t.Fatalf("%d runs of prod for one event", r.of("prod"))
		}
		d.Offer(SourceSystemLog, []source.LogEvent{ev})
		later := source.LogEvent{UUID: "u2", EventType: "application.lifecycle.update", Published: time.Now(),
			Targets: []source.LogTarget{{ID: "0oadev", Type: "AppInstance"}}}
		d.Offer(SourceSystemLog, []source.LogEvent{later})
		settle(10 * window)
		if r.of("dev") != 1 {
			t.Fatalf("the later event's run did not come: %d runs of dev", r.of("dev"))
		}
		if r.of("prod") != 1 || m.count("system_log/duplicate") != 1 {
			t.Errorf("%d runs, events %v; want the System Log's copy dropped as a duplicate", r.of("prod"), m.events)
		}
	})
}

// TestQueueRunsAgainForAnEventWithoutPublishedDuringARun: an event whose
// published time is missing (a delivery or log event without the field;
// LogEvent.published is not required in okta-management-openapi
// 2026.06.3's LogEvent schema) still calls for one more run when it arrives
// during a run: the change may postdate what the run read.
func TestQueueRunsAgainForAnEventWithoutPublishedDuringARun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q, calls, release, started := heldQueue(t)
		q.Add("prod", time.Time{})
		<-started
		q.Add("prod", time.Time{})
		close(release)
		settle(10 * queueWindow)
		if calls.Load() != 2 {
			t.Fatalf("%d runs, want 2: one more for the event during the first", calls.Load())
		}
	})
}
