package api

import (
	"net/http"
	"testing"

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
