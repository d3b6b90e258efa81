package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
)

func TestJitterIsAtMostATenthOfTheInterval(t *testing.T) {
	for spec, want := range map[string]time.Duration{
		"@every 1s": 100 * time.Millisecond, "@every 10s": time.Second, "@every 5m": 30 * time.Second,
		"*/5 * * * *": 30 * time.Second, "@hourly": 6 * time.Minute,
	} {
		s, err := config.CronParser.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := jitterBound(s); got != want {
			t.Errorf("%s: jitter bound %s, want %s", spec, got, want)
		}
	}
}

func TestReloadNamesWhatNeedsARestart(t *testing.T) {
	base := config.Config{StateDir: "/var/lib/driftd", Retention: 10, Server: config.ServerConfig{Listen: "127.0.0.1:8080"}}
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   string
	}{
		{name: "a new schedule needs no restart", change: func(c *config.Config) { c.Schedule = "@every 1m" }, want: ""},
		{name: "a new listen address needs a restart", change: func(c *config.Config) { c.Server.Listen = "127.0.0.1:9090" }, want: "server.listen"},
		{name: "a new state_dir needs a restart", change: func(c *config.Config) { c.StateDir = "/tmp/other" }, want: "state_dir"},
		{name: "a new retention needs a restart", change: func(c *config.Config) { c.Retention = 5 }, want: "retention"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := base
			tc.change(&next)
			if got := strings.Join(needRestart(&base, &next), ","); got != tc.want {
				t.Fatalf("needRestart = %q, want %q", got, tc.want)
			}
		})
	}
}

// nextRuns is every target's next scheduled run.
func nextRuns(d *Daemon) map[string]time.Time {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := map[string]time.Time{}
	for name, id := range d.entries {
		out[name] = d.cron.Entry(id).Next
	}
	return out
}

func TestAReloadKeepsTheNextRunOfEveryTargetWhoseScheduleIsUnchanged(t *testing.T) {
	f := fixture.New(t, "prod", "staging")
	load := func(staging string) *config.Config {
		cfg, err := config.LoadConfig(f.Cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Schedule = "@every 1h"
		cfg.Targets[1].Schedule = staging
		return cfg
	}
	d := scheduledDaemon(t, load(""), nil)
	before := nextRuns(d)
	if before["prod"].IsZero() || before["staging"].IsZero() {
		t.Fatalf("no next runs: %v", before)
	}
	// Once the clock's second has turned, a schedule rebuilt by the reload
	// would put its next run at least a second later.
	s0 := time.Now().Truncate(time.Second)
	eventually(t, "the next second", func() bool { return time.Now().Truncate(time.Second).After(s0) })
	if err := d.load(context.Background(), load("")); err != nil {
		t.Fatal(err)
	}
	if after := nextRuns(d); !after["prod"].Equal(before["prod"]) || !after["staging"].Equal(before["staging"]) {
		t.Fatalf("an identical reload moved the next runs from %v to %v", before, after)
	}
	if err := d.load(context.Background(), load("@every 2h")); err != nil {
		t.Fatal(err)
	}
	after := nextRuns(d)
	if !after["prod"].Equal(before["prod"]) {
		t.Errorf("a reload that changed only staging's schedule moved prod's next run from %v to %v", before["prod"], after["prod"])
	}
	if !after["staging"].After(before["staging"]) {
		t.Errorf("staging's new schedule kept its old next run %v", after["staging"])
	}
}
