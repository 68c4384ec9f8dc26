package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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

// auditRow is an audit event as stored: its kind and actor (dictionary
// contents, auditdict.go) and the rest of its columns.
type auditRow struct {
	id, at               string
	kind, actor          auditContent
	resultReason, corr   string
	targetID, targetName string
	before, after        string // the snapshots the kind does not hold
}

// sharing returns the row with its snapshots in its kind when they are
// shared (sharedSnapshot): a kind's contents are before_state and
// after_state last.
func (r auditRow) sharing() auditRow {
	if sharedSnapshot(r.before) {
		r.kind[5], r.before = r.before, ""
	}
	if sharedSnapshot(r.after) {
		r.kind[6], r.after = r.after, ""
	}
	return r
}

// actorContent is the audit_actors content of an initiator.
func actorContent(by entitled.AuditActor) auditContent {
	return auditContent{by.UserID, by.UserPrincipalName, by.DisplayName}
}

// sharedSnapshot reports whether an event's snapshot is one of few values,
// kept in its kind rather than in the event: a lone request state,
// {"state":"delivered"}. Migration 00029 applies the same rule.
func sharedSnapshot(s string) bool {
	return len(s) >= len(`{"state":""}`) && len(s) <= 48 && strings.HasPrefix(s, `{"state":"`) &&
		strings.HasSuffix(s, `"}`) && !strings.Contains(s, ",")
}

// auditInsert appends audit events.
var auditInsert = newInsert("audit_event_rows", []bulkColumn{{"id", "text"}, {"activity_date_time", "text"},
	{"kind_id", "int8"}, {"actor_id", "int8"}, {"result_reason", "text"}, {"correlation_id", "text"},
	{"target_id", "text"}, {"target_display_name", "text"}, {"before_state", "text"}, {"after_state", "text"}}, "")

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
		t.audits = append(t.audits, auditRow{id: newAuditID(t.now()), at: now,
			kind:  auditContent{e.Activity, e.Operation, result, e.TargetType, e.CatalogID},
			actor: actorContent(by), resultReason: e.ResultReason, corr: corr, targetID: e.TargetID, targetName: e.TargetName,
			before: snapshot(e.Before), after: snapshot(e.After)}.sharing())
	}
	return nil
}

// flushAudit inserts the audit rows the transaction wrote.
func (t *tx) flushAudit(ctx context.Context) error {
	rows := t.audits
	t.audits = nil
	if err := t.insertAudit(ctx, rows); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// insertAudit stores audit rows and the dictionary rows they need: with
// the dictionaries' keys cached, one statement per batch of events.
func (t *tx) insertAudit(ctx context.Context, rows []auditRow) error {
	if len(rows) == 0 {
		return nil
	}
	kinds := make([]auditContent, len(rows))
	actors := make([]auditContent, len(rows))
	for i := range rows {
		kinds[i], actors[i] = rows[i].kind, rows[i].actor
	}
	kindIDs, err := auditKinds.keysOf(ctx, t, &t.db.audit.kinds, &t.auditMade.kinds, kinds)
	if err != nil {
		return err
	}
	actorIDs, err := auditActors.keysOf(ctx, t, &t.db.audit.actors, &t.auditMade.actors, actors)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(rows)*len(auditInsert.cols))
	for i, r := range rows {
		args = append(args, r.id, r.at, kindIDs[i], actorIDs[i], r.resultReason, r.corr, r.targetID, r.targetName,
			r.before, r.after)
	}
	return auditInsert.run(ctx, t, args, nil)
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
