package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// The request lifecycle (docs/design.md), shared by the request, approval,
// assignment and engine files: rows, schedules, state transitions and the
// start of delivery.

// lifecycle is what changes of requests and assignments need beyond their
// transaction: the queue their jobs go to, and the settings
// of the notices the changes queue and of the reprocess window a resumed
// system's retries obey. Its methods move requests between states with
// their audit events and notices, start deliveries, approval stages,
// removals and expiries, settle requests and apply system health events;
// the request, approval, assignment, system, health, delivery and admin
// services share one.
type lifecycle struct {
	queue Queue
	// notices tunes the notices state changes queue (queueNotices).
	notices entitled.NoticeSettings
	// reprocessWindow is how long after completion a failed request may be
	// reprocessed (entitled.AssignmentRequest.CheckReprocess).
	reprocessWindow time.Duration
	// logger logs what is skipped on purpose (retryAfterResume).
	logger *slog.Logger
	// leaverGrace delays the removal of a disabled user's access (leavers.go).
	leaverGrace time.Duration
}

// enqueue inserts jobs in the transaction.
func (lc *lifecycle) enqueue(ctx context.Context, t *tx, jobs ...entitled.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	return lc.queue.InsertJobs(ctx, t.Tx, jobs)
}

const requestTargetType = "AccessPackageAssignmentRequest"

// reqRow is a stored request with its optimistic-concurrency version.
type reqRow struct {
	entitled.AssignmentRequest
	version int
}

const requestCols = `id, request_type, state, justification, created_at, completed_at, schedule,
	access_package_id, policy_id, catalog_id, target_id, requestor_id, assignment_id, answers, version`

// scanRequest reads a row of requestCols, then into extra what follows.
func scanRequest(r scanner, extra ...any) (*reqRow, error) {
	var q reqRow
	var typ, state, created, sched string
	var completed sql.NullString
	dest := []any{&q.ID, &typ, &state, &q.Justification, &created, &completed, &sched,
		&q.AccessPackageID, &q.AssignmentPolicyID, &q.CatalogID, &q.TargetID, &q.RequestorID, &q.AssignmentID,
		&q.Answers, &q.version}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	q.RequestType = entitled.RequestType(typ)
	q.State = entitled.RequestState(state)
	q.Status = q.State.Status()
	q.CreatedDateTime = parseTime(created)
	q.CompletedDateTime = parseTimePtr(completed)
	q.Schedule = decodeSchedule(sched).schedule()
	return &q, nil
}

// loadRequest loads a request by id without authorization; 404 when missing.
func (t *tx) loadRequest(ctx context.Context, id string) (*reqRow, error) {
	q, err := scanRequest(t.queryRow(ctx, `SELECT `+requestCols+` FROM assignment_requests WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "assignment request", id)
	}
	return q, nil
}

const setRequestStateQuery = `UPDATE assignment_requests SET state = ?, status = ?, completed_at = ?, version = version + 1
	WHERE id = ? AND version = ?`

// assignmentInsert and requestInsert store new assignments and requests,
// one or a batch, with the values of newAssignmentArgs and requestArgs.
var (
	assignmentInsert = newInsert("assignments", textColumns("id", "access_package_id", "policy_id", "catalog_id",
		"target_id", "state", "status", "schedule", "created_at"), "")
	requestInsert = newInsert("assignment_requests", append(textColumns("id", "request_type", "state", "status",
		"justification", "created_at", "completed_at", "schedule", "access_package_id", "policy_id", "catalog_id",
		"target_id", "requestor_id", "assignment_id", "answers"), bulkColumn{"version", "int8"}, bulkColumn{"delivery_count", "int8"}), "")
)

// newAssignmentArgs are the assignmentInsert values of the assignment a
// request starting delivery now creates (q.AssignmentID set): delivering,
// starting now (or at the request's earlier start), ending per its
// expiration.
func newAssignmentArgs(q *reqRow, now time.Time) []any {
	start := now
	if st := q.Schedule.StartDateTime; st != nil && st.Before(now) {
		start = *st
	}
	asc := entitled.Schedule{StartDateTime: &start, Expiration: q.Schedule.Expiration}
	if end := endOf(asc); end != nil {
		asc.Expiration.EndDateTime = end
	}
	return []any{q.AssignmentID, q.AccessPackageID, q.AssignmentPolicyID, q.CatalogID, q.TargetID,
		string(entitled.AssignmentDelivering), entitled.AssignmentDelivering.Status(), scheduleOf(asc).encode(), fmtTime(now)}
}

const setAssignmentStateQuery = `UPDATE assignments SET state = ?, status = ? WHERE id = ?`

// insertRequest stores a new request (its ID, State and CreatedDateTime set)
// that will have deliveries deliveries (0 while they are not made yet).
func insertRequest(ctx context.Context, t *tx, r *entitled.AssignmentRequest, sched scheduleJSON, deliveries int) error {
	err := requestInsert.run(ctx, t, requestArgs(r, sched, deliveries), nil)
	if err != nil {
		return fmt.Errorf("insert request: %w", err)
	}
	return nil
}

// requestArgs are the requestInsert values of a new request r (version 1)
// with its number of deliveries; it sets r.Status.
func requestArgs(r *entitled.AssignmentRequest, sched scheduleJSON, deliveries int) []any {
	r.Status = r.State.Status()
	return []any{r.ID, string(r.RequestType), string(r.State), r.Status, r.Justification, fmtTime(r.CreatedDateTime),
		fmtTimePtr(r.CompletedDateTime), sched.encode(), r.AccessPackageID, r.AssignmentPolicyID, r.CatalogID,
		r.TargetID, r.RequestorID, r.AssignmentID, r.Answers, 1, deliveries}
}

// errChanged is the 409 for a request another caller changed first.
func errChanged(id string) error {
	return entitled.Conflictf("assignment request %s changed meanwhile (another decision, cancel or reprocess won); reload it and try again", id).WithKey("err.request.changedMeanwhile", "ID", id)
}

// setRequestState moves a request to state if its version is still the one
// read; it bumps the version, writes the audit event and returns 409 when
// another transaction changed the request first.
func (lc *lifecycle) setRequestState(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow, state entitled.RequestState,
	completed *time.Time, activity string) error {
	res, err := t.exec(ctx, setRequestStateQuery, string(state), state.Status(), fmtTimePtr(completed), q.ID, q.version)
	if err != nil {
		return fmt.Errorf("update request: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errChanged(q.ID)
	}
	before := q.State
	q.State, q.Status, q.CompletedDateTime = state, state.Status(), completed
	q.version++
	return lc.auditRequest(ctx, t, a, q, activity, before)
}

// auditRequest writes the audit event of a request's state change and
// queues the notices it causes (entitled.NoticesOf).
func (lc *lifecycle) auditRequest(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow, activity string, before entitled.RequestState) error {
	if err := t.audit(ctx, a, requestAudit(q, activity, before)); err != nil {
		return err
	}
	return lc.queueNotices(ctx, t, lc.requestNotices(t, q, before))
}

// requestAudit is the audit entry of a request's state change from before
// ("" for a new request) to its current state.
func requestAudit(q *reqRow, activity string, before entitled.RequestState) auditEntry {
	var b any
	op := "Update"
	if before != "" {
		b = map[string]string{"state": string(before)}
	} else {
		op = "Add"
	}
	return auditEntry{Activity: activity, Operation: op, TargetID: q.ID, TargetType: requestTargetType,
		TargetName: string(q.RequestType), CatalogID: q.CatalogID, Before: b,
		After: map[string]string{"state": string(q.State)}}
}

// activityFor names the audit activity of a rolled-up or changed state.
func activityFor(state entitled.RequestState) string {
	switch state {
	case entitled.StateDelivered:
		return "Request delivered"
	case entitled.StatePartiallyDelivered:
		return "Request partially delivered"
	case entitled.StateDeliveryFailed:
		return "Request delivery failed"
	case entitled.StateDenied:
		return "Request denied"
	case entitled.StateCanceled:
		return "Cancel access package assignment request"
	case entitled.StateScheduled:
		return "Request scheduled"
	case entitled.StateDelivering:
		return "Request delivering"
	}
	return "Request " + string(state)
}

// endOf returns when an assignment with this schedule ends, or nil.
func endOf(sc entitled.Schedule) *time.Time {
	if sc.Expiration.EndDateTime != nil {
		t := *sc.Expiration.EndDateTime
		return &t
	}
	if sc.StartDateTime == nil {
		return nil
	}
	return sc.Expiration.EndFrom(*sc.StartDateTime)
}

// startDelivery creates the assignment of an add request (or reuses the one
// it names), one grant delivery per resource role scope and one deliver job
// each, and moves the request to delivering. The request row must already
// exist unless insert is true, in which case it is inserted in state
// delivering (the hot path of an auto-approved request).
func (lc *lifecycle) startDelivery(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow, scopes []entitled.ResourceRoleScope,
	insert bool) error {
	now := t.now()
	if scopes == nil {
		var err error
		if scopes, err = t.loadRoleScopes(ctx, q.AccessPackageID); err != nil {
			return err
		}
	}
	if len(scopes) == 0 {
		return entitled.Invalidf("access package %s has no resource roles to deliver; add a resource role scope first", q.AccessPackageID).WithKey("err.request.noRolesToDeliver", "Package", q.AccessPackageID)
	}
	q.AssignmentID = newID()
	if err := assignmentInsert.run(ctx, t, newAssignmentArgs(q, now), nil); err != nil {
		return fmt.Errorf("insert assignment: %w", err)
	}
	if insert {
		q.State = entitled.StateDelivering
		if err := insertRequest(ctx, t, &q.AssignmentRequest, scheduleOf(q.Schedule), len(scopes)); err != nil {
			return err
		}
		if err := lc.auditRequest(ctx, t, a, q, "Create access package assignment request", ""); err != nil {
			return err
		}
	} else {
		res, err := t.exec(ctx, `UPDATE assignment_requests SET state = ?, status = ?, assignment_id = ?, delivery_count = ?,
			version = version + 1 WHERE id = ? AND version = ?`, string(entitled.StateDelivering), entitled.StateDelivering.Status(),
			q.AssignmentID, len(scopes), q.ID, q.version)
		if err != nil {
			return fmt.Errorf("update request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errChanged(q.ID)
		}
		before := q.State
		q.State, q.Status = entitled.StateDelivering, entitled.StateDelivering.Status()
		q.version++
		if err := lc.auditRequest(ctx, t, a, q, activityFor(entitled.StateDelivering), before); err != nil {
			return err
		}
	}
	return lc.insertDeliveries(ctx, t, grantDeliveries(q.ID, q.AssignmentID, scopes, now))
}

// grantDeliveries returns one pending grant delivery per resource role
// scope, with snapshots of the resource and role.
func grantDeliveries(requestID, assignmentID string, scopes []entitled.ResourceRoleScope, now time.Time) []entitled.Delivery {
	ds := make([]entitled.Delivery, len(scopes))
	for i, sc := range scopes {
		ds[i] = entitled.Delivery{ID: newID(), RequestID: requestID, AssignmentID: assignmentID, ResourceRoleScopeID: sc.ID,
			SystemID: sc.Resource.SystemID, Action: entitled.ActionGrant, Status: entitled.DeliveryPending, Run: 1,
			Resource: entitled.ResourceRef{ID: sc.Resource.ID, DisplayName: sc.Resource.DisplayName,
				OriginID: sc.Resource.OriginID, OriginSystem: sc.Resource.OriginSystem},
			Role:            entitled.ResourceRoleRef{ID: sc.Role.ID, DisplayName: sc.Role.DisplayName, OriginID: sc.Role.OriginID},
			CreatedDateTime: now, ModifiedDateTime: now}
	}
	return ds
}

// startOrSchedule continues an approved (or approval-free) add request:
// scheduled with a start job when its start lies in the future, otherwise
// delivering. insert says whether the request row is still to be written.
func (lc *lifecycle) startOrSchedule(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow, scopes []entitled.ResourceRoleScope,
	insert bool) error {
	now := t.now()
	if st := q.Schedule.StartDateTime; st != nil && st.After(now) {
		if insert {
			q.State = entitled.StateScheduled
			if err := insertRequest(ctx, t, &q.AssignmentRequest, scheduleOf(q.Schedule), 0); err != nil {
				return err
			}
			if err := lc.auditRequest(ctx, t, a, q, "Create access package assignment request", ""); err != nil {
				return err
			}
		} else if err := lc.setRequestState(ctx, t, a, q, entitled.StateScheduled, nil, activityFor(entitled.StateScheduled)); err != nil {
			return err
		}
		return lc.enqueue(ctx, t, entitled.Job{Kind: entitled.JobStart, RequestID: q.ID, RunAt: *st})
	}
	return lc.startDelivery(ctx, t, a, q, scopes, insert)
}

// grantedRoles returns, per resource role, the last succeeded grant of the
// assignment not followed by a succeeded revoke: what a removal must revoke.
// onlyRequest limits it to the grants of one request.
func (t *tx) grantedRoles(ctx context.Context, assignmentID, onlyRequest string) ([]entitled.Delivery, error) {
	ds, err := t.queryDeliveries(ctx, deliveriesOfAssignment+` AND d.status = 'succeeded'`, assignmentID, assignmentID)
	if err != nil {
		return nil, err
	}
	byRole := map[string]*entitled.Delivery{}
	order := []string{}
	for i := range ds {
		d := &ds[i]
		key := d.Role.ID
		switch d.Action {
		case entitled.ActionGrant:
			if _, ok := byRole[key]; !ok {
				order = append(order, key)
			}
			byRole[key] = d
		case entitled.ActionRevoke:
			byRole[key] = nil
		}
	}
	out := []entitled.Delivery{}
	for _, k := range order {
		if d := byRole[k]; d != nil && (onlyRequest == "" || d.RequestID == onlyRequest) {
			out = append(out, *d)
		}
	}
	return out, nil
}

// createRemoval creates a remove request of type typ for an assignment with
// one revoke delivery per granted role (grants; nil means compute them all).
// With nothing to revoke it completes at once and the assignment expires.
func (lc *lifecycle) createRemoval(ctx context.Context, t *tx, a *entitled.Actor, as *entitled.Assignment, typ entitled.RequestType,
	requestorID, justification string, grants []entitled.Delivery) (*reqRow, error) {
	now := t.now()
	if grants == nil {
		var err error
		if grants, err = t.grantedRoles(ctx, as.ID, ""); err != nil {
			return nil, err
		}
	}
	q := &reqRow{AssignmentRequest: entitled.AssignmentRequest{ID: newID(), RequestType: typ, State: entitled.StateDelivering,
		Justification: justification, CreatedDateTime: now, AccessPackageID: as.AccessPackageID,
		AssignmentPolicyID: as.AssignmentPolicyID, CatalogID: as.CatalogID, TargetID: as.TargetID, RequestorID: requestorID,
		AssignmentID: as.ID}, version: 1}
	if len(grants) == 0 {
		q.State = entitled.StateDelivered
		q.CompletedDateTime = &now
	}
	if err := insertRequest(ctx, t, &q.AssignmentRequest, scheduleJSON{}, len(grants)); err != nil {
		return nil, err
	}
	if err := lc.auditRequest(ctx, t, a, q, "Create access package assignment request", ""); err != nil {
		return nil, err
	}
	if len(grants) == 0 {
		t.emit(entitled.ExpiryEvent(&q.AssignmentRequest, now))
		return q, t.expireAssignmentNow(ctx, as.ID, now)
	}
	ds := make([]entitled.Delivery, len(grants))
	for i, g := range grants {
		ds[i] = entitled.Delivery{ID: newID(), RequestID: q.ID, AssignmentID: as.ID, ResourceRoleScopeID: g.ResourceRoleScopeID,
			SystemID: g.SystemID, Action: entitled.ActionRevoke, Status: entitled.DeliveryPending, Run: 1,
			Resource: g.Resource, Role: g.Role, CreatedDateTime: now, ModifiedDateTime: now}
	}
	return q, lc.insertDeliveries(ctx, t, ds)
}

// expireAssignmentNow marks an assignment expired.
func (t *tx) expireAssignmentNow(ctx context.Context, assignmentID string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE assignments SET state = ?, status = ?, expired_at = ? WHERE id = ?`,
		string(entitled.AssignmentExpired), entitled.AssignmentExpired.Status(), fmtTime(now), assignmentID)
	return err
}

// setAssignmentState sets an assignment's state.
func setAssignmentState(ctx context.Context, t *tx, assignmentID string, st entitled.AssignmentState) error {
	_, err := t.exec(ctx, setAssignmentStateQuery, string(st), st.Status(), assignmentID)
	return err
}

// openRemoval returns the id of an open remove request of the assignment, or "".
func openRemoval(ctx context.Context, t *tx, assignmentID string) (string, error) {
	return openRequestOn(ctx, t, assignmentID, removeTypesSQL)
}

// openRequestOn returns the id of an open request of one of the types
// typesSQL (an SQL list) on the assignment, or "".
func openRequestOn(ctx context.Context, t *tx, assignmentID, typesSQL string) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT id FROM assignment_requests WHERE assignment_id = ?
		AND request_type IN `+typesSQL+`
		AND state IN `+openStatesSQL+` LIMIT 1`, assignmentID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// inList returns "?,?,?" for n values.
func inList(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}
