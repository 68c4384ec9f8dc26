package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// DeleteRequest deletes a finished request that delivered nothing
// (entitled.MayDelete, AssignmentRequest.CheckDelete), with its approval
// stages; the audit log keeps a Delete event with its last state.
func (s *RequestService) DeleteRequest(ctx context.Context, id string) error {
	return s.db.changeLifecycleAs(ctx, func(t *tx, a *entitled.Actor) error {
		q, err := t.lockRequestFor(ctx, a, id, entitled.MayDelete,
			entitled.Forbiddenf("only an administrator who may cancel the requests of its catalog can delete request %s", id).WithKey("err.request.deleteAdminsOnly", "ID", id))
		if err != nil {
			return err
		}
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

// lockRequestFor locks request id for an action a may take when may says
// so; otherwise the answer is 404 when a cannot even see the request, else
// 403 denied.
func (t *tx) lockRequestFor(ctx context.Context, a *entitled.Actor, id string, may func(*entitled.Actor, *entitled.AssignmentRequest) bool, denied *entitled.Error) (*reqRow, error) {
	q, err := t.lockRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if !may(a, &q.AssignmentRequest) {
		if ok, _ := t.canSeeRequest(ctx, a, q); !ok {
			return nil, entitled.NotFoundf("assignment request %q was not found", id).WithKey("error.notFound", "WhatKey", "noun.assignmentRequest", "ID", id)
		}
		return nil, denied
	}
	return q, nil
}
