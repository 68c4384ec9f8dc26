package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// DeleteRequest deletes a finished request that delivered nothing
// (entitled.MayDelete, AssignmentRequest.CheckDelete), with its approval
// stages; the audit log keeps a Delete event with its last state.
func (s *RequestService) DeleteRequest(ctx context.Context, id string) error {
	denied := entitled.Forbiddenf("only an administrator who may cancel the requests of its catalog can delete request %s", id).WithKey("err.request.deleteAdminsOnly", "ID", id)
	return s.db.changeRequestAs(ctx, id, entitled.MayDelete, denied, func(t *tx, a *entitled.Actor, q *reqRow) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE request_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if err := q.CheckDelete(n); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "assignment_requests", id, auditEntry{Activity: "Delete access package assignment request", Operation: "Delete",
			TargetID: q.ID, TargetType: requestTargetType, TargetName: string(q.RequestType), CatalogID: q.CatalogID,
			Before: map[string]string{"state": string(q.State), "targetId": q.TargetID, "accessPackageId": q.AccessPackageID}})
	})
}

// changeRequestAs runs fn in a lifecycle change for the caller, on
// request id locked, when may says the caller may take the action;
// otherwise the answer is 404 when the caller cannot even see the
// request, else 403 denied.
func (db *DB) changeRequestAs(ctx context.Context, id string, may func(*entitled.Actor, *entitled.AssignmentRequest) bool, denied *entitled.Error,
	fn func(t *tx, a *entitled.Actor, q *reqRow) error) error {
	return db.changeLifecycleAs(ctx, func(t *tx, a *entitled.Actor) error {
		q, err := t.lockRequest(ctx, id)
		if err != nil {
			return err
		}
		if !may(a, &q.AssignmentRequest) {
			if ok, _ := t.canSeeRequest(ctx, a, q); !ok {
				return entitled.NotFoundf("assignment request %q was not found", id).WithKey("error.notFound", "WhatKey", "noun.assignmentRequest", "ID", id)
			}
			return denied
		}
		return fn(t, a, q)
	})
}
