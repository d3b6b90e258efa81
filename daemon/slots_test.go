package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
)

// gatedOkta is an Okta app reader whose reads wait at a gate, counting
// how many are in flight at once.
type gatedOkta struct {
	inner AppReader
	gate  chan struct{}

	mu       sync.Mutex
	inflight int
	peak     int
	seen     map[string]int
}

func newGatedOkta(inner AppReader) *gatedOkta {
	return &gatedOkta{inner: inner, gate: make(chan struct{}), seen: map[string]int{}}
}

func (g *gatedOkta) App(ctx context.Context, appID string) (*checks.OktaApp, error) {
	g.mu.Lock()
	g.inflight++
	g.peak = max(g.peak, g.inflight)
	g.seen[appID]++
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inflight--; g.mu.Unlock() }()
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.inner.App(ctx, appID)
}

func (g *gatedOkta) counts() (inflight, peak, distinct int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inflight, g.peak, len(g.seen)
}

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, *config.Target, *report.TargetResult) {}

// scheduledDaemon is a daemon with cfg's schedule running and no API;
// okta, when set, replaces the Okta readers.
func scheduledDaemon(t *testing.T, cfg *config.Config, okta AppReader) *Daemon {
	t.Helper()
	st, err := store.OpenStore(cfg.StateDir, cfg.Retention)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Daemon{log: slog.New(slog.NewTextHandler(io.Discard, nil)), metrics: api.NewMetrics(), store: st,
		opts: DaemonOptions{Engine: EngineOptions{Okta: okta}}, notifier: nopNotifier{}, cfg: cfg, baseCtx: ctx}
	if err := d.load(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		d.mu.RLock()
		stopped := d.cron.Stop()
		d.mu.RUnlock()
		<-stopped.Done()
		d.runnerRef().Wait(context.Background())
		st.Close()
	})
	return d
}

// eventually polls cond with a generous deadline; a busy machine is slow, not wrong.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestScheduledRunsOfAFleetObserveAtMostConcurrencyTargetsAtOnce(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f"}
	f := fixture.New(t, names...)
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schedule, cfg.Concurrency = "@every 1s", 2
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gated := newGatedOkta(e.orgs[cfg.OrgFor(&cfg.Targets[0]).Key()].app)
	d := scheduledDaemon(t, cfg, gated)
	// Every target's first firing has come once two hold a slot and four
	// wait for one; without the bound all six read at once instead.
	eventually(t, "the schedule to fire every target", func() bool {
		inflight, _, _ := gated.counts()
		busy, waiting := d.runnerRef().slots.counts()
		return inflight > cfg.Concurrency || (inflight == cfg.Concurrency && busy == 2 && waiting == len(names)-2)
	})
	if _, peak, _ := gated.counts(); peak > cfg.Concurrency {
		t.Fatalf("%d targets read Okta at once under concurrency %d", peak, cfg.Concurrency)
	}
	close(gated.gate)
	eventually(t, "every target to run", func() bool { _, _, n := gated.counts(); return n == len(names) })
	if _, peak, _ := gated.counts(); peak > cfg.Concurrency {
		t.Fatalf("%d targets read Okta at once under concurrency %d", peak, cfg.Concurrency)
	}
}

func TestRunSlotsAreGrantedInTheOrderTheyWereAskedFor(t *testing.T) {
	s := newRunSlots(1)
	if err := s.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.acquire(context.Background(), false); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			s.release()
		}()
		// The next asks only once this one waits in line.
		eventually(t, fmt.Sprintf("waiter %d to queue", i), func() bool { _, w := s.counts(); return w == i+1 })
	}
	s.release()
	wg.Wait()
	if fmt.Sprint(order) != "[0 1 2 3 4]" {
		t.Fatalf("slots granted in order %v", order)
	}
}

func TestAWaiterThatGivesUpLeavesTheLineAndPassesOnAGrantedSlot(t *testing.T) {
	s := newRunSlots(1)
	_ = s.acquire(context.Background(), false)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.acquire(ctx, false) }()
	eventually(t, "the waiter to queue", func() bool { _, w := s.counts(); return w == 1 })
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled wait returned a slot")
	}
	s.release()
	if busy, waiting := s.counts(); busy != 0 || waiting != 0 {
		t.Fatalf("after the waiter gave up: %d busy, %d waiting", busy, waiting)
	}
	if err := s.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
}

func TestALoweredLimitLetsRunningRunsFinishAndARaisedOneGrantsAtOnce(t *testing.T) {
	s := newRunSlots(1)
	_ = s.acquire(context.Background(), false)
	done := make(chan struct{})
	go func() { _ = s.acquire(context.Background(), false); close(done) }()
	eventually(t, "the waiter to queue", func() bool { _, w := s.counts(); return w == 1 })
	s.setLimit(2)
	<-done
	if busy, _ := s.counts(); busy != 2 {
		t.Fatalf("%d busy after raising the limit to 2", busy)
	}
}

func TestARunSomeoneWaitsForGoesAheadOfTheScheduledLine(t *testing.T) {
	s := newRunSlots(1)
	_ = s.acquire(context.Background(), false)
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	for i, who := range []string{"schedule-1", "schedule-2", "api"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.acquire(context.Background(), who == "api")
			mu.Lock()
			order = append(order, who)
			mu.Unlock()
			s.release()
		}()
		eventually(t, who+" to queue", func() bool { _, w := s.counts(); return w == i+1 })
	}
	s.release()
	wg.Wait()
	if fmt.Sprint(order) != "[api schedule-1 schedule-2]" {
		t.Fatalf("slots granted in order %v, want the on-demand run first", order)
	}
}
