package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
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
