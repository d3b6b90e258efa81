package daemon

import (
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
