package delivery

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/entitled-dev/entitled"
)

// Outcomes of a delivery attempt, the "outcome" label of
// entitled_deliveries_total.
const (
	outcomeSucceeded = "succeeded"
	outcomeFailed    = "failed"  // final failure
	outcomeRetried   = "retried" // failed, a retry follows
)

// scrapeTimeout bounds the queries run for a metrics scrape.
const scrapeTimeout = 5 * time.Second

type metrics struct {
	e          *Engine
	deliveries *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	queueDepth *prometheus.Desc
	requests   *prometheus.Desc
}

func newMetrics(e *Engine) *metrics {
	return &metrics{
		e: e,
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "entitled_deliveries_total",
			Help: "Delivery attempts by action and outcome (succeeded, failed: final failure, retried: a retry follows).",
		}, []string{"action", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "entitled_delivery_duration_seconds",
			Help:    "Time a connector took for one delivery attempt, by connected system kind.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10), // 1ms … 262s
		}, []string{"system_kind"}),
		queueDepth: prometheus.NewDesc("entitled_queue_depth",
			"Background jobs not yet done (available, scheduled, retryable or running).", nil, nil),
		requests: prometheus.NewDesc("entitled_requests",
			"Assignment requests by state.", []string{"state"}, nil),
	}
}

func (m *metrics) register(r prometheus.Registerer) error {
	cs := []prometheus.Collector{m.deliveries, m.duration, m}
	if m.e.cfg.Health != nil {
		cs = append(cs, newHealthCollector(m.e))
	}
	if m.e.cfg.Drift != nil {
		cs = append(cs, newDriftCollector(m.e))
	}
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			return err
		}
	}
	return nil
}

func (m *metrics) observe(action entitled.DeliveryAction, outcome, systemKind string, took time.Duration) {
	m.deliveries.WithLabelValues(string(action), outcome).Inc()
	m.duration.WithLabelValues(systemKind).Observe(took.Seconds())
}

// Describe implements prometheus.Collector for the gauges read at scrape time.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.queueDepth
	ch <- m.requests
}

// Collect queries the queue depth and the request counts. Each query waits
// for the pool's connection on its own, never inside a transaction.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if n, err := m.e.QueueDepth(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(m.queueDepth, prometheus.GaugeValue, float64(n))
	} else {
		m.e.log.Warn("metrics: cannot count queued jobs", "error", err)
	}
	if m.e.cfg.StateCounts == nil {
		return
	}
	counts, err := m.e.cfg.StateCounts(ctx)
	if err != nil {
		m.e.log.Warn("metrics: cannot count requests by state", "error", err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(m.requests, prometheus.GaugeValue, float64(n), string(state))
	}
}
