package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/entitled-dev/entitled"
)

// countHealth counts delivery outcomes towards their systems' health
// (entitled.SystemHealth.Apply), in the transaction that records them: a
// transient failure counts, a success or a permanent failure (the system
// answered) resets the count. When nothing failed and no system of the
// batch has a count or a state to reset, it costs one read.
//
// It runs before the outcomes are recorded, so that every transaction
// takes a system's health row before request rows (as a resume does).
func (s *DeliveryService) countHealth(ctx context.Context, t *tx, outcomes []entitled.DeliveryOutcome) error {
	events := map[string]*entitled.HealthEvent{}
	var order []string
	for _, o := range outcomes {
		if o.SystemID == "" {
			continue
		}
		ev := events[o.SystemID]
		if ev == nil {
			ev = &entitled.HealthEvent{Kind: entitled.EventOutcomes}
			events[o.SystemID] = ev
			order = append(order, o.SystemID)
		}
		if o.Err == nil || entitled.ClassOf(o.Err) == entitled.Permanent {
			ev.Succeeded, ev.Failures = true, 0
			continue
		}
		ev.Failures++
		ev.Error = deliveryMessage(o.Err)
	}
	if len(order) == 0 {
		return nil
	}
	// Systems that only succeeded need a change only when they have a
	// count to reset.
	var quiet []any
	var failing []string
	for _, id := range order {
		if events[id].Failures == 0 {
			quiet = append(quiet, id)
		} else {
			failing = append(failing, id)
		}
	}
	if len(quiet) > 0 {
		cond, args, err := s.db.idIn("system_id", quiet)
		if err != nil {
			return err
		}
		troubled, err := idList(ctx, t, `SELECT system_id FROM system_health WHERE failures > 0 AND `+cond, args...)
		if err != nil {
			return fmt.Errorf("system health: %w", err)
		}
		failing = append(failing, troubled...)
	}
	slices.Sort(failing) // one order of row locks for every transaction
	for _, id := range failing {
		sys, err := t.loadSystem(ctx, id)
		if err != nil {
			if ignoreNotFound(err) == nil {
				continue // deleted meanwhile
			}
			return err
		}
		if _, err := s.lc.applyHealth(ctx, t, nil, sys, *events[id]); err != nil {
			return err
		}
	}
	return nil
}
