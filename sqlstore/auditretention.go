package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/entitled-dev/entitled"
)

// EachAuditEventBefore calls fn with every audit event strictly older than
// before, oldest first, from one consistent snapshot. Only tenant
// administrators (and the service itself) may read the whole log.
func (s *AuditService) EachAuditEventBefore(ctx context.Context, before time.Time, fn func(entitled.AuditEvent) error) error {
	return s.db.readAuthorized(ctx, entitled.OpReadAudit, "", func(t *tx, a *entitled.Actor) error {
		rows, err := t.query(ctx, `SELECT `+auditCols+` FROM audit_events WHERE activity_date_time < ? AND id < ?
			ORDER BY activity_date_time, id`, fmtTime(before), auditIDBefore(before))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// RecordAuditExport records that the audit events before rec.Before were
// written out (rec.Events of them, with the output's SHA-256), and audits it.
func (s *AuditService) RecordAuditExport(ctx context.Context, rec *entitled.AuditRetention) error {
	a, err := authorized(ctx, entitled.OpReadAudit, "")
	if err != nil {
		return err
	}
	rec.Action, rec.Before = entitled.AuditExported, rec.Before.UTC()
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		return t.recordRetention(ctx, a, rec, "Export audit log")
	})
}

// PruneAudit removes the audit events strictly older than before, once the
// rule of audit retention (entitled.CheckAuditPrune) allows it: the prune is
// recorded first (the database refuses any other delete of audit events),
// then the events go (their dictionary rows stay: auditdict.go), then the
// prune is audited, all in one transaction.
// It returns the record, with the number of events removed.
func (s *AuditService) PruneAudit(ctx context.Context, before time.Time, withoutExport bool, recordedBy string) (*entitled.AuditRetention, error) {
	a, err := authorized(ctx, entitled.OpReadAudit, "")
	if err != nil {
		return nil, err
	}
	rec := &entitled.AuditRetention{Action: entitled.AuditPruned, Before: before.UTC(), RecordedBy: recordedBy}
	err = s.db.changeUnlocked(ctx, func(t *tx) error {
		exported, err := t.latestAuditExport(ctx)
		if err != nil {
			return err
		}
		if err := entitled.CheckAuditPrune(before, t.now(), exported, withoutExport); err != nil {
			return err
		}
		cut, idCut := fmtTime(before), auditIDBefore(before) // the id range lets the primary key find them
		if err := t.queryRow(ctx, `SELECT count(*) FROM audit_event_rows WHERE activity_date_time < ? AND id < ?`, cut, idCut).Scan(&rec.Events); err != nil {
			return err
		}
		if err := t.insertRetention(ctx, rec); err != nil {
			return err
		}
		res, err := t.exec(ctx, `DELETE FROM audit_event_rows WHERE activity_date_time < ? AND id < ?`, cut, idCut)
		if err != nil {
			return fmt.Errorf("prune audit events: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || int(n) != rec.Events {
			// An event older than before committed meanwhile: the record would lie.
			return entitled.Conflictf("the audit log changed during the prune (%d events counted, %d removed): run it again", rec.Events, n).WithKey("err.audit.changedDuringPrune", "Events", rec.Events, "Removed", n)
		}
		return t.audit(ctx, a, retentionAudit(rec, "Prune audit log"))
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// latestAuditExport returns the Before of the latest recorded export, nil
// when the log was never exported.
func (t *tx) latestAuditExport(ctx context.Context) (*time.Time, error) {
	var at sql.NullString
	err := t.queryRow(ctx, `SELECT max(before_time) FROM audit_retention WHERE action = ?`, entitled.AuditExported).Scan(&at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if !at.Valid || at.String == "" {
		return nil, nil
	}
	when := parseTime(at.String)
	return &when, nil
}

// recordRetention writes an export or prune record and audits it.
func (t *tx) recordRetention(ctx context.Context, a *entitled.Actor, rec *entitled.AuditRetention, activity string) error {
	if err := t.insertRetention(ctx, rec); err != nil {
		return err
	}
	return t.audit(ctx, a, retentionAudit(rec, activity))
}

// insertRetention writes rec (append-only: the database refuses changes).
func (t *tx) insertRetention(ctx context.Context, rec *entitled.AuditRetention) error {
	rec.ID, rec.Created = newID(), t.now()
	_, err := t.exec(ctx, `INSERT INTO audit_retention (id, action, before_time, events, sha256, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, rec.ID, rec.Action, fmtTime(rec.Before), rec.Events, rec.SHA256, rec.RecordedBy, fmtTime(rec.Created))
	return err
}

// retentionAudit is the audit event of an export or prune.
func retentionAudit(rec *entitled.AuditRetention, activity string) auditEntry {
	op := "Add"
	if rec.Action == entitled.AuditPruned {
		op = "Delete"
	}
	return auditEntry{Activity: activity, Operation: op, TargetID: rec.ID, TargetType: "AuditLog",
		TargetName: "before " + rec.Before.UTC().Format(time.RFC3339), After: rec}
}
