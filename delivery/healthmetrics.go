package delivery

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/entitled-dev/entitled"
)

// healthStates are the values of the state label of entitled_system_health.
var healthStates = []entitled.HealthState{entitled.HealthActive, entitled.HealthSuspended, entitled.HealthPaused}

// scrapeGauge is a gauge read from the store at scrape time: read emits
// one value per label set; what names it in the warning logged when the
// read fails.
type scrapeGauge struct {
	e    *Engine
	desc *prometheus.Desc
	what string
	read func(ctx context.Context, emit func(v float64, labels ...string)) error
}

// Describe implements prometheus.Collector.
func (g *scrapeGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

// Collect implements prometheus.Collector.
func (g *scrapeGauge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	err := g.read(ctx, func(v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v, labels...)
	})
	if err != nil {
		g.e.log.Warn("metrics: cannot read "+g.what, "error", err)
	}
}

// newHealthCollector reports entitled_system_health{system,state}: 1 for
// each system's current state, 0 for the others.
func newHealthCollector(e *Engine) *scrapeGauge {
	return &scrapeGauge{e: e, what: "the health of connected systems", desc: prometheus.NewDesc("entitled_system_health",
		"Health of each connected system: 1 for its current state (active, suspended, paused), 0 for the others.",
		[]string{"system", "state"}, nil),
		read: func(ctx context.Context, emit func(float64, ...string)) error {
			recs, err := e.cfg.Health.SystemHealths(ctx)
			for _, r := range recs {
				for _, st := range healthStates {
					v := 0.0
					if r.Health.State == st {
						v = 1
					}
					emit(v, r.Name, string(st))
				}
			}
			return err
		}}
}
