package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// The health of connected systems (entitled.SystemHealth) lives in the
// system_health table, one row per system that ever had trouble; a system
// without a row is active. Every change loads the row (locked on
// PostgreSQL), applies entitled.SystemHealth.Apply and writes it back with
// its audit event, in the transaction of the event that caused it.

// healthCols are the columns of system_health, in scanHealth's order.
const healthCols = `h.system_id, h.state, h.since, h.reason, h.failures, h.last_error, h.suspended_at, h.probe_failures,
	h.last_probe_at, h.next_probe_at, h.paused_by`

// scanHealth reads a row of healthCols.
func scanHealth(r scanner) (string, entitled.SystemHealth, error) {
	var id, state string
	var h entitled.SystemHealth
	var since, suspended, lastProbe, nextProbe sql.NullString
	if err := r.Scan(&id, &state, &since, &h.Reason, &h.Failures, &h.LastError, &suspended, &h.ProbeFailures,
		&lastProbe, &nextProbe, &h.PausedBy); err != nil {
		return "", h, err
	}
	h.State = entitled.HealthState(state)
	if p := parseTimePtr(since); p != nil {
		h.Since = *p
	}
	h.SuspendedAt, h.LastProbe, h.NextProbe = parseTimePtr(suspended), parseTimePtr(lastProbe), parseTimePtr(nextProbe)
	return id, h, nil
}

// lockHealth loads a system's health for a change, locking its row until
// the transaction ends (the row is created first when missing, so that
// the lock holds on PostgreSQL).
func (t *tx) lockHealth(ctx context.Context, systemID string) (entitled.SystemHealth, error) {
	if _, err := t.exec(ctx, `INSERT INTO system_health (system_id) VALUES (?) ON CONFLICT (system_id) DO NOTHING`, systemID); err != nil {
		return entitled.SystemHealth{}, fmt.Errorf("system health: %w", err)
	}
	_, h, err := scanHealth(t.queryRow(ctx, `SELECT `+healthCols+` FROM system_health h WHERE h.system_id = ?`+t.db.forUpdate(), systemID))
	if err != nil {
		return h, fmt.Errorf("system health of %s: %w", systemID, err)
	}
	return h, nil
}

// saveHealth writes a system's health.
func saveHealth(ctx context.Context, t *tx, systemID string, h entitled.SystemHealth) error {
	var since any
	if !h.Since.IsZero() {
		since = fmtTime(h.Since)
	}
	_, err := t.exec(ctx, `UPDATE system_health SET state = ?, since = ?, reason = ?, failures = ?, last_error = ?, suspended_at = ?,
		probe_failures = ?, last_probe_at = ?, next_probe_at = ?, paused_by = ? WHERE system_id = ?`,
		string(h.State), since, h.Reason, h.Failures, h.LastError, fmtTimePtr(h.SuspendedAt), h.ProbeFailures,
		fmtTimePtr(h.LastProbe), fmtTimePtr(h.NextProbe), h.PausedBy, systemID)
	if err != nil {
		return fmt.Errorf("save system health: %w", err)
	}
	return nil
}

// applyHealth applies an event to a system's health under its row lock,
// persists the result, audits a change of state (by a, or the system) and
// runs what a resume starts (resumed). It returns the change.
func (lc *lifecycle) applyHealth(ctx context.Context, t *tx, a *entitled.Actor, sys *entitled.ConnectedSystem,
	ev entitled.HealthEvent) (entitled.HealthChange, error) {
	h, err := t.lockHealth(ctx, sys.ID)
	if err != nil {
		return entitled.HealthChange{}, err
	}
	c, err := h.Apply(sys.HealthPolicy, ev, t.now())
	if err != nil {
		return c, err
	}
	if err := saveHealth(ctx, t, sys.ID, c.Health); err != nil {
		return c, err
	}
	if c.Transition == entitled.TransitionNone {
		return c, nil
	}
	if ev, ok := entitled.SystemHealthEvent(sys.ID, sys.Name, c, t.now()); ok {
		t.emit(ev)
	}
	if a == nil {
		a = entitled.SystemActor
	}
	activity := map[entitled.HealthTransition]string{entitled.TransitionSuspend: "Suspend connected system",
		entitled.TransitionPause: "Pause connected system", entitled.TransitionResume: "Resume connected system"}[c.Transition]
	if err := t.audit(ctx, a, auditEntry{Activity: activity, Operation: "Update", TargetID: sys.ID, TargetType: "ConnectedSystem",
		TargetName: sys.Name, Before: healthSnapshot(h), After: healthSnapshot(c.Health), ResultReason: c.Health.Reason}); err != nil {
		return c, err
	}
	if c.Transition == entitled.TransitionResume {
		return c, lc.resumed(ctx, t, sys, c)
	}
	return c, nil
}

// healthSnapshot is the audit snapshot of a health.
func healthSnapshot(h entitled.SystemHealth) map[string]any {
	out := map[string]any{"state": h.State, "reason": h.Reason, "failures": h.Failures}
	if !h.Since.IsZero() {
		out["since"] = fmtTime(h.Since)
	}
	if h.LastError != "" {
		out["lastError"] = h.LastError
	}
	return out
}

// jsonHealthPolicy is a HealthPolicy as stored in systems.health_policy.
type jsonHealthPolicy struct {
	SuspendAfter      *int   `json:"suspendAfter,omitempty"`
	MaxProbeInterval  string `json:"maxProbeInterval,omitempty"`
	RetryFailedWithin string `json:"retryFailedWithin,omitempty"`
}

func encodeHealthPolicy(p entitled.HealthPolicy) string {
	b, _ := json.Marshal(jsonHealthPolicy{SuspendAfter: &p.SuspendAfter, MaxProbeInterval: entitled.FormatISODuration(p.MaxProbeInterval),
		RetryFailedWithin: entitled.FormatISODuration(p.RetryFailedWithin)})
	return string(b)
}

// decodeHealthPolicy reads a stored policy; what it does not set is the
// default.
func decodeHealthPolicy(s string) (entitled.HealthPolicy, error) {
	p := entitled.DefaultHealthPolicy
	if s == "" || s == "{}" {
		return p, nil
	}
	var j jsonHealthPolicy
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return p, err
	}
	if j.SuspendAfter != nil {
		p.SuspendAfter = *j.SuspendAfter
	}
	var err error
	if j.MaxProbeInterval != "" {
		if p.MaxProbeInterval, err = entitled.ParseISODuration(j.MaxProbeInterval); err != nil {
			return p, err
		}
	}
	if j.RetryFailedWithin != "" {
		if p.RetryFailedWithin, err = entitled.ParseISODuration(j.RetryFailedWithin); err != nil {
			return p, err
		}
	}
	return p, nil
}

// checkHealthPolicy defaults an unset (zero) policy and validates it.
func checkHealthPolicy(p *entitled.HealthPolicy) error {
	if *p == (entitled.HealthPolicy{}) {
		*p = entitled.DefaultHealthPolicy
	}
	return p.Validate()
}
