package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Update requests (userUpdate, adminUpdate): change the schedule of a
// delivered assignment, after approval when the policy requires it for
// updates (docs/design.md, "Update requests").

// updateTypesSQL lists entitled.UpdateRequestTypes.
var updateTypesSQL = sqlList(entitled.UpdateRequestTypes)

// submitUpdate checks an update request (entitled.CheckUpdate,
// CheckRequestorInput, UpdatedSchedule, the answers rule), stores it and
// applies it at once, or starts its approval.
func (s *RequestService) submitUpdate(ctx context.Context, a *entitled.Actor, r *entitled.AssignmentRequest) error {
	if r.AssignmentID == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.id",
			Message: "assignment.id is required for an update request: name the assignment to update"}).WithKey("err.request.updateIdRequired")
	}
	return s.db.changeLifecycle(ctx, func(t *tx) error {
		as, err := t.lockAssignment(ctx, r.AssignmentID)
		if err != nil {
			return err
		}
		if as.TargetID != a.User.ID && !a.Can(entitled.OpViewRequests, as.CatalogID) {
			return entitled.NotFoundf("assignment %q was not found", as.ID).WithKey("error.notFound", "WhatKey", "noun.assignment", "ID", as.ID)
		}
		p, err := t.loadPolicy(ctx, as.AssignmentPolicyID)
		if err != nil {
			return err
		}
		if err := entitled.CheckUpdate(a, p, as, r.RequestType); err != nil {
			return err
		}
		if err := entitled.CheckRequestorInput(p, r); err != nil {
			return err
		}
		for _, types := range []string{removeTypesSQL, updateTypesSQL} {
			if open, err := openRequestOn(ctx, t, as.ID, types); err != nil {
				return err
			} else if open != "" {
				return entitled.Conflictf("assignment %s has an open request %s; wait for it or cancel it before updating", as.ID, open).WithKey("err.request.updateOpenRequest", "ID", as.ID, "Request", open)
			}
		}
		now := t.now()
		sched, err := entitled.UpdatedSchedule(p.Expiration, as.Schedule, r.Schedule, now)
		if err != nil {
			return err
		}
		q := &reqRow{AssignmentRequest: entitled.AssignmentRequest{ID: newID(), RequestType: r.RequestType, Justification: r.Justification,
			CreatedDateTime: now, Schedule: sched, AccessPackageID: as.AccessPackageID, AssignmentPolicyID: p.ID, CatalogID: as.CatalogID,
			TargetID: as.TargetID, RequestorID: a.User.ID, AssignmentID: as.ID}, version: 1}
		if q.Answers, err = entitled.RequestAnswers(p, r); err != nil {
			return err
		}
		q.State = entitled.StateSubmitted
		if p.RequiresApprovalFor(q.RequestType) {
			q.State = entitled.StatePendingApproval
		}
		if err := insertRequest(ctx, t, &q.AssignmentRequest, scheduleOf(q.Schedule), 0); err != nil {
			return err
		}
		if err := s.lc.auditRequest(ctx, t, a, q, "Create access package assignment request", ""); err != nil {
			return err
		}
		if q.State == entitled.StatePendingApproval {
			err = s.lc.createStages(ctx, t, q, p)
		} else {
			err = s.lc.applyUpdate(ctx, t, a, q)
		}
		*r = q.AssignmentRequest
		return err
	})
}

// applyUpdate gives the assignment of an update request the request's
// schedule, queues its expiry for the new end, and completes the request
// (delivered; nothing is granted again). An assignment that is no longer
// delivered is a 409 and nothing changes.
func (lc *lifecycle) applyUpdate(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow) error {
	var raw string
	as, err := t.lockAssignment(ctx, q.AssignmentID)
	if err == nil {
		err = t.queryRow(ctx, `SELECT schedule FROM assignments WHERE id = ?`, as.ID).Scan(&raw)
	}
	if err != nil {
		return err
	}
	if as.State != entitled.AssignmentDelivered {
		return entitled.Conflictf("assignment %s is %s now; request %s can no longer update it: deny or cancel it", as.ID, as.State, q.ID).WithKey("err.request.updateTooLate", "ID", as.ID, "State", as.State, "Request", q.ID)
	}
	j := scheduleOf(q.Schedule)
	j.ExpireJobAt = decodeSchedule(raw).ExpireJobAt
	if _, err := t.exec(ctx, `UPDATE assignments SET schedule = ? WHERE id = ?`, j.encode(), as.ID); err != nil {
		return fmt.Errorf("update assignment schedule: %w", err)
	}
	if err := t.audit(ctx, a, auditEntry{Activity: "Update access package assignment", Operation: "Update", TargetID: as.ID,
		TargetType: "AccessPackageAssignment", TargetName: as.AccessPackageID, CatalogID: as.CatalogID,
		Before: map[string]any{"schedule": scheduleOf(as.Schedule)}, After: map[string]any{"schedule": scheduleOf(q.Schedule)}}); err != nil {
		return err
	}
	if err := lc.scheduleExpiries(ctx, t, []any{as.ID}); err != nil {
		return err
	}
	now := t.now()
	return lc.setRequestState(ctx, t, a, q, entitled.StateDelivered, &now, activityFor(entitled.StateDelivered))
}
