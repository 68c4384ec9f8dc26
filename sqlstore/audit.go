package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// auditEntry describes one change for the audit log.
type auditEntry struct {
	Activity      string // "Create access package"
	Operation     string // Add | Update | Delete
	TargetID      string
	TargetType    string
	TargetName    string
	CatalogID     string
	Before, After any // snapshots, marshalled as JSON; nil for none
	Result        string
	ResultReason  string
	// By and Correlation, when set, override the transaction's actor and
	// the context's request id (a batch writes events of many callers).
	By          *entitled.Actor
	Correlation string
}

// audit appends an event to the audit log inside the transaction.
func (t *tx) audit(ctx context.Context, a *entitled.Actor, e auditEntry) error {
	return t.auditMany(ctx, a, []auditEntry{e})
}

// auditInsert appends audit events.
var auditInsert = newInsert("audit_events", textColumns("id", "activity_date_time", "activity_display_name",
	"operation_type", "result", "result_reason", "correlation_id", "initiated_by_id", "initiated_by_upn",
	"initiated_by_name", "target_id", "target_type", "target_display_name", "catalog_id", "before_state",
	"after_state"), "")

// auditMany appends events to the audit log inside the transaction, all by
// the same actor. The rows are inserted when the transaction is about to
// commit (flushAudit), every event of the transaction in as few statements
// as their number allows: a batch that settles fifty requests writes
// their fifty events at once.
func (t *tx) auditMany(ctx context.Context, a *entitled.Actor, es []auditEntry) error {
	if len(es) == 0 {
		return nil
	}
	by := entitled.AuditActorOf(a)
	now := fmtTime(t.now())
	corr := entitled.RequestIDFrom(ctx)
	args := t.audits
	for _, e := range es {
		result := e.Result
		if result == "" {
			result = "success"
		}
		by, corr := by, corr
		if e.By != nil {
			by = entitled.AuditActorOf(e.By)
		}
		if e.Correlation != "" {
			corr = e.Correlation
		}
		args = append(args, newAuditID(t.now()), now, e.Activity, e.Operation, result, e.ResultReason, corr,
			by.UserID, by.UserPrincipalName, by.DisplayName, e.TargetID, e.TargetType, e.TargetName, e.CatalogID,
			snapshot(e.Before), snapshot(e.After))
	}
	t.audits = args
	return nil
}

// flushAudit inserts the audit rows the transaction wrote.
func (t *tx) flushAudit(ctx context.Context) error {
	if len(t.audits) == 0 {
		return nil
	}
	rows := t.audits
	t.audits = nil
	if err := auditInsert.run(ctx, t, rows, nil); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func snapshot(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
