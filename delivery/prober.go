package delivery

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/logattr"
)

// Every replica looks for suspended systems whose probe is due every
// ProbeInterval; the store hands each due system to one replica only
// (ClaimProbes leases it in the database), so one prober at a time probes
// a system, whichever replicas run, and a prober that dies mid-probe
// leaves the lease to expire.

// probeLease is how long a claimed probe is kept from other replicas
// beyond the time one probe may take (JobTimeout).
const probeLease = 10 * time.Second

// runProber probes due systems until ctx ends.
func (e *Engine) runProber(ctx context.Context) {
	defer close(e.proberDone)
	every(ctx, e.cfg.ProbeInterval, func() { e.probeDue(ctx) })
}

// every runs fn every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fn()
		}
	}
}

// probeDue claims the probes due and runs them one after the other.
func (e *Engine) probeDue(ctx context.Context) {
	works, err := e.cfg.Health.ClaimProbes(ctx, e.cfg.JobTimeout+probeLease)
	if err != nil {
		if ctx.Err() == nil {
			e.log.Error("delivery: cannot claim the probes of suspended systems", "error", err)
		}
	}
	for _, w := range works {
		if ctx.Err() != nil {
			return // the lease expires; another start probes it
		}
		e.probeOne(ctx, w)
	}
}

// probeOne probes one system — with its connection check, else by
// attempting one of its waiting deliveries — and records the result: a
// success resumes the system (the store wakes its deliveries), a failure
// schedules the next probe. A delivery used to probe is recorded when it
// succeeded or failed permanently (the system answered); a transient
// failure spends none of its attempts.
func (e *Engine) probeOne(ctx context.Context, w entitled.ProbeWork) {
	start := time.Now()
	pctx, cancel := context.WithTimeout(ctx, e.cfg.JobTimeout)
	how, err := e.probe(pctx, w)
	cancel()
	if ctx.Err() != nil {
		return
	}
	answered := err == nil || entitled.ClassOf(err) == entitled.Permanent
	var probeErr error
	if !answered {
		probeErr = err
	}
	attrs := []any{"system", w.System.Name, "by", how, logattr.Duration(time.Since(start))}
	if rerr := e.cfg.Health.RecordProbe(ctx, w.System.ID, probeErr); rerr != nil {
		e.log.Error("delivery: cannot record the probe of a suspended system", append(attrs, "error", rerr)...)
		return
	}
	e.health.invalidate()
	if !answered {
		e.log.Warn("probe of a suspended system failed", append(attrs, "error", err.Error())...)
		return
	}
	e.log.Info("probe of a suspended system succeeded; it resumes", attrs...)
	if w.Delivery == nil {
		return
	}
	d := w.Delivery.Delivery
	o := entitled.DeliveryOutcome{DeliveryID: d.ID, Run: d.Run, Err: err, Final: true, At: time.Now().UTC(), SystemID: w.System.ID}
	if rerr := e.record(ctx, []entitled.DeliveryOutcome{o}); rerr != nil && !gone(rerr) {
		e.log.Warn("delivery: cannot record the delivery used as a probe; it runs again", "delivery", d.ID, "error", rerr)
	}
}

// probe runs the probe of w and says how.
func (e *Engine) probe(ctx context.Context, w entitled.ProbeWork) (string, error) {
	conn, err := e.cfg.Connectors.For(&w.System)
	if err != nil {
		return "connector", entitled.TransientErrorf("connected system %s: %v", w.System.Name, err)
	}
	if c, ok := conn.(entitled.Checker); ok {
		return "connection check", c.Check(ctx)
	}
	if w.Delivery == nil {
		// Nothing waits to try it with: resume, and let the next delivery
		// try it (its failures count again).
		return "nothing to probe with", nil
	}
	return "delivery " + w.Delivery.Delivery.ID, applyOne(ctx, conn, w.Delivery)
}
