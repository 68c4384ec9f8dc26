package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Assignments: a subject's access to an access package.

const assignmentCols = `id, access_package_id, policy_id, catalog_id, target_id, state, schedule, expired_at, created_at`

func scanAssignment(r scanner) (*entitled.Assignment, string, error) {
	var as entitled.Assignment
	var state, sched, created string
	var expired sql.NullString
	if err := r.Scan(&as.ID, &as.AccessPackageID, &as.AssignmentPolicyID, &as.CatalogID, &as.TargetID, &state, &sched,
		&expired, &created); err != nil {
		return nil, "", err
	}
	as.State = entitled.AssignmentState(state)
	as.Status = as.State.Status()
	as.Schedule = decodeSchedule(sched).schedule()
	as.ExpiredDateTime = parseTimePtr(expired)
	as.CreatedDateTime = parseTime(created)
	return &as, sched, nil
}

// loadAssignment loads an assignment without authorization; 404 when missing.
func (t *tx) loadAssignment(ctx context.Context, id string) (*entitled.Assignment, error) {
	as, _, err := scanAssignment(t.queryRow(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "assignment", id)
	}
	return as, nil
}

// Assignment reads one assignment: its target's, or with OpViewRequests.
func (s *AssignmentService) Assignment(ctx context.Context, id string) (*entitled.Assignment, error) {
	var out *entitled.Assignment
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		as, err := t.loadAssignment(ctx, id)
		if err != nil {
			return err
		}
		if as.TargetID != a.User.ID && !a.Can(entitled.OpViewRequests, as.CatalogID) {
			return entitled.NotFoundf("assignment %q was not found", id).WithKey("error.notFound", "WhatKey", "noun.assignment", "ID", id)
		}
		out = as
		return nil
	})
	return out, err
}

var assignmentFields = columnFields("id, status, target_id, created_at, expired_at", fields{
	"state": {expr: "state", enum: enumOf(string(entitled.AssignmentDelivering), string(entitled.AssignmentDelivered),
		string(entitled.AssignmentPartiallyDelivered), string(entitled.AssignmentDeliveryFailed), string(entitled.AssignmentExpired))},
	"accesspackage/id":    {expr: "access_package_id"},
	"target/id":           {expr: "target_id"},
	"assignmentpolicy/id": {expr: "policy_id"},
	"catalog/id":          {expr: "catalog_id"},
	"target/objectid":     {expr: "target_id"},
})

// Assignments lists the assignments the caller may see: their own, and
// those of catalogs where they hold OpViewRequests.
func (s *AssignmentService) Assignments(ctx context.Context, q entitled.AssignmentQuery) (entitled.Page[entitled.Assignment], error) {
	var page entitled.Page[entitled.Assignment]
	a, err := actor(ctx)
	if err != nil {
		return page, err
	}
	base, args, err := assignmentScope(a, q)
	if err != nil {
		return page, err
	}
	lq, err := buildList(q.ListOptions, assignmentFields, "id", base, args...)
	if err != nil {
		return page, err
	}
	err = s.db.read(ctx, func(t *tx) error {
		items, err := queryRows(ctx, t, `SELECT `+assignmentCols+` FROM assignments `+lq.where+lq.orderLimit(), lq.args, scanAssignmentValue)
		if err != nil {
			return err
		}
		page = finishPage(items, lq.limit, func(as entitled.Assignment) string { return as.ID })
		if err := lq.rekey(ctx, t, "assignments", &page.NextSkipToken); err != nil {
			return err
		}
		if q.Count {
			cw, cargs, err := countWhere(q.ListOptions, assignmentFields, base, args...)
			if err != nil {
				return err
			}
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM assignments `+cw, cargs...).Scan(&n); err != nil {
				return err
			}
			page.Count = &n
		}
		return nil
	})
	return page, err
}

// ReprocessAssignment re-asserts every resource role of a delivered
// assignment through an adminUpdate request with one idempotent
// grant per resource role scope, rolled up like any request.
func (s *AssignmentService) ReprocessAssignment(ctx context.Context, id string) error {
	return s.db.changeLifecycleAs(ctx, func(t *tx, a *entitled.Actor) error {
		as, err := t.lockAssignment(ctx, id)
		if err != nil {
			return err
		}
		if err := a.Authorize(entitled.OpReprocess, as.CatalogID); err != nil {
			if as.TargetID != a.User.ID && !a.Can(entitled.OpViewRequests, as.CatalogID) {
				return entitled.NotFoundf("assignment %q was not found", id).WithKey("error.notFound", "WhatKey", "noun.assignment", "ID", id)
			}
			return entitled.Forbiddenf("only administrators of its access package can reprocess assignment %s", id).WithKey("err.assignment.reprocessAdminsOnly", "ID", id)
		}
		if as.State != entitled.AssignmentDelivered {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeNotReprocessable,
				Message: fmt.Sprintf("assignment %s is %s; only delivered assignments can be reprocessed (reprocess its failed request instead)", id, as.State)}).WithKey("err.assignment.notReprocessable", "ID", id, "State", as.State)
		}
		if open, err := openRemoval(ctx, t, as.ID); err != nil {
			return err
		} else if open != "" {
			return entitled.Conflictf("assignment %s is being removed by request %s", id, open).WithKey("err.assignment.beingRemoved", "ID", id, "Request", open)
		}
		scopes, err := t.loadRoleScopes(ctx, as.AccessPackageID)
		if err != nil {
			return err
		}
		if len(scopes) == 0 {
			return entitled.Invalidf("access package %s has no resource roles to re-assert", as.AccessPackageID).WithKey("err.assignment.noRolesToReassert", "Package", as.AccessPackageID)
		}
		return s.lc.reassert(ctx, t, a, as, scopes, "reprocess assignment", "Reprocess access package assignment")
	})
}

// reassert re-delivers scopes of a delivered assignment through an
// adminUpdate request with one idempotent grant each, audited as activity.
func (lc *lifecycle) reassert(ctx context.Context, t *tx, a *entitled.Actor, as *entitled.Assignment, scopes []entitled.ResourceRoleScope,
	justification, activity string) error {
	now := t.now()
	q := &reqRow{AssignmentRequest: entitled.AssignmentRequest{ID: newID(), RequestType: entitled.RequestAdminUpdate,
		State: entitled.StateDelivering, Justification: justification, CreatedDateTime: now,
		AccessPackageID: as.AccessPackageID, AssignmentPolicyID: as.AssignmentPolicyID, CatalogID: as.CatalogID,
		TargetID: as.TargetID, RequestorID: a.User.ID, AssignmentID: as.ID}, version: 1}
	if err := insertRequest(ctx, t, &q.AssignmentRequest, scheduleJSON{}, len(scopes)); err != nil {
		return err
	}
	if err := lc.auditRequest(ctx, t, a, q, activity, ""); err != nil {
		return err
	}
	if err := setAssignmentState(ctx, t, as.ID, entitled.AssignmentDelivering); err != nil {
		return err
	}
	return lc.insertDeliveries(ctx, t, grantDeliveries(q.ID, as.ID, scopes, now))
}
