package daemon

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
)

// An event flood runs each named target on its own; the org-wide objects
// they share (here the trusted origins) must be read once per coalescing
// window, not once per target.
func TestSingleTargetRunsOfABurstReadEachSharedObjectOncePerWindow(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e"}
	f := fixture.New(t, names...)
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		EngineOptions{Now: func() time.Time { return now }, SharedReadWindow: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	origins := func() int {
		n := 0
		for _, r := range f.Sim.Requests() {
			if r.Path == "/api/v1/trustedOrigins" {
				n++
			}
		}
		return n
	}
	for i := range cfg.Targets {
		if res := e.CheckTarget(context.Background(), &cfg.Targets[i]); res.Status != "ok" {
			t.Fatalf("%s: %s %+v", res.Name, res.Status, res.Errors)
		}
	}
	if n := origins(); n != 1 {
		t.Fatalf("%d reads of the trusted origins for %d targets in one window, want 1", n, len(names))
	}
	now = now.Add(time.Second)
	e.CheckTarget(context.Background(), &cfg.Targets[0])
	if n := origins(); n != 2 {
		t.Fatalf("%d reads of the trusted origins after the window turned, want 2", n)
	}
}
