package delivery

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

)

// Every replica looks for connected systems whose reconciliation is due
// every ReconcileCheck; the store hands each due system to one replica
// only (it leases it in the database), so one reconciler at a time
// reconciles a system, whichever replicas run (docs/operations.md "Drift").

// DefaultReconcileCheck is how often a replica looks for due
// reconciliations.
const DefaultReconcileCheck = time.Minute

// startReconciler starts the periodic reconciliations, until
// stopReconciling.
func (e *Engine) startReconciler(ctx context.Context) {
	if e.cfg.Drift == nil {
		return
	}
	if e.cfg.ReconcileCheck <= 0 {
		e.cfg.ReconcileCheck = DefaultReconcileCheck
	}
	rctx, cancel := context.WithCancel(ctx)
	e.stopReconciler, e.reconcilerDone = cancel, make(chan struct{})
	go func() {
		defer close(e.reconcilerDone)
		tick := time.NewTicker(e.cfg.ReconcileCheck)
		defer tick.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-tick.C:
				if err := e.cfg.Drift.ReconcileDue(rctx); err != nil && rctx.Err() == nil {
					e.log.Error("delivery: cannot look for due reconciliations", "error", err)
				}
			}
		}
	}()
}

// stopReconciling stops the reconciler and waits for it.
func (e *Engine) stopReconciling() {
	if e.stopReconciler != nil {
		e.stopReconciler()
		<-e.reconcilerDone
	}
}

// driftCollector reports entitled_drift{system,kind}: the findings of each
// system's latest reconciliation, read at scrape time.
type driftCollector struct {
	e    *Engine
	desc *prometheus.Desc
}

func newDriftCollector(e *Engine) *driftCollector {
	return &driftCollector{e: e, desc: prometheus.NewDesc("entitled_drift",
		"Differences the latest reconciliation of each connected system found, by kind (missing, unmanaged).",
		[]string{"system", "kind"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *driftCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *driftCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := c.e.cfg.Drift.DriftCounts(ctx)
	if err != nil {
		c.e.log.Warn("metrics: cannot read the drift of connected systems", "error", err)
		return
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

