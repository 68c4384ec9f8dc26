package sqlstore

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
)

// Scheduling reconciliations, one at a time per system across replicas: a
// run claims the system's row of reconcile_schedule by moving lease_until
// past the lease with a conditional update, which one caller wins; a
// replica that dies leaves the lease to expire. The periodic run
// (ReconcileDue) also needs next_at to be due, and sets it one interval
// ahead when done.

// reconcileLease is how long a claimed reconciliation is kept from other
// replicas; a run that takes longer may overlap the next one.
const reconcileLease = 15 * time.Minute

// claim claims the system's reconciliation; due requires next_at to have
// come. claimed is false when another run holds it (or it is not due). A
// system seen for the first time is first due one interval later.
func (s *DriftService) claim(ctx context.Context, systemID string, due bool, interval time.Duration) (claimed bool, err error) {
	err = s.db.changeUnlocked(ctx, func(t *tx) error {
		now := t.now()
		if _, err := t.exec(ctx, `INSERT INTO reconcile_schedule (system_id, next_at) VALUES (?, ?) ON CONFLICT (system_id) DO NOTHING`,
			systemID, fmtTime(now.Add(interval))); err != nil {
			return err
		}
		q := `UPDATE reconcile_schedule SET lease_until = ? WHERE system_id = ? AND (lease_until IS NULL OR lease_until <= ?)`
		args := []any{fmtTime(now.Add(reconcileLease)), systemID, fmtTime(now)}
		if due {
			q += ` AND next_at <= ?`
			args = append(args, fmtTime(now))
		}
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// release ends a claim and schedules the next periodic run.
func (s *DriftService) release(ctx context.Context, systemID string, interval time.Duration) error {
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		now := t.now()
		if interval <= 0 {
			interval = entitled.DefaultReconcileInterval // off: kept as a row, never due on its own
		}
		_, err := t.exec(ctx, `UPDATE reconcile_schedule SET lease_until = NULL, last_at = ?, next_at = ? WHERE system_id = ?`,
			fmtTime(now), fmtTime(now.Add(interval)), systemID)
		return err
	})
}

// reconcileClaimed claims the system and reconciles it; a claim held
// elsewhere (or, when due, a system not due yet) is a 409.
func (s *DriftService) reconcileClaimed(ctx context.Context, a *entitled.Actor, systemID string, due bool,
	firstInterval time.Duration) (entitled.ReconcileSummary, error) {
	claimed, err := s.claim(ctx, systemID, due, firstInterval)
	if err != nil {
		return entitled.ReconcileSummary{}, err
	}
	if !claimed {
		return entitled.ReconcileSummary{}, entitled.Conflictf("connected system %s is being reconciled right now", systemID).WithKey("err.drift.running", "System", systemID)
	}
	var sys *entitled.ConnectedSystem
	err = s.db.read(ctx, func(t *tx) (err error) {
		sys, err = t.loadSystem(ctx, systemID)
		return err
	})
	var interval time.Duration
	var sum entitled.ReconcileSummary
	if err == nil {
		cfg, _ := entitled.ParseReconcileConfig(sys.Config[entitled.ReconcileConfigKey])
		interval = cfg.Interval
		sum, err = s.reconcileSystem(ctx, a, sys)
	}
	if rerr := s.release(context.WithoutCancel(ctx), systemID, interval); rerr != nil && err == nil {
		err = rerr
	}
	return sum, err
}

// ReconcileDue reconciles, one after the other, the systems whose kind can
// list members, whose config.reconcile.interval is not off and whose next
// run has come, each claimed so that one replica reconciles it. A failed
// run is logged and retried at the next interval.
func (s *DriftService) ReconcileDue(ctx context.Context) error {
	var systems []*entitled.ConnectedSystem
	err := s.db.read(ctx, func(t *tx) (err error) {
		systems, err = queryRows(ctx, t, `SELECT `+systemCols+` FROM systems ORDER BY id`, nil, t.db.scanSystem)
		return err
	})
	if err != nil {
		return err
	}
	for _, sys := range systems {
		cfg, err := entitled.ParseReconcileConfig(sys.Config[entitled.ReconcileConfigKey])
		if err != nil || cfg.Interval == 0 {
			continue
		}
		if _, _, err := s.lister(sys); err != nil {
			continue
		}
		sum, err := s.reconcileClaimed(ctx, entitled.SystemActor, sys.ID, true, cfg.Interval)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case entitled.ErrorKind(err) == entitled.KindConflict:
			// Not due, or another replica reconciles it.
		case err != nil:
			s.lc.logger.Warn("reconciliation failed; it runs again at the next interval", "system", sys.Name, "error", err.Error())
		default:
			s.lc.logger.Info("reconciled connected system", "system", sys.Name, "managed", sum.Managed,
				"missing", sum.Missing, "unmanaged", sum.Unmanaged, "repaired", sum.Repaired, "removed", sum.Removed)
		}
	}
	return nil
}

// validateConfig checks a system's config: the kind's keys, and
// config.reconcile.
func validateConfig(kind entitled.ConnectorKind, config map[string]any) error {
	if err := kind.Validate(config); err != nil {
		return err
	}
	_, err := entitled.ParseReconcileConfig(config[entitled.ReconcileConfigKey])
	return err
}
