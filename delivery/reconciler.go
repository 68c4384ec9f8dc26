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
		every(rctx, e.cfg.ReconcileCheck, func() {
			if err := e.cfg.Drift.ReconcileDue(rctx); err != nil && rctx.Err() == nil {
				e.log.Error("delivery: cannot look for due reconciliations", "error", err)
			}
		})
	}()
}

// stopReconciling stops the reconciler and waits for it.
func (e *Engine) stopReconciling() {
	if e.stopReconciler != nil {
		e.stopReconciler()
		<-e.reconcilerDone
	}
}

// newDriftCollector reports entitled_drift{system,kind}: the findings of
// each system's latest reconciliation.
func newDriftCollector(e *Engine) *scrapeGauge {
	return &scrapeGauge{e: e, what: "the drift of connected systems", desc: prometheus.NewDesc("entitled_drift",
		"Differences the latest reconciliation of each connected system found, by kind (missing, unmanaged).",
		[]string{"system", "kind"}, nil),
		read: func(ctx context.Context, emit func(float64, ...string)) error {
			counts, err := e.cfg.Drift.DriftCounts(ctx)
			for k, n := range counts {
				emit(float64(n), k[0], k[1])
			}
			return err
		}}
}
