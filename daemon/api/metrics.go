package api

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are driftd's Prometheus metrics, all prefixed driftd_.
type Metrics struct {
	Registry       *prometheus.Registry
	targetStatus   *prometheus.GaugeVec
	findings       *prometheus.GaugeVec
	passDuration   prometheus.Histogram
	oktaRequests   *prometheus.CounterVec
	oktaRemaining  *prometheus.GaugeVec
	terraformRuns  *prometheus.CounterVec
	lastSuccess    *prometheus.GaugeVec
	runsInProgress prometheus.Gauge
	configReloads  *prometheus.CounterVec
	mu             sync.Mutex
	// limitedSince is, per org, when Okta began answering 429 with no other
	// answer since: a long rate limit is an outage, never silence.
	limitedSince map[string]time.Time
	now          func() time.Time
	// Events are the change-event metrics (event_metrics.go).
	Events *EventMetrics
}

// NewMetrics registers driftd's metrics on a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		now:          time.Now,
		limitedSince: map[string]time.Time{},
		Registry:     prometheus.NewRegistry(),
		targetStatus: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "driftd_target_status",
			Help: "1 for the target's current status (ok, drift, error), 0 for the others."}, []string{"target", "status"}),
		findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "driftd_open_findings",
			Help: "Open findings by target, check and severity."}, []string{"target", "check", "severity"}),
		passDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "driftd_pass_duration_seconds",
			Help: "Duration of one target's pass.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		oktaRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "driftd_okta_requests_total",
			Help: "Okta API requests by org and HTTP status code (0: no answer)."}, []string{"org", "code"}),
		oktaRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "driftd_okta_rate_limit_remaining",
			Help: "X-Rate-Limit-Remaining of the org's last Okta answer."}, []string{"org"}),
		terraformRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "driftd_terraform_runs_total",
			Help: "Terraform remediation outcomes by action."}, []string{"action"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "driftd_last_successful_pass_timestamp_seconds",
			Help: "When the target was last observed without an error."}, []string{"target"}),
		runsInProgress: prometheus.NewGauge(prometheus.GaugeOpts{Name: "driftd_runs_in_progress", Help: "Runs in progress."}),
		configReloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "driftd_config_reloads_total",
			Help: "Config reloads on SIGHUP by result."}, []string{"result"}),
	}
	m.Registry.MustRegister(m.targetStatus, m.findings, m.passDuration, m.oktaRequests, m.oktaRemaining, rateLimited{m},
		m.terraformRuns, m.lastSuccess, m.runsInProgress, m.configReloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Events = registerEventMetrics(m.Registry)
	return m
}

// ObserveResult updates the per-target gauges after a run.
func (m *Metrics) ObserveResult(res *report.TargetResult, seconds float64) {
	m.passDuration.Observe(seconds)
	for _, s := range []string{report.StatusOK, report.StatusDrift, report.StatusError} {
		v := 0.0
		if res.Status == s {
			v = 1
		}
		m.targetStatus.WithLabelValues(res.Name, s).Set(v)
	}
	m.findings.DeletePartialMatch(prometheus.Labels{"target": res.Name})
	for _, f := range res.Findings {
		m.findings.WithLabelValues(res.Name, f.Check, string(f.Severity)).Inc()
	}
	if res.Status != report.StatusError {
		m.lastSuccess.WithLabelValues(res.Name).Set(float64(res.ObservedAt.Unix()))
	}
	if res.Remediation != nil && res.Remediation.Action != report.ActionNone {
		m.terraformRuns.WithLabelValues(res.Remediation.Action).Inc()
	}
}

// ObserveOkta counts an Okta answer and records the rate-limit headroom.
func (m *Metrics) ObserveOkta(req *http.Request, resp *http.Response, err error) {
	if !strings.Contains(req.URL.Path, "/api/v1/") {
		return
	}
	// Each org has its own rate limit, so each has its own series.
	org := req.URL.Scheme + "://" + req.URL.Host
	if err != nil || resp == nil {
		m.oktaRequests.WithLabelValues(org, "0").Inc()
		return
	}
	m.oktaRequests.WithLabelValues(org, strconv.Itoa(resp.StatusCode)).Inc()
	m.mu.Lock()
	switch _, limited := m.limitedSince[org]; {
	case resp.StatusCode != http.StatusTooManyRequests:
		delete(m.limitedSince, org)
	case !limited:
		m.limitedSince[org] = m.now()
	}
	m.mu.Unlock()
	if v, err := strconv.ParseFloat(resp.Header.Get("X-Rate-Limit-Remaining"), 64); err == nil {
		m.oktaRemaining.WithLabelValues(org).Set(v)
	}
}

// rateLimited exports driftd_okta_rate_limited_seconds{org}: how long each
// org has been answering only 429, computed when scraped.
type rateLimited struct{ m *Metrics }

var rateLimitedDesc = prometheus.NewDesc("driftd_okta_rate_limited_seconds",
	"Seconds since the org's Okta began answering 429 with no other answer since (absent or 0: not rate limited).", []string{"org"}, nil)

func (r rateLimited) Describe(ch chan<- *prometheus.Desc) { ch <- rateLimitedDesc }

func (r rateLimited) Collect(ch chan<- prometheus.Metric) {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	for org, since := range r.m.limitedSince {
		ch <- prometheus.MustNewConstMetric(rateLimitedDesc, prometheus.GaugeValue, r.m.now().Sub(since).Seconds(), org)
	}
}

// RunStarted counts a run in progress until the returned func is called.
func (m *Metrics) RunStarted() (done func()) {
	m.runsInProgress.Inc()
	return m.runsInProgress.Dec
}

// ConfigReloaded counts a config reload by result ("ok" or "error").
func (m *Metrics) ConfigReloaded(result string) {
	m.configReloads.WithLabelValues(result).Inc()
}
