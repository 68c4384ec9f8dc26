package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Reading, pausing and resuming the health of connected systems, for those
// who manage systems (OpManageSystems); and the waiting reason of
// deliveries.

// openDeliveryCond selects the deliveries that are not final, in the
// words of the deliveries_open_system index.
const openDeliveryCond = `status IN ('pending', 'running')`

// loadHealths fills in the Health of systems, with the count of their
// waiting deliveries for those not active.
func (s *SystemService) loadHealths(ctx context.Context, t *tx, list []*entitled.ConnectedSystem) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]any, len(list))
	byID := make(map[string]*entitled.ConnectedSystem, len(list))
	for i, sys := range list {
		ids[i] = sys.ID
		byID[sys.ID] = sys
		sys.Health = &entitled.SystemHealth{State: entitled.HealthActive}
	}
	cond, args, err := s.db.idIn("h.system_id", ids)
	if err != nil {
		return err
	}
	rows, err := t.query(ctx, `SELECT `+healthCols+` FROM system_health h WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("load system health: %w", err)
	}
	var waiting []any
	for rows.Next() {
		id, h, err := scanHealth(rows)
		if err != nil {
			rows.Close()
			return err
		}
		*byID[id].Health = h
		if h.State != entitled.HealthActive {
			waiting = append(waiting, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(waiting) == 0 {
		return err
	}
	cond, args, err = s.db.idIn("system_id", waiting)
	if err != nil {
		return err
	}
	rows, err = t.query(ctx, `SELECT system_id, COUNT(*) FROM deliveries WHERE `+openDeliveryCond+` AND `+cond+` GROUP BY system_id`, args...)
	if err != nil {
		return fmt.Errorf("count waiting deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		byID[id].Health.WaitingDeliveries = n
	}
	return rows.Err()
}

// markWaiting sets the Waiting reason of the deliveries that are not final
// and go to a system that is not active.
func (t *tx) markWaiting(ctx context.Context, ds []entitled.Delivery) error {
	var ids []any
	seen := map[string]bool{}
	for _, d := range ds {
		if !d.Status.IsFinal() && !seen[d.SystemID] {
			seen[d.SystemID] = true
			ids = append(ids, d.SystemID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	cond, args, err := t.db.idIn("h.system_id", ids)
	if err != nil {
		return err
	}
	rows, err := t.query(ctx, `SELECT `+healthCols+`, s.name FROM system_health h JOIN systems s ON s.id = h.system_id
		WHERE h.state <> 'active' AND `+cond, args...)
	if err != nil {
		return fmt.Errorf("load system health: %w", err)
	}
	defer rows.Close()
	reasons := map[string]entitled.Text{}
	for rows.Next() {
		var name string
		id, h, err := scanHealth(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &name)...) }))
		if err != nil {
			return err
		}
		reasons[id] = h.WaitingText(name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range ds {
		if !ds[i].Status.IsFinal() {
			ds[i].Waiting, ds[i].WaitingText = reasons[ds[i].SystemID].Message, reasons[ds[i].SystemID]
		}
	}
	return nil
}

// scanFunc adapts a function to scanner.
type scanFunc func(dest ...any) error

// Scan implements scanner.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// PauseSystem pauses a connected system (OpManageSystems): its deliveries
// wait, it is not probed, until ResumeSystem. 409 when already paused.
func (s *SystemService) PauseSystem(ctx context.Context, id string) (*entitled.ConnectedSystem, error) {
	return s.changeHealth(ctx, id, entitled.EventPause)
}

// ResumeSystem resumes a paused or suspended system (OpManageSystems): its
// waiting deliveries run, and so do those that failed transiently shortly
// before an automatic suspension. 409 when it is active.
func (s *SystemService) ResumeSystem(ctx context.Context, id string) (*entitled.ConnectedSystem, error) {
	return s.changeHealth(ctx, id, entitled.EventResume)
}

// changeHealth applies an administrator's pause or resume.
func (s *SystemService) changeHealth(ctx context.Context, id string, kind entitled.HealthEventKind) (*entitled.ConnectedSystem, error) {
	var out *entitled.ConnectedSystem
	err := s.db.changeAuthorized(ctx, entitled.OpManageSystems, "", func(t *tx, a *entitled.Actor) error {
		sys, err := s.findSystem(ctx, t, id)
		if err != nil {
			return err
		}
		by := a.User.UserPrincipalName
		if by == "" {
			by = a.User.DisplayName
		}
		if _, err := s.lc.applyHealth(ctx, t, a, sys, entitled.HealthEvent{Kind: kind, By: by}); err != nil {
			if e, ok := err.(*entitled.Error); ok {
				e.Message = "connected system " + sys.Name + ": " + e.Message
			}
			return err
		}
		out = s.redacted(sys)
		list := []*entitled.ConnectedSystem{out}
		if err := s.loadHealths(ctx, t, list); err != nil {
			return err
		}
		return t.loadSystemCatalogs(ctx, list)
	})
	return out, err
}

// SystemHealths returns the health of every connected system with its name
// (entitled.HealthEngine), for the engine's cache, metrics and /healthz.
func (s *SystemHealthService) SystemHealths(ctx context.Context) ([]entitled.SystemHealthRecord, error) {
	var out []entitled.SystemHealthRecord
	err := s.db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT s.id, s.name, COALESCE(h.state, 'active'), COALESCE(h.since, ''), COALESCE(h.reason, ''),
			COALESCE(h.failures, 0) FROM systems s LEFT JOIN system_health h ON h.system_id = s.id ORDER BY s.name`)
		if err != nil {
			return fmt.Errorf("system health: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r entitled.SystemHealthRecord
			var state, since string
			if err := rows.Scan(&r.SystemID, &r.Name, &state, &since, &r.Health.Reason, &r.Health.Failures); err != nil {
				return err
			}
			r.Health.State = entitled.HealthState(state)
			if since != "" {
				r.Health.Since = parseTime(since)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}
