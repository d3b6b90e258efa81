package api

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// RegisterBuildInfo adds driftd_build_info{version, goversion}, always 1,
// the convention Prometheus's own exporters follow, so dashboards can join
// a version onto any other series.
func (m *Metrics) RegisterBuildInfo(version string) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "driftd_build_info",
		Help:        "A metric with a constant 1 labeled by driftd's version and the Go version it was built with.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	g.Set(1)
	m.Registry.MustRegister(g)
}

// OutboxCounter counts the outbox's queued items by notifier.
type OutboxCounter func() (map[string]int, error)

// RegisterOutboxPending adds driftd_outbox_pending{notifier}: the alerts
// queued and not yet accepted by their service, read at each scrape. A
// count that stays up means a notifier cannot deliver (the chart's
// DriftdOutboxBacklog rule).
func (m *Metrics) RegisterOutboxPending(count OutboxCounter) {
	m.Registry.MustRegister(&outboxCollector{count: count, desc: prometheus.NewDesc("driftd_outbox_pending",
		"Alerts queued in the outbox and not yet delivered, by notifier.", []string{"notifier"}, nil)})
}

type outboxCollector struct {
	count OutboxCounter
	desc  *prometheus.Desc
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect reports nothing when the store cannot be read: a missing series
// is honest, a zero would say the outbox is empty.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	counts, err := c.count()
	if err != nil {
		return
	}
	for notifier, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), notifier)
	}
}
