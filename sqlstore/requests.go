package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// Assignment requests: submit, read, cancel and reprocess (docs/design.md).

// SubmitRequest creates an add request (userAdd, adminAdd) or a remove
// request (userRemove, adminRemove) and, in the same transaction, starts
// what follows: approval, a scheduled start, or delivery.
func (s *RequestService) SubmitRequest(ctx context.Context, r *entitled.AssignmentRequest) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if r.RequestType == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "requestType",
			Message: "requestType is required: userAdd, userRemove, adminAdd or adminRemove"}).WithKey("err.request.typeRequired")
	}
	typ, err := entitled.ParseRequestType(string(r.RequestType))
	if err != nil {
		return err
	}
	switch typ {
	case entitled.RequestUserAdd, entitled.RequestAdminAdd:
		r.RequestType = typ
		if err := checkAddInput(r); err != nil {
			return err
		}
		return s.submitAddBatched(ctx, a, r)
	case entitled.RequestUserRemove, entitled.RequestAdminRemove:
		r.RequestType = typ
		return s.submitRemove(ctx, a, r)
	case entitled.RequestUserUpdate, entitled.RequestAdminUpdate:
		r.RequestType = typ
		return s.submitUpdate(ctx, a, r)
	}
	return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "requestType",
		Message: fmt.Sprintf("requestType %s cannot be submitted; use userAdd, userRemove, adminAdd or adminRemove", typ)}).WithKey("err.request.typeNotSubmittable", "Type", typ)
}

func (s *RequestService) submitAdd(ctx context.Context, a *entitled.Actor, r *entitled.AssignmentRequest) error {
	if err := checkAddInput(r); err != nil {
		return err
	}
	// No store lock: entitled.CheckOneLive is backed by unique indexes (migration 3),
	// and everything else read here is protected by foreign keys.
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		plan, err := s.planAdd(ctx, t, a, r, nil)
		if err != nil {
			return err
		}
		if err := s.writeAdd(ctx, t, a, plan); err != nil {
			return err
		}
		*r = plan.q.AssignmentRequest
		return nil
	})
}

// checkAddInput refuses an add request that lacks what no lookup can supply.
func checkAddInput(r *entitled.AssignmentRequest) error {
	if r.AssignmentPolicyID == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.assignmentPolicyId",
			Message: "assignment.assignmentPolicyId is required for an add request"}).WithKey("err.request.policyRequired")
	}
	return nil
}

// addPlan is a validated add request, ready to write.
type addPlan struct {
	q      *reqRow
	p      *entitled.AssignmentPolicy
	scopes []entitled.ResourceRoleScope
}

// deliversNow reports whether the request goes straight to delivery: no
// approval to wait for and no start in the future.
func (pl *addPlan) deliversNow(now time.Time) bool {
	if pl.q.RequestType == entitled.RequestUserAdd && pl.p.RequiresApproval() {
		return false
	}
	st := pl.q.Schedule.StartDateTime
	return st == nil || !st.After(now)
}

// planAdd checks an add request against its policy, package, target and
// entitled.CheckOneLive, reading through c when given (a batch's shared lookups), and
// returns what to write. It writes nothing.
func (s *RequestService) planAdd(ctx context.Context, t *tx, a *entitled.Actor, r *entitled.AssignmentRequest, c *submitCache) (*addPlan, error) {
	now := t.now()
	p, err := c.policy(ctx, t, r.AssignmentPolicyID)
	if err != nil {
		var e *entitled.Error
		if errors.As(err, &e) && e.Kind == entitled.KindNotFound {
			return nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.assignmentPolicyId",
				Message: fmt.Sprintf("assignment policy %q does not exist", r.AssignmentPolicyID)}).WithKey("err.request.policyNotFound", "Policy", r.AssignmentPolicyID)
		}
		return nil, err
	}
	packageID := r.AccessPackageID
	if packageID == "" {
		packageID = p.AccessPackageID
	}
	if packageID != p.AccessPackageID {
		return nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.assignmentPolicyId",
			Message: fmt.Sprintf("assignment policy %q belongs to access package %s, not %s", p.DisplayName, p.AccessPackageID, packageID)}).WithKey("err.request.policyOfOtherPackage", "Policy", p.DisplayName, "PolicyPackage", p.AccessPackageID, "Package", packageID)
	}
	pkg, err := c.accessPackage(ctx, t, p.AccessPackageID)
	if err != nil {
		return nil, err
	}
	cat, err := c.catalog(ctx, t, pkg.CatalogID)
	if err != nil {
		return nil, err
	}
	if err := cat.Requestable(); err != nil {
		return nil, err
	}
	q := &reqRow{version: 1}
	q.AssignmentRequest = entitled.AssignmentRequest{ID: newID(), RequestType: r.RequestType, Justification: r.Justification,
		CreatedDateTime: now, AccessPackageID: pkg.ID, AssignmentPolicyID: p.ID, CatalogID: pkg.CatalogID,
		RequestorID: a.User.ID, Answers: r.Answers}
	if r.RequestType == entitled.RequestAdminAdd {
		if err := a.Authorize(entitled.OpDirectAssign, pkg.CatalogID); err != nil {
			return nil, err
		}
		if r.TargetID == "" {
			return nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.targetId",
				Message: "assignment.targetId is required for an adminAdd request: name the user to assign"}).WithKey("err.request.targetRequired")
		}
		exists, err := c.userExists(ctx, t, r.TargetID)
		if err != nil {
			return nil, err
		}
		if !exists {
			return nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.targetId",
				Message: fmt.Sprintf("target user %q does not exist", r.TargetID)}).WithKey("err.request.targetNotFound", "ID", r.TargetID)
		}
		q.TargetID = r.TargetID
	} else if r.TargetID != "" && r.TargetID != a.User.ID {
		// On behalf of someone else (docs/design.md, "On-behalf requests").
		if err := t.checkOnBehalf(ctx, a, p, r.TargetID); err != nil {
			return nil, err
		}
		q.TargetID = r.TargetID
	} else {
		q.TargetID = a.User.ID
		if err := t.checkSelfAdd(ctx, a, p); err != nil {
			return nil, err
		}
	}
	if err := entitled.CheckRequestorInput(p, r); err != nil {
		return nil, err
	}
	if q.Answers, err = entitled.RequestAnswers(p, r); err != nil {
		return nil, err
	}
	q.Schedule = entitled.Schedule{Expiration: p.Expiration}
	if custom := r.Schedule; custom.IsCustom() {
		sc, err := entitled.RequestSchedule(p.Expiration, custom, now)
		if err != nil {
			return nil, err
		}
		q.Schedule = sc
	}
	if live, err := c.mayBeLive(ctx, t, q.TargetID, pkg.ID); err != nil {
		return nil, err
	} else if live {
		if err := t.checkNoLiveAssignment(ctx, q.TargetID, pkg.ID, ""); err != nil {
			return nil, err
		}
	}
	if err := c.checkCompatible(ctx, t, q.TargetID, pkg.ID); err != nil {
		return nil, err
	}
	scopes, err := c.roleScopes(ctx, t, pkg.ID)
	if err != nil {
		return nil, err
	}
	if len(scopes) == 0 {
		return nil, entitled.Invalidf("access package %q has no resource roles yet; it cannot be requested", pkg.DisplayName).WithKey("err.request.packageWithoutRoles", "Package", pkg.DisplayName)
	}
	return &addPlan{q: q, p: p, scopes: scopes}, nil
}

// writeAdd stores a planned add request and starts what follows: its
// approval stages, a scheduled start, or delivery.
func (s *RequestService) writeAdd(ctx context.Context, t *tx, a *entitled.Actor, pl *addPlan) error {
	q := pl.q
	if q.RequestType == entitled.RequestUserAdd && pl.p.RequiresApproval() {
		q.State = entitled.StatePendingApproval
		if err := insertRequest(ctx, t, &q.AssignmentRequest, scheduleOf(q.Schedule), 0); err != nil {
			return err
		}
		if err := s.lc.auditRequest(ctx, t, a, q, "Create access package assignment request", ""); err != nil {
			return err
		}
		return s.lc.createStages(ctx, t, q, pl.p)
	}
	return s.lc.startOrSchedule(ctx, t, a, q, pl.scopes, true)
}

// checkSelfAdd loads the actor's memberships of the policy's groups and
// applies entitled.CheckSelfAdd.
func (t *tx) checkSelfAdd(ctx context.Context, a *entitled.Actor, p *entitled.AssignmentPolicy) error {
	memberOf := map[string]bool{}
	for _, g := range entitled.SelfAddGroups(p) {
		ok, err := t.isGroupMember(ctx, g, a.User.ID)
		if err != nil {
			return err
		}
		memberOf[g] = ok
	}
	return entitled.CheckSelfAdd(p, a.User.ID, memberOf)
}

// liveCheckQuery finds what holds the place of a user for a package
// (entitled.CheckOneLive): an open add request or a live assignment.
var liveCheckQuery = `SELECT 'request', id FROM assignment_requests
	WHERE target_id = ? AND access_package_id = ? AND id <> ?
	  AND request_type IN ` + addTypesSQL + `
	  AND state IN ` + openStatesSQL + `
	UNION ALL
	SELECT 'assignment', id FROM assignments WHERE target_id = ? AND access_package_id = ? AND state <> 'expired'
	LIMIT 1`

// checkNoLiveAssignment loads what holds the place of the target for the
// package and applies entitled.CheckOneLive. except names a request to ignore.
func (t *tx) checkNoLiveAssignment(ctx context.Context, targetID, packageID, except string) error {
	var kind, id string
	err := t.queryRow(ctx, liveCheckQuery, targetID, packageID, except, targetID, packageID).Scan(&kind, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if kind == "request" {
		return entitled.CheckOneLive(targetID, packageID, entitled.LiveHolder{RequestID: id})
	}
	h := entitled.LiveHolder{AssignmentID: id}
	var reqState string
	err = t.queryRow(ctx, `SELECT id, state FROM assignment_requests
		WHERE assignment_id = ? AND request_type IN `+addTypesSQL+` ORDER BY id DESC LIMIT 1`, id).Scan(&h.FromRequestID, &reqState)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	h.FromRequestState = entitled.RequestState(reqState)
	return entitled.CheckOneLive(targetID, packageID, h)
}

// liveConflict explains a conflict of entitled.CheckOneLive found by the database: it names
// the open request or live assignment of the target for the package.
// The caller may have named only the policy: the package is the policy's.
func (s *RequestService) liveConflict(ctx context.Context, r *entitled.AssignmentRequest) error {
	packageID := r.AccessPackageID
	err := s.db.read(ctx, func(t *tx) error {
		target := r.TargetID
		if target == "" {
			if a := entitled.ActorFrom(ctx); a != nil {
				target = a.User.ID
			}
		}
		if packageID == "" {
			p, err := t.loadPolicy(ctx, r.AssignmentPolicyID)
			if err != nil {
				return err
			}
			packageID = p.AccessPackageID
		}
		return t.checkNoLiveAssignment(ctx, target, packageID, "")
	})
	if err != nil {
		return err
	}
	return entitled.Errorf(entitled.KindConflict, entitled.CodeExistingAssignment,
		"another request for the same user and access package %s was accepted at the same moment; read the user's requests", packageID).WithKey("err.request.concurrentRequest", "Package", packageID)
}

func (s *RequestService) submitRemove(ctx context.Context, a *entitled.Actor, r *entitled.AssignmentRequest) error {
	if r.AssignmentID == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.id",
			Message: "assignment.id is required for a remove request: name the assignment to remove"}).WithKey("err.request.assignmentIdRequired")
	}
	return s.db.change(ctx, func(t *tx) error {
		as, err := t.loadAssignment(ctx, r.AssignmentID)
		if err != nil {
			return err
		}
		if r.RequestType == entitled.RequestAdminRemove {
			if err := a.Authorize(entitled.OpDirectAssign, as.CatalogID); err != nil {
				return err
			}
		} else {
			if as.TargetID != a.User.ID {
				if !a.Can(entitled.OpViewRequests, as.CatalogID) {
					return entitled.NotFoundf("assignment %q was not found", as.ID).WithKey("error.notFound", "WhatKey", "noun.assignment", "ID", as.ID)
				}
				return entitled.Forbiddenf("a userRemove request removes your own assignment; use adminRemove for assignment %s", as.ID).WithKey("err.request.ownRemoveOnly", "ID", as.ID)
			}
			p, err := t.loadPolicy(ctx, as.AssignmentPolicyID)
			if err != nil {
				return err
			}
			if !p.RequestorSettings.EnableTargetsToSelfRemoveAccess {
				return entitled.Forbiddenf("policy %q does not let users remove their own access; ask an administrator", p.DisplayName).WithKey("err.request.noSelfRemove", "Policy", p.DisplayName)
			}
		}
		if as.State == entitled.AssignmentExpired {
			return entitled.Invalidf("assignment %s has already expired; there is nothing to remove", as.ID).WithKey("err.request.alreadyExpired", "ID", as.ID)
		}
		open, err := openRemoval(ctx, t, as.ID)
		if err != nil {
			return err
		}
		if open != "" {
			return entitled.Conflictf("remove request %s for assignment %s is already in progress", open, as.ID).WithKey("err.request.removeInProgress", "Request", open, "ID", as.ID)
		}
		q, err := s.lc.createRemoval(ctx, t, a, as, r.RequestType, a.User.ID, r.Justification, nil)
		if err != nil {
			return err
		}
		*r = q.AssignmentRequest
		return nil
	})
}

// canSeeRequest reports whether the actor may read the request: its target
// or requestor, an approver of it, or a holder of OpViewRequests.
func (t *tx) canSeeRequest(ctx context.Context, a *entitled.Actor, q *reqRow) (bool, error) {
	if a.User.ID == q.TargetID || a.User.ID == q.RequestorID || a.Can(entitled.OpViewRequests, q.CatalogID) {
		return true, nil
	}
	return t.isApproverOf(ctx, a.User.ID, q)
}

// Request reads one request.
func (s *RequestService) Request(ctx context.Context, id string) (*entitled.AssignmentRequest, error) {
	var out *entitled.AssignmentRequest
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		q, err := t.visibleRequest(ctx, a, id)
		if err != nil {
			return err
		}
		out = &q.AssignmentRequest
		return nil
	})
	return out, err
}

var requestFields = fields{
	"id":                 {expr: "id"},
	"state":              {expr: "state", enum: enumOf(requestStateNames()...)},
	"status":             {expr: "status"},
	"requesttype":        {expr: "request_type", enum: enumOf("userAdd", "userUpdate", "userRemove", "adminAdd", "adminUpdate", "adminRemove", "systemAdd", "systemRemove")},
	"accesspackage/id":   {expr: "access_package_id"},
	"assignment/id":      {expr: "assignment_id"},
	"target/id":          {expr: "target_id"},
	"targetid":           {expr: "target_id"},
	"target/objectid":    {expr: "target_id"},
	"requestor/id":       {expr: "requestor_id"},
	"requestor/objectid": {expr: "requestor_id"},
	"createddatetime":    {expr: "created_at", kind: colTime},
	"completeddatetime":  {expr: "completed_at", kind: colTime},
}

func requestStateNames() []string {
	out := make([]string, len(entitled.RequestStates))
	for i, st := range entitled.RequestStates {
		out[i] = string(st)
	}
	return out
}

// visibleCatalogs returns whether the actor sees every catalog's requests,
// else the catalogs where it holds OpViewRequests.
func visibleCatalogs(a *entitled.Actor) (all bool, ids []string) {
	if a.Can(entitled.OpViewRequests, "") {
		return true, nil
	}
	for _, id := range a.CatalogIDs() {
		if a.Can(entitled.OpViewRequests, id) {
			ids = append(ids, id)
		}
	}
	return false, ids
}

// Requests lists the requests the caller may see, filtered and keyset-paged.
func (s *RequestService) Requests(ctx context.Context, q entitled.RequestQuery) (entitled.Page[entitled.AssignmentRequest], error) {
	var page entitled.Page[entitled.AssignmentRequest]
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		var conds []string
		var args []any
		switch strings.ToLower(q.FilterByCurrentUser) {
		case "":
			sees, err := seesPinnedPackages(ctx, t, a, q.Filter)
			if err != nil {
				return err
			}
			if sees {
				break // every request of the filter's packages is visible
			}
			vis, vargs, err := s.visibleRequests(ctx, t, a)
			if err != nil {
				return err
			}
			if vis != "" {
				conds = append(conds, vis)
				args = append(args, vargs...)
			}
		case strings.ToLower(entitled.OnTarget):
			conds = append(conds, "target_id = ?")
			args = append(args, a.User.ID)
		case strings.ToLower(entitled.OnCreatedBy):
			conds = append(conds, "requestor_id = ?")
			args = append(args, a.User.ID)
		case strings.ToLower(entitled.OnApprover):
			ids, err := t.pendingApprovalsFor(ctx, a.User.ID)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				conds = append(conds, "1 = 0")
			} else {
				conds = append(conds, "id IN ("+inList(len(ids))+")")
				for _, id := range ids {
					args = append(args, id)
				}
			}
		default:
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "on",
				Message: fmt.Sprintf("filterByCurrentUser(on=%q) is not supported; use target, createdBy or approver", q.FilterByCurrentUser)}).WithKey("err.request.badCurrentUserFilter", "On", q.FilterByCurrentUser)
		}
		base := ""
		if len(conds) > 0 {
			base = "(" + strings.Join(conds, ") AND (") + ")"
		}
		if q.CountOnly {
			n, err := countRequests(ctx, t, q, base, args)
			page.Count = &n
			return err
		}
		lq, err := buildList(q.ListOptions, requestFields, "id", base, args...)
		if err != nil {
			return err
		}
		from, err := pagePlan(ctx, t, q.Filter)
		if err != nil {
			return err
		}
		rows, err := t.query(ctx, `SELECT `+requestCols+` FROM `+from+` `+lq.where+lq.orderLimit(), lq.args...)
		if err != nil {
			return err
		}
		items := []entitled.AssignmentRequest{}
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				rows.Close()
				return err
			}
			items = append(items, r.AssignmentRequest)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		page = finishPage(items, lq.limit, func(r entitled.AssignmentRequest) string { return r.ID })
		if err := lq.rekey(ctx, t, "assignment_requests", &page.NextSkipToken); err != nil {
			return err
		}
		if q.Count {
			n, err := countRequests(ctx, t, q, base, args)
			page.Count = &n
			return err
		}
		return nil
	})
	return page, err
}

// countRequests counts the requests q's filter matches within base.
func countRequests(ctx context.Context, t *tx, q entitled.RequestQuery, base string, args []any) (int, error) {
	cw, cargs, err := countWhere(q.ListOptions, requestFields, base, args...)
	if err != nil {
		return 0, err
	}
	if tally, ok := tallyOf(q.Filter); ok && base == "" {
		return tally.count(ctx, t)
	}
	var n int
	err = t.queryRow(ctx, `SELECT COUNT(*) FROM assignment_requests `+cw, cargs...).Scan(&n)
	return n, err
}

// visibleRequests is the condition on assignment_requests of the requests
// the actor may see (canSeeRequest, as a list): "" when it sees them all.
func (s *RequestService) visibleRequests(ctx context.Context, t *tx, a *entitled.Actor) (string, []any, error) {
	all, cats := visibleCatalogs(a)
	if all {
		return "", nil, nil
	}
	vis := []string{"target_id = ?", "requestor_id = ?"}
	args := []any{a.User.ID, a.User.ID}
	if len(cats) > 0 {
		vis = append(vis, "catalog_id IN ("+inList(len(cats))+")")
		for _, c := range cats {
			args = append(args, c)
		}
	}
	ids, err := s.approverRequestIDs(ctx, t, a.User.ID)
	if err != nil {
		return "", nil, err
	}
	if len(ids) > 0 {
		vis = append(vis, "id IN ("+inList(len(ids))+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return strings.Join(vis, " OR "), args, nil
}

// approverRequestIDs lists requests the user approves now or decided.
func (s *RequestService) approverRequestIDs(ctx context.Context, t *tx, userID string) ([]string, error) {
	ids, err := t.pendingApprovalsFor(ctx, userID)
	if err != nil {
		return nil, err
	}
	decided, err := idList(ctx, t, `SELECT DISTINCT request_id FROM approval_stages WHERE reviewed_by_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	return append(ids, decided...), nil
}

// CancelRequest cancels a request (entitled.MayCancel, CheckCancel): the
// target's own, or any with OpCancelAny. Canceling a partially delivered add request revokes what it
// delivered through a systemRemove request.
func (s *RequestService) CancelRequest(ctx context.Context, id string) error {
	denied := entitled.Forbiddenf("only the request's target or an administrator of its access package can cancel request %s", id).WithKey("err.request.cancelNotAllowed", "ID", id)
	return s.db.changeRequestAs(ctx, id, entitled.MayCancel, denied, func(t *tx, a *entitled.Actor, q *reqRow) error {
		return s.lc.cancel(ctx, t, a, q)
	})
}

// ReprocessRequest re-runs the failed deliveries of a deliveryFailed or
// partiallyDelivered request (entitled.AssignmentRequest.CheckReprocess); succeeded deliveries are left alone.
func (s *RequestService) ReprocessRequest(ctx context.Context, id string) error {
	return s.db.changeLifecycleAs(ctx, func(t *tx, a *entitled.Actor) error {
		q, err := t.lockRequest(ctx, id)
		if err != nil {
			return err
		}
		if err := entitled.MayReprocess(a, &q.AssignmentRequest, t.now(), s.reprocessWindow); err != nil {
			if entitled.ErrorKind(err) == entitled.KindForbidden {
				if ok, _ := t.canSeeRequest(ctx, a, q); !ok {
					return entitled.NotFoundf("assignment request %q was not found", id).WithKey("error.notFound", "WhatKey", "noun.assignmentRequest", "ID", id)
				}
			}
			return err
		}
		return s.lc.redeliverFailed(ctx, t, a, q)
	})
}

// redeliverFailed puts the failed deliveries of a request back to pending
// with a new run and queues them; the request returns to delivering.
func (lc *lifecycle) redeliverFailed(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow) error {
	now := t.now()
	if err := lc.setRequestState(ctx, t, a, q, entitled.StateDelivering, nil, "Reprocess access package assignment request"); err != nil {
		return err
	}
	failed, err := t.queryDeliveries(ctx, `d.request_id = ? AND d.status = 'failed'`, q.ID)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE deliveries SET status = 'pending', run = run + 1, modified_at = ?, completed_at = NULL
		WHERE request_id = ? AND status = 'failed'`, fmtTime(now), q.ID); err != nil {
		return err
	}
	for i := range failed {
		failed[i].Run++
	}
	if q.AssignmentID != "" && !q.RequestType.IsRemove() {
		if err := setAssignmentState(ctx, t, q.AssignmentID, entitled.AssignmentDelivering); err != nil {
			return err
		}
	}
	return lc.enqueueDeliveries(ctx, t, failed)
}
