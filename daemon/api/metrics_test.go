package api

import (
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

func TestOktaMetricsAreLabelledByOrg(t *testing.T) {
	m := NewMetrics()
	answer := func(org string, code int, remaining string) {
		req, _ := http.NewRequest(http.MethodGet, org+"/api/v1/apps/0oa1", nil)
		resp := &http.Response{StatusCode: code, Header: http.Header{"X-Rate-Limit-Remaining": {remaining}}}
		m.ObserveOkta(req, resp, nil)
	}
	answer("https://acme.okta.com", 200, "590")
	answer("https://other.okta.com", 429, "0")
	answer("https://acme.okta.com", 200, "589")
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			key := f.GetName() + labels(s)
			if c := s.GetCounter(); c != nil {
				got[key] = c.GetValue()
			}
			if g := s.GetGauge(); g != nil {
				got[key] = g.GetValue()
			}
		}
	}
	for key, want := range map[string]float64{
		"driftd_okta_requests_total{code=200,org=https://acme.okta.com}":  2,
		"driftd_okta_requests_total{code=429,org=https://other.okta.com}": 1,
		"driftd_okta_rate_limit_remaining{org=https://acme.okta.com}":     589,
		"driftd_okta_rate_limit_remaining{org=https://other.okta.com}":    0,
	} {
		t.Run(key+" is counted on its own", func(t *testing.T) {
			if v, ok := got[key]; !ok || v != want {
				t.Errorf("got %v (present %v), want %v; all: %v", v, ok, want, got)
			}
		})
	}
}

func labels(m *dto.Metric) string {
	s := "{"
	for i, l := range m.GetLabel() {
		if i > 0 {
			s += ","
		}
		s += l.GetName() + "=" + l.GetValue()
	}
	return s + "}"
}

func TestMetricsShowHowLongOktaHasBeenRateLimiting(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 0, 10, 0, 0, time.UTC)
	now := t0
	m := NewMetrics()
	m.now = func() time.Time { return now }
	req, _ := http.NewRequest(http.MethodGet, "https://acme.okta.com/api/v1/apps/0oa1", nil)
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

// gauge reads a gauge from the registry as /metrics would; an absent
// series reads 0.
func gauge(t *testing.T, m *Metrics, name string) float64 {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) > 0 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return 0
}
