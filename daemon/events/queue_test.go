package events

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

func TestQueueCoalescesAStormIntoOneRun(t *testing.T) {
	r, m := newRuns(), newRecMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := NewQueue(ctx, r.run, 100*time.Millisecond, 4, m, quiet)
	published := time.Now().Add(-time.Second)
	for i := range 200 {
		q.Add("prod", published.Add(time.Duration(i)*time.Millisecond))
	}
	q.Add("dev", time.Now())
	eventually(t, "the runs", func() bool { return r.of("prod") == 1 && r.of("dev") == 1 })
	time.Sleep(250 * time.Millisecond)
	if r.of("prod") != 1 {
		t.Errorf("%d runs of prod for a storm of 200 events, want 1", r.of("prod"))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.detected) != 2 || max(m.detected[0], m.detected[1]) < 1 {
		t.Errorf("detection latencies %v: want two, one from the storm's first event (>= 1s)", m.detected)
	}
}

func TestQueueRunsAgainForAnEventDuringARun(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 4)
	run := func(context.Context, string) error {
		if calls.Add(1) == 1 {
			started <- struct{}{}
			<-release
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := NewQueue(ctx, run, 10*time.Millisecond, 4, newRecMetrics(), quiet)
	q.Add("prod", time.Now())
	<-started
	q.Add("prod", time.Now()) // the running run may have read Okta before this change
	q.Add("prod", time.Now())
	close(release)
	eventually(t, "a second run", func() bool { return calls.Load() == 2 })
	time.Sleep(50 * time.Millisecond)
	if calls.Load() != 2 {
		t.Errorf("%d runs, want 2: one more for the events during the first", calls.Load())
	}
}

func TestQueueWaitsForABusyTarget(t *testing.T) {
	var calls atomic.Int32
	run := func(context.Context, string) error {
		if calls.Add(1) <= 2 {
			return &report.BusyError{Target: "prod", RunID: "cron-run"}
		}
		return nil
	}
	m := newRecMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := NewQueue(ctx, run, 10*time.Millisecond, 4, m, quiet)
	q.Add("prod", time.Now())
	eventually(t, "the run after the busy ones", func() bool { return calls.Load() == 3 })
	eventually(t, "its verdict", func() bool { m.mu.Lock(); defer m.mu.Unlock(); return len(m.detected) == 1 })
}

func TestDispatcherRunsAChangeSeenTwiceOnce(t *testing.T) {
	w := newWorld(t, "prod")
	r, m := newRuns(), newRecMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := NewQueue(ctx, r.run, 10*time.Millisecond, 4, m, quiet)
	d := NewDispatcher(func() *config.Config { return w.cfg }, q, m)
	ev := source.LogEvent{UUID: "u1", EventType: "application.lifecycle.update", Published: time.Now(),
		Targets: []source.LogTarget{{ID: "0oaprod", Type: "AppInstance"}}}
	d.Offer(SourceEventHook, []source.LogEvent{ev})
	eventually(t, "the run", func() bool { return r.of("prod") == 1 })
	d.Offer(SourceSystemLog, []source.LogEvent{ev})
	time.Sleep(50 * time.Millisecond)
	if r.of("prod") != 1 || m.count("system_log/duplicate") != 1 {
		t.Errorf("%d runs, events %v; want the System Log's copy dropped as a duplicate", r.of("prod"), m.events)
	}
}
