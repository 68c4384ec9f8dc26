package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/entitled-dev/entitled"
)

// Probing suspended systems and what a resume starts. One prober at a time
// per system, across replicas: a probe is claimed by moving the system's
// next_probe_at past the lease with a conditional update, which only one
// caller wins; a prober that dies leaves the claim to expire.

// ClaimProbes claims the suspended systems whose probe is due, for lease
// (entitled.HealthEngine). Each comes with a delivery to probe with
// (one that waits) unless its connector has a connection check.
func (s *SystemHealthService) ClaimProbes(ctx context.Context, lease time.Duration) ([]entitled.ProbeWork, error) {
	now := s.db.now()
	var due []string
	err := s.db.read(ctx, func(t *tx) (err error) {
		due, err = idList(ctx, t, `SELECT system_id FROM system_health WHERE state = ? AND next_probe_at <= ?`,
			string(entitled.HealthSuspended), fmtTime(now))
		return err
	})
	if err != nil || len(due) == 0 {
		return nil, err
	}
	var out []entitled.ProbeWork
	for _, id := range due {
		claimed := false
		err := s.db.changeUnlocked(ctx, func(t *tx) error {
			res, err := t.exec(ctx, `UPDATE system_health SET next_probe_at = ? WHERE system_id = ? AND state = ? AND next_probe_at <= ?`,
				fmtTime(now.Add(lease)), id, string(entitled.HealthSuspended), fmtTime(now))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			claimed = n == 1
			return err
		})
		if err != nil {
			return out, fmt.Errorf("claim probe of system %s: %w", id, err)
		}
		if !claimed {
			continue // another replica probes it
		}
		w, err := s.probeWork(ctx, id)
		if err != nil {
			return out, err
		}
		if w != nil {
			out = append(out, *w)
		}
	}
	return out, nil
}

// probeWork loads a claimed system with, unless its connector can check its
// connection, one of its waiting deliveries.
func (s *SystemHealthService) probeWork(ctx context.Context, systemID string) (*entitled.ProbeWork, error) {
	var w *entitled.ProbeWork
	var runs []entitled.DeliveryRun
	err := s.db.read(ctx, func(t *tx) error {
		sys, err := t.loadSystem(ctx, systemID)
		if err != nil {
			return ignoreNotFound(err)
		}
		w = &entitled.ProbeWork{System: *sys}
		if s.connectors != nil {
			if conn, err := s.connectors.For(sys); err == nil {
				if _, ok := conn.(entitled.Checker); ok {
					return nil
				}
			}
		}
		rows, err := t.query(ctx, `SELECT id, run FROM deliveries WHERE system_id = ? AND `+openDeliveryCond+` LIMIT 1`, systemID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r entitled.DeliveryRun
			if err := rows.Scan(&r.ID, &r.Run); err != nil {
				return err
			}
			runs = append(runs, r)
		}
		return rows.Err()
	})
	if err != nil || w == nil || len(runs) == 0 {
		return w, err
	}
	works, err := s.deliveries.DeliveryWorks(ctx, runs)
	if err != nil {
		return nil, err
	}
	w.Delivery = works[0]
	return w, nil
}

// RecordProbe records the result of a probe (entitled.HealthEngine): a
// success resumes the system, a failure schedules the next probe.
func (s *SystemHealthService) RecordProbe(ctx context.Context, systemID string, perr error) error {
	ev := entitled.HealthEvent{Kind: entitled.EventProbe, Succeeded: perr == nil}
	if perr != nil {
		ev.Error = deliveryMessage(perr)
	}
	return s.db.changeLifecycle(ctx, func(t *tx) error {
		sys, err := t.loadSystem(ctx, systemID)
		if err != nil {
			return ignoreNotFound(err)
		}
		_, err = s.lc.applyHealth(ctx, t, nil, sys, ev)
		return err
	})
}

// resumed starts what a resume of sys starts, in its transaction: the
// deliveries to it that failed transiently since c.RetryFailedSince run
// again — through a reprocess, by the system, of their requests — and the
// engine wakes the deliveries that wait for it (JobWakeSystem).
func (lc *lifecycle) resumed(ctx context.Context, t *tx, sys *entitled.ConnectedSystem, c entitled.HealthChange) error {
	if c.RetryFailedSince != nil {
		ids, err := idList(ctx, t, `SELECT DISTINCT request_id FROM deliveries WHERE system_id = ? AND status = 'failed'
			AND completed_at >= ? AND last_error_class = ?`, sys.ID, fmtTime(*c.RetryFailedSince), string(entitled.Transient))
		if err != nil {
			return fmt.Errorf("deliveries to retry: %w", err)
		}
		slices.Sort(ids) // lock requests in one order
		for _, id := range ids {
			if err := lc.retryAfterResume(ctx, t, id); err != nil {
				return err
			}
		}
	}
	return lc.enqueue(ctx, t, entitled.Job{Kind: entitled.JobWakeSystem, SystemID: sys.ID})
}

// retryAfterResume re-runs the failed deliveries of a request after a
// resume: a failed request through the reprocess rule
// (entitled.AssignmentRequest.CheckReprocess), one still delivering at
// once; a request that is neither (canceled, reprocessed past its window)
// is left alone.
func (lc *lifecycle) retryAfterResume(ctx context.Context, t *tx, requestID string) error {
	q, err := t.lockRequest(ctx, requestID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if q.State != entitled.StateDelivering {
		if err := q.CheckReprocess(t.now(), lc.reprocessWindow); err != nil {
			lc.logger.Info("a delivery that failed before its system was suspended is not run again", "request", q.ID, "reason", err.Error())
			return nil
		}
	}
	return lc.redeliverFailed(ctx, t, entitled.SystemActor, q)
}
