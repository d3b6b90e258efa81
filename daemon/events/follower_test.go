package events

import (
	"context"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/oktasim"
)

func TestFollowerPagesThroughEveryEventOnce(t *testing.T) {
	w := newWorld(t, "prod", "dev")
	p := w.follower(t, openStore(t, t.TempDir()), 10)
	ctx := context.Background()
	p.f.Start(ctx)
	w.edit(t, "prod", 18)
	w.edit(t, "dev", 7)
	w.sim.ResetCounts()
	p.f.PollOnce(ctx)
	if got := p.m.count("system_log/queued"); got != 25 {
		t.Fatalf("%d events queued, want 25", got)
	}
	if n := w.sim.Count("/api/v1/logs"); n != 3 {
		t.Errorf("%d requests for 25 events in pages of 10, want 3", n)
	}
	eventually(t, "a run of each target", func() bool { return p.r.of("prod") >= 1 && p.r.of("dev") >= 1 })
	t.Run("a poll with nothing new costs one request and queues nothing", func(t *testing.T) {
		w.sim.ResetCounts()
		p.f.PollOnce(ctx)
		if n := w.sim.Count("/api/v1/logs"); n != 1 || p.m.count("system_log/queued") != 25 {
			t.Errorf("%d requests, %d queued", n, p.m.count("system_log/queued"))
		}
	})
}

func TestFollowerResumesAfterARestartWithoutLossOrReplay(t *testing.T) {
	w := newWorld(t, "prod")
	dir := t.TempDir()
	ctx := context.Background()
	st := openStore(t, dir)
	first := w.follower(t, st, 2)
	first.f.Start(ctx)
	w.edit(t, "prod", 3)
	first.f.PollOnce(ctx)
	if got := first.m.count("system_log/queued"); got != 3 {
		t.Fatalf("before the restart: %d events, want 3", got)
	}
	st.Close()
	w.edit(t, "prod", 2) // while driftd is down

	st = openStore(t, dir)
	defer st.Close()
	second := w.follower(t, st, 2)
	second.f.Start(ctx)
	second.f.PollOnce(ctx)
	if got := second.m.count("system_log/queued"); got != 2 {
		t.Errorf("after the restart: %d events, want exactly the 2 logged while down", got)
	}
	if second.fullPass != 0 {
		t.Error("a fresh cursor caused a full pass")
	}
}

func TestFollowerFallsBackToAFullPass(t *testing.T) {
	cases := []struct {
		name   string
		cursor store.LogCursor
	}{
		{"when Okta refuses the cursor (400 on after)", store.LogCursor{Since: time.Now().Add(-time.Hour), After: "not-an-event", Saved: time.Now()}},
		{"when the cursor is older than Okta keeps events", store.LogCursor{Since: time.Now().Add(-100 * 24 * time.Hour), Saved: time.Now().Add(-100 * 24 * time.Hour)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "prod")
			st := openStore(t, t.TempDir())
			defer st.Close()
			if err := st.SaveLogCursor(w.sim.URL, tc.cursor); err != nil {
				t.Fatal(err)
			}
			p := w.follower(t, st, 10)
			ctx := context.Background()
			p.f.Start(ctx)
			p.f.PollOnce(ctx)
			if p.fullPass != 1 {
				t.Fatalf("%d full passes, want 1", p.fullPass)
			}
			w.edit(t, "prod", 1)
			p.f.PollOnce(ctx)
			if got := p.m.count("system_log/queued"); got != 1 || p.fullPass != 1 {
				t.Errorf("after starting afresh: %d events, %d full passes", got, p.fullPass)
			}
		})
	}
}

func TestFollowerLosesNothingToA429(t *testing.T) {
	w := newWorld(t, "prod")
	st := openStore(t, t.TempDir())
	defer st.Close()
	p := w.follower(t, st, 10)
	ctx := context.Background()
	p.f.Start(ctx)
	w.edit(t, "prod", 2)
	w.sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultStatus, Status: 429, ResetIn: 30 * time.Second})
	p.f.PollOnce(ctx)
	if p.m.count("system_log/error") != 1 || p.m.count("system_log/queued") != 0 {
		t.Fatalf("the rate-limited poll: %v", p.m.events)
	}
	p.f.PollOnce(ctx)
	if got := p.m.count("system_log/queued"); got != 2 {
		t.Errorf("the next poll read %d events, want the 2 the 429 held back", got)
	}
}

func TestFollowerIgnoresAnEventForAnUnknownApp(t *testing.T) {
	w := newWorld(t, "prod")
	w.sim.PutApp(oktasim.NewWandbApp("0oaother", "0oaotherclient", "https://other.wandb.test", false))
	st := openStore(t, t.TempDir())
	defer st.Close()
	p := w.follower(t, st, 10)
	ctx := context.Background()
	p.f.Start(ctx)
	if err := w.sim.AdminEdit("0oaother", func(a *oktasim.App) { a.Label = "not ours" }); err != nil {
		t.Fatal(err)
	}
	p.f.PollOnce(ctx)
	// The later event: an edit of prod's app, seen run.
	if err := w.sim.AdminEdit("0oaprod", func(a *oktasim.App) { a.Label = "ours" }); err != nil {
		t.Fatal(err)
	}
	p.f.PollOnce(ctx)
	eventually(t, "the run of prod", func() bool { return p.r.of("prod") == 1 })
	if p.m.count("system_log/ignored") != 1 || p.m.count("system_log/queued") != 1 || p.r.total() != 1 {
		t.Errorf("events %v, %d runs; want the unknown app's ignored and prod's alone run", p.m.events, p.r.total())
	}
}

func TestTheCursorsSinceFollowsTheNewestEventRead(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		events []time.Time
		want   time.Time
	}{
		{"an empty page keeps since", nil, t0},
		{"since moves to an hour before the newest event", []time.Time{t0.Add(5 * time.Hour), t0.Add(6 * time.Hour)}, t0.Add(5 * time.Hour)},
		{"since never moves back", []time.Time{t0.Add(30 * time.Minute)}, t0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page := source.LogPage{Next: source.LogCursor{Since: t0, After: "u9"}}
			for _, p := range tc.events {
				page.Events = append(page.Events, source.LogEvent{Published: p})
			}
			if got := advanceSince(page); !got.Since.Equal(tc.want) || got.After != "u9" {
				t.Errorf("cursor %+v, want since %s", got, tc.want)
			}
		})
	}
}
