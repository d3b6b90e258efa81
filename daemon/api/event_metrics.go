package api

import "github.com/prometheus/client_golang/prometheus"

// EventMetrics are the change-event metrics: events by source and result,
// the System Log follower's lag, and detection latency (an event's
// publication to its run's verdict).
type EventMetrics struct {
	events    *prometheus.CounterVec
	lag       prometheus.Gauge
	detection prometheus.Histogram
}

func registerEventMetrics(reg *prometheus.Registry) *EventMetrics {
	m := &EventMetrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "driftd_events_total",
			Help: "Okta change events by source (system_log, event_hook) and result (queued, ignored, duplicate, error)."},
			[]string{"source", "result"}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "driftd_event_lag_seconds",
			Help: "How far behind now the System Log follower has read, after its last poll."}),
		detection: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "driftd_detection_seconds",
			Help:    "From an Okta event's published time to the verdict of the run it triggered.",
			Buckets: []float64{0.25, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300}}),
	}
	reg.MustRegister(m.events, m.lag, m.detection)
	return m
}

// Event counts one event by source and result.
func (m *EventMetrics) Event(source, result string) { m.events.WithLabelValues(source, result).Inc() }

// Lag sets the follower's lag.
func (m *EventMetrics) Lag(seconds float64) { m.lag.Set(seconds) }

// Detected observes one detection latency.
func (m *EventMetrics) Detected(seconds float64) { m.detection.Observe(seconds) }
