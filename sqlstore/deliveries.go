package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Deliveries: one grant or revoke of one resource role for one request.

// deliveryCols are read from deliveriesFrom: the delivery (d), its target
// (dt, deliverytargets.go) and its request (r), whose assignment is the
// delivery's (migration 00032: deliveries no longer repeat it).
const deliveryCols = `d.id, d.request_id, r.assignment_id, dt.resource_role_scope_id, d.system_id, d.action, d.status,
	d.attempts, d.run, d.last_error_class, d.last_error, dt.resource_id, dt.resource_display_name, dt.resource_origin_id,
	dt.resource_origin_system, dt.role_id, dt.role_display_name, dt.role_origin_id, d.created_at, d.modified_at, d.completed_at`

// deliveriesFrom joins each delivery to its target and its request.
const deliveriesFrom = `deliveries d JOIN delivery_targets dt ON dt.id = d.target_id JOIN assignment_requests r ON r.id = d.request_id`

// deliveriesOfAssignment selects (on alias d) the deliveries of the
// assignment given twice: through the requests of its user and package
// (the index assignment_requests_target) and then deliveries_request, so
// that no index on the requests' assignment_id is needed.
const deliveriesOfAssignment = `d.request_id IN (SELECT ar.id FROM assignments a
	JOIN assignment_requests ar ON ar.target_id = a.target_id AND ar.access_package_id = a.access_package_id
	WHERE ar.assignment_id = ? AND a.id = ?)`

func scanDelivery(r scanner, extra ...any) (*entitled.Delivery, error) {
	var d entitled.Delivery
	var action, status, class, created, modified string
	var completed sql.NullString
	dest := []any{&d.ID, &d.RequestID, &d.AssignmentID, &d.ResourceRoleScopeID, &d.SystemID, &action, &status,
		&d.Attempts, &d.Run, &class, &d.LastError, &d.Resource.ID, &d.Resource.DisplayName, &d.Resource.OriginID,
		&d.Resource.OriginSystem, &d.Role.ID, &d.Role.DisplayName, &d.Role.OriginID, &created, &modified, &completed}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	d.Action = entitled.DeliveryAction(action)
	d.Status = entitled.DeliveryStatus(status)
	d.LastErrorClass = entitled.ErrorClass(class)
	d.CreatedDateTime = parseTime(created)
	d.ModifiedDateTime = parseTime(modified)
	d.CompletedDateTime = parseTimePtr(completed)
	return &d, nil
}

// queryDeliveries lists deliveries matching cond (on alias d), oldest first.
func (t *tx) queryDeliveries(ctx context.Context, cond string, args ...any) ([]entitled.Delivery, error) {
	rows, err := t.query(ctx, `SELECT `+deliveryCols+` FROM `+deliveriesFrom+` WHERE `+cond+` ORDER BY d.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []entitled.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// deliveryInsert stores new deliveries.
var deliveryInsert = newInsert("deliveries", append(textColumns("id", "request_id",
	"system_id", "action", "status"), bulkColumn{"attempts", "int8"}, bulkColumn{"run", "int8"},
	bulkColumn{"target_id", "int8"}, bulkColumn{"created_at", "text"}, bulkColumn{"modified_at", "text"}), "")

// insertDeliveries stores new deliveries in one statement and queues one
// deliver job each, with the retry policy of the delivery's system.
func (lc *lifecycle) insertDeliveries(ctx context.Context, t *tx, ds []entitled.Delivery) error {
	return lc.insertDeliveriesAs(ctx, t, ds, "")
}

// insertDeliveriesAs is insertDeliveries for deliveries of several
// requests that started together: their jobs carry group (Job.Group).
func (lc *lifecycle) insertDeliveriesAs(ctx context.Context, t *tx, ds []entitled.Delivery, group string) error {
	if len(ds) == 0 {
		return nil
	}
	targets, err := t.deliveryTargetIDs(ctx, ds)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(ds)*len(deliveryInsert.cols))
	for i, d := range ds {
		args = append(args, d.ID, d.RequestID, d.SystemID, string(d.Action),
			string(d.Status), d.Attempts, d.Run, targets[i], fmtTime(d.CreatedDateTime), fmtTime(d.ModifiedDateTime))
	}
	err = deliveryInsert.run(ctx, t, args, nil)
	if err != nil {
		return fmt.Errorf("insert deliveries: %w", err)
	}
	return lc.enqueueDeliveriesAs(ctx, t, ds, group)
}

// enqueueDeliveries queues a deliver job for each delivery's current run.
func (lc *lifecycle) enqueueDeliveries(ctx context.Context, t *tx, ds []entitled.Delivery) error {
	return lc.enqueueDeliveriesAs(ctx, t, ds, "")
}

// enqueueDeliveriesAs is enqueueDeliveries with a Job.Group: the queue may
// then run deliveries of several requests to one system as one job (a
// connector that applies batches gets them in one call; for one that does
// not, the job calls the target for its requests side by side).
func (lc *lifecycle) enqueueDeliveriesAs(ctx context.Context, t *tx, ds []entitled.Delivery, group string) error {
	retries := map[string]entitled.RetryPolicy{}
	jobs := make([]entitled.Job, len(ds))
	for i, d := range ds {
		retry, ok := retries[d.SystemID]
		if !ok {
			sys, err := t.loadSystem(ctx, d.SystemID)
			if err != nil {
				return err
			}
			retry = sys.Retry
			retries[d.SystemID] = retry
		}
		jobs[i] = entitled.Job{Kind: entitled.JobDeliver, DeliveryID: d.ID, Run: d.Run, RequestID: d.RequestID,
			AssignmentID: d.AssignmentID, SystemID: d.SystemID, Retry: retry, Group: group}
	}
	return lc.enqueue(ctx, t, jobs...)
}

// Deliveries lists the deliveries of a request, oldest first, to whoever
// may read the request (canSeeRequest: its target or requestor, an approver
// of it, a holder of OpViewRequests in its catalog); a 404 for others, as
// when reading the request.
func (s *RequestService) Deliveries(ctx context.Context, requestID string) ([]entitled.Delivery, error) {
	var out []entitled.Delivery
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) (err error) {
		// The same rule as reading the request itself, and the same 404.
		if _, err := t.visibleRequest(ctx, a, requestID); err != nil {
			return err
		}
		if out, err = t.queryDeliveries(ctx, `d.request_id = ?`, requestID); err != nil {
			return err
		}
		return t.markWaiting(ctx, out)
	})
	return out, err
}
