package api

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestMetricsShowHowLongOktaHasBeenRateLimiting(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 0, 10, 0, 0, time.UTC)
	now := t0
	m := NewMetrics()
	m.now = func() time.Time { return now }
	req := &http.Request{URL: &url.URL{Path: "/api/v1/apps/0oa1"}}
	answer := func(code int) { m.ObserveOkta(req, &http.Response{StatusCode: code, Header: http.Header{}}, nil) }
	steps := []struct {
		name   string
		answer int // 0: no answer, only time passes
		after  time.Duration
		want   float64
	}{
		{"before any 429 the gauge is 0", 200, 0, 0},
		{"a 429 starts the clock", 429, 0, 0},
		{"while no answer comes (the budget holds requests) it keeps counting", 0, 5 * time.Minute, 300},
		{"more 429s do not restart it", 429, 10 * time.Minute, 600},
		{"any other answer ends it", 200, 11 * time.Minute, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			now = t0.Add(s.after)
			if s.answer != 0 {
				answer(s.answer)
			}
			if got := gauge(t, m, "driftd_okta_rate_limited_seconds"); got != s.want {
				t.Fatalf("driftd_okta_rate_limited_seconds = %v, want %v", got, s.want)
			}
		})
	}
}

// gauge reads a gauge from the registry as /metrics would.
func gauge(t *testing.T, m *Metrics, name string) float64 {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
