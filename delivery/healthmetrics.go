package delivery

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/entitled-dev/entitled"
)

// healthStates are the values of the state label of entitled_system_health.
var healthStates = []entitled.HealthState{entitled.HealthActive, entitled.HealthSuspended, entitled.HealthPaused}

// healthCollector reports entitled_system_health{system,state}: 1 for each
// system's current state, 0 for the others, read at scrape time.
type healthCollector struct {
	e    *Engine
	desc *prometheus.Desc
}

func newHealthCollector(e *Engine) *healthCollector {
	return &healthCollector{e: e, desc: prometheus.NewDesc("entitled_system_health",
		"Health of each connected system: 1 for its current state (active, suspended, paused), 0 for the others.",
		[]string{"system", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *healthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *healthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	recs, err := c.e.cfg.Health.SystemHealths(ctx)
	if err != nil {
		c.e.log.Warn("metrics: cannot read the health of connected systems", "error", err)
		return
	}
	for _, r := range recs {
		for _, st := range healthStates {
			v := 0.0
			if r.Health.State == st {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, r.Name, string(st))
		}
	}
}
