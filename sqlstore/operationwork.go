package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// The job side of a bulk reprocess: RunOperation works the pending requests
// of an operation in batches. A batch is one lifecycle transaction: it
// locks the operation's row (so two runs of its job never work one batch
// twice) and the batch's requests, checks each with entitled.MayReprocess
// for the caller the operation keeps, re-runs the failed deliveries of
// those allowed set-based (redeliverMany), records every outcome and the
// progress, and commits. A crash loses at most the batch in flight, which
// stays pending and is worked again; a request leaves pending only in the
// transaction that works it, so it is reprocessed once per operation.

// RunOperation works an operation to its end (entitled.OperationEngine).
// An operation that is not running, or gone, is left alone.
func (s *OperationService) RunOperation(ctx context.Context, id string) error {
	if ok, err := s.drift.runReconcileOperation(ctx, id); ok || err != nil {
		return err
	}
	for {
		more, err := s.runBatch(ctx, id)
		if err != nil || !more {
			return err
		}
	}
}

// operationOutcome is what a batch did with one request.
type operationOutcome struct {
	id, outcome, code, message string
}

var operationRequestInsert = newInsert("operation_requests",
	textColumns("operation_id", "request_id", "outcome", "code", "message"), "")

// runBatch works the next batch of the operation; more is false when the
// operation is finished.
func (s *OperationService) runBatch(ctx context.Context, id string) (more bool, err error) {
	err = s.db.changeLifecycle(ctx, func(t *tx) error {
		var status, snap string
		err := t.queryRow(ctx, `SELECT status, actor FROM operations WHERE id = ?`+t.db.forUpdate(), id).Scan(&status, &snap)
		if err != nil {
			return notFound(err, "operation", id)
		}
		if status != string(entitled.OperationRunning) {
			return nil
		}
		a, err := restoreActor(snap)
		if err != nil {
			// No retry can act for an identity that cannot be read: the
			// operation fails, saying why.
			_, uerr := t.exec(ctx, `UPDATE operations SET status = ?, error = ?, completed_at = ? WHERE id = ?`,
				string(entitled.OperationFailed), err.Error(), fmtTime(t.now()), id)
			return uerr
		}
		ids, err := s.pendingRequests(ctx, t, id)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			_, err := t.exec(ctx, `UPDATE operations SET status = ?, completed_at = ? WHERE id = ?`,
				string(entitled.OperationSucceeded), fmtTime(t.now()), id)
			return err
		}
		more = true
		outs, err := s.reprocessBatch(ctx, t, a, ids)
		if err != nil {
			return err
		}
		return s.recordOutcomes(ctx, t, id, ids, outs)
	})
	if entitled.ErrorKind(err) == entitled.KindNotFound {
		return false, nil // the operation is gone: nothing to do
	}
	return more, err
}

// pendingRequests returns the ids of the next batch of pending requests of
// the operation, in id order (the order rows are locked in).
func (s *OperationService) pendingRequests(ctx context.Context, t *tx, opID string) ([]any, error) {
	batch := s.batch
	if batch <= 0 {
		batch = defaultOperationBatch
	}
	return queryRows(ctx, t, fmt.Sprintf(`SELECT request_id FROM operation_requests
		WHERE operation_id = ? AND outcome = 'pending' ORDER BY request_id LIMIT %d`, batch), []any{opID},
		func(r scanner) (any, error) { var rid string; err := r.Scan(&rid); return rid, err })
}

// reprocessBatch locks the requests, checks each with the reprocess rule
// and reprocesses those allowed; it returns the outcome of every id.
func (s *OperationService) reprocessBatch(ctx context.Context, t *tx, a *entitled.Actor, ids []any) ([]operationOutcome, error) {
	cond, args, err := t.db.idIn("id", ids)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, `SELECT `+requestCols+` FROM assignment_requests WHERE `+cond+` ORDER BY id`+t.db.forUpdate(), args...)
	if err != nil {
		return nil, err
	}
	found := map[string]*reqRow{}
	for rows.Next() {
		q, err := scanRequest(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		found[q.ID] = q
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := t.now()
	outs := make([]operationOutcome, 0, len(ids))
	var ok []*reqRow
	for _, v := range ids {
		rid := v.(string)
		q := found[rid]
		if q == nil {
			outs = append(outs, operationOutcome{id: rid, outcome: "refused", code: entitled.CodeNotFound,
				message: fmt.Sprintf("assignment request %q was not found", rid)})
			continue
		}
		if err := entitled.MayReprocess(a, &q.AssignmentRequest, now, s.requests.reprocessWindow); err != nil {
			e := entitled.AsError(err)
			outs = append(outs, operationOutcome{id: rid, outcome: "refused", code: e.Code, message: e.Message})
			continue
		}
		ok = append(ok, q)
		outs = append(outs, operationOutcome{id: rid, outcome: "reprocessed"})
	}
	return outs, s.lc.redeliverMany(ctx, t, a, ok)
}

// recordOutcomes replaces the batch's pending rows by their outcomes and
// adds them to the operation's progress.
func (s *OperationService) recordOutcomes(ctx context.Context, t *tx, opID string, ids []any, outs []operationOutcome) error {
	cond, args, err := t.db.idIn("request_id", ids)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM operation_requests WHERE operation_id = ? AND `+cond,
		append([]any{opID}, args...)...); err != nil {
		return err
	}
	vals := make([]any, 0, len(outs)*5)
	reprocessed, refused := 0, 0
	for _, o := range outs {
		vals = append(vals, opID, o.id, o.outcome, o.code, o.message)
		if o.outcome == "reprocessed" {
			reprocessed++
		} else {
			refused++
		}
	}
	if err := operationRequestInsert.run(ctx, t, vals, nil); err != nil {
		return fmt.Errorf("record outcomes: %w", err)
	}
	_, err = t.exec(ctx, `UPDATE operations SET reprocessed = reprocessed + ?, refused = refused + ? WHERE id = ?`,
		reprocessed, refused, opID)
	return err
}

// redeliverMany is redeliverFailed for many locked requests at once, a few
// statements for the batch: the requests return to delivering (audited,
// with their notices), their failed deliveries go back to pending on a new
// run, their assignments to delivering, and the deliveries are queued,
// grouped per system as a batch of submissions is (Job.Group).
func (lc *lifecycle) redeliverMany(ctx context.Context, t *tx, a *entitled.Actor, qs []*reqRow) error {
	if len(qs) == 0 {
		return nil
	}
	now := t.now()
	ids := make([]any, len(qs))
	var assignments []any
	audits := make([]auditEntry, 0, len(qs))
	var notices []entitled.Notice
	for i, q := range qs {
		ids[i] = q.ID
		before := q.State
		q.State, q.Status, q.CompletedDateTime = entitled.StateDelivering, entitled.StateDelivering.Status(), nil
		q.version++
		audits = append(audits, requestAudit(q, "Reprocess access package assignment request", before))
		notices = append(notices, lc.requestNotices(t, q, before)...)
		if q.AssignmentID != "" && !q.RequestType.IsRemove() {
			assignments = append(assignments, q.AssignmentID)
		}
	}
	cond, args, err := t.db.idIn("id", ids)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE assignment_requests SET state = ?, status = ?, completed_at = NULL, version = version + 1
		WHERE `+cond, append([]any{string(entitled.StateDelivering), entitled.StateDelivering.Status()}, args...)...); err != nil {
		return fmt.Errorf("update requests: %w", err)
	}
	if err := t.auditMany(ctx, a, audits); err != nil {
		return err
	}
	if err := lc.queueNotices(ctx, t, notices); err != nil {
		return err
	}
	dcond, dargs, err := t.db.idIn("d.request_id", ids)
	if err != nil {
		return err
	}
	failed, err := t.queryDeliveries(ctx, dcond+` AND d.status = 'failed'`, dargs...)
	if err != nil {
		return err
	}
	ucond, uargs, err := t.db.idIn("request_id", ids)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE deliveries SET status = 'pending', run = run + 1, modified_at = ?, completed_at = NULL
		WHERE status = 'failed' AND `+ucond, append([]any{fmtTime(now)}, uargs...)...); err != nil {
		return fmt.Errorf("update deliveries: %w", err)
	}
	for i := range failed {
		failed[i].Run++
	}
	if len(assignments) > 0 {
		acond, aargs, err := t.db.idIn("id", assignments)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE assignments SET state = ?, status = ? WHERE `+acond,
			append([]any{string(entitled.AssignmentDelivering), entitled.AssignmentDelivering.Status()}, aargs...)...); err != nil {
			return fmt.Errorf("update assignments: %w", err)
		}
	}
	return lc.enqueueDeliveriesAs(ctx, t, failed, newID())
}
