package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// The store side of the delivery engine and the scheduler (entitled.Engine).
// It acts as the system: no actor is needed or checked.

var _ entitled.Engine = (*Store)(nil)

func errStale(format string, a ...any) error {
	return &entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeStale, Message: fmt.Sprintf(format, a...)}
}

// ignoreNotFound turns a 404 into nil: the work no longer applies.
func ignoreNotFound(err error) error {
	var e *entitled.Error
	if errors.As(err, &e) && e.Kind == entitled.KindNotFound {
		return nil
	}
	return err
}

// DeliveryWork loads a delivery to attempt with its target subject and its
// full connected system; a CodeStale conflict when the delivery is final or
// was started again (another run) since the job was queued.
func (s *Store) DeliveryWork(ctx context.Context, deliveryID string, run int) (*entitled.DeliveryWork, error) {
	var w *entitled.DeliveryWork
	err := s.inTx(ctx, func(t *tx) error {
		var u entitled.User
		d, err := scanDelivery(t.queryRow(ctx, `SELECT `+deliveryCols+`, u.id, u.user_principal_name, u.display_name, u.mail
			FROM deliveries d JOIN assignment_requests r ON r.id = d.request_id JOIN users u ON u.id = r.target_id
			WHERE d.id = ?`, deliveryID), &u.ID, &u.UserPrincipalName, &u.DisplayName, &u.Mail)
		if err != nil {
			if ignoreNotFound(notFound(err, "delivery", deliveryID)) == nil {
				return errStale("delivery %s no longer exists", deliveryID)
			}
			return err
		}
		if d.Status.IsFinal() {
			return errStale("delivery %s is already %s", deliveryID, d.Status)
		}
		if d.Run != run {
			return errStale("delivery %s is on run %d, not %d", deliveryID, d.Run, run)
		}
		sys, err := s.loadSystem(ctx, t, d.SystemID)
		if err != nil {
			return err
		}
		w = &entitled.DeliveryWork{Delivery: *d, System: *sys, Grant: entitled.Grant{Subject: entitled.SubjectOf(u),
			Resource: d.Resource, Role: d.Role, RequestID: d.RequestID, DeliveryID: d.ID, IdempotencyKey: d.IdempotencyKey()}}
		return nil
	})
	return w, err
}

// RecordDeliveryOutcome stores one attempt's result (rule 3) and, when the
// delivery is final and so are all of its request's, rolls the request and
// its assignment up (rule 2). Outcomes of an outdated run are ignored.
func (s *Store) RecordDeliveryOutcome(ctx context.Context, o entitled.DeliveryOutcome) error {
	return s.inTx(ctx, func(t *tx) error {
		var requestID, status string
		var run int
		if err := t.queryRow(ctx, `SELECT request_id, status, run FROM deliveries WHERE id = ?`, o.DeliveryID).
			Scan(&requestID, &status, &run); err != nil {
			return ignoreNotFound(notFound(err, "delivery", o.DeliveryID))
		}
		if entitled.DeliveryStatus(status).IsFinal() || run != o.Run {
			s.Logger.Debug("ignoring outdated delivery outcome", "delivery", o.DeliveryID, "run", o.Run)
			return nil
		}
		at := o.At
		if at.IsZero() {
			at = s.now()
		}
		at = at.UTC()
		next := entitled.DeliveryPending
		class, msg := "", ""
		var completed any
		switch {
		case o.Err == nil:
			next = entitled.DeliverySucceeded
			completed = fmtTime(at)
		default:
			class, msg = string(entitled.ClassOf(o.Err)), deliveryMessage(o.Err)
			if o.Final {
				next = entitled.DeliveryFailed
				completed = fmtTime(at)
			}
		}
		if _, err := t.exec(ctx, `UPDATE deliveries SET attempts = attempts + 1, status = ?, last_error_class = ?, last_error = ?,
			modified_at = ?, completed_at = ? WHERE id = ?`, string(next), class, msg, fmtTime(at), completed, o.DeliveryID); err != nil {
			return err
		}
		if !next.IsFinal() {
			return nil
		}
		return s.rollUp(ctx, t, requestID)
	})
}

func deliveryMessage(err error) string {
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// rollUp sets a delivering request's state from its deliveries once all
// are final, and its assignment's state after it.
func (s *Store) rollUp(ctx context.Context, t *tx, requestID string) error {
	rows, err := t.query(ctx, `SELECT status FROM deliveries WHERE request_id = ?`, requestID)
	if err != nil {
		return err
	}
	var statuses []entitled.DeliveryStatus
	for rows.Next() {
		var st string
		if err := rows.Scan(&st); err != nil {
			rows.Close()
			return err
		}
		statuses = append(statuses, entitled.DeliveryStatus(st))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	state := entitled.RollUp(statuses)
	if state == entitled.StateDelivering {
		return nil
	}
	q, err := s.loadRequest(ctx, t, requestID)
	if err != nil {
		return err
	}
	if q.State != entitled.StateDelivering {
		return nil
	}
	now := s.now()
	if err := s.setRequestState(ctx, t, entitled.SystemActor, q, state, &now, activityFor(state)); err != nil {
		return err
	}
	if q.AssignmentID == "" {
		return nil
	}
	if q.RequestType.IsRemove() {
		if state == entitled.StateDelivered {
			return s.expireAssignmentNow(ctx, t, q.AssignmentID, now)
		}
		return nil
	}
	if err := setAssignmentState(ctx, t, q.AssignmentID, entitled.AssignmentStateFor(state)); err != nil {
		return err
	}
	if state == entitled.StateDeliveryFailed {
		return nil
	}
	return s.scheduleExpiry(ctx, t, q.AssignmentID)
}

// scheduleExpiry queues the expire job of an assignment with an end time,
// once per end time (recorded in its schedule).
func (s *Store) scheduleExpiry(ctx context.Context, t *tx, assignmentID string) error {
	as, raw, err := scanAssignment(t.queryRow(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = ?`, assignmentID))
	if err != nil {
		return err
	}
	end := endOf(as.Schedule)
	if end == nil {
		return nil
	}
	j := decodeSchedule(raw)
	if j.ExpireJobAt == fmtTime(*end) {
		return nil
	}
	j.ExpireJobAt = fmtTime(*end)
	if _, err := t.exec(ctx, `UPDATE assignments SET schedule = ? WHERE id = ?`, j.encode(), assignmentID); err != nil {
		return err
	}
	return s.enqueue(ctx, t, entitled.Job{Kind: entitled.JobExpire, AssignmentID: assignmentID, RunAt: *end})
}

// ExpireAssignment removes a live assignment whose end time has passed
// through a systemRemove request (rule 8). It does nothing when the end
// time lies ahead, the assignment is gone or expired, or a removal is open.
func (s *Store) ExpireAssignment(ctx context.Context, assignmentID string) error {
	return s.inTx(ctx, func(t *tx) error {
		as, err := s.loadAssignment(ctx, t, assignmentID)
		if err != nil {
			return ignoreNotFound(err)
		}
		if !as.State.IsLive() {
			return nil
		}
		end := endOf(as.Schedule)
		if end == nil || end.After(s.now()) {
			return nil
		}
		if open, err := openRemoval(ctx, t, as.ID); err != nil || open != "" {
			return err
		}
		_, err = s.createRemoval(ctx, t, entitled.SystemActor, as, entitled.RequestSystemRemove, entitled.SystemActor.User.ID,
			"the assignment's schedule ended", nil)
		return err
	})
}

// StartScheduledRequest starts delivery of a scheduled request once its
// start time has come; otherwise it does nothing.
func (s *Store) StartScheduledRequest(ctx context.Context, requestID string) error {
	return s.inTx(ctx, func(t *tx) error {
		q, err := s.loadRequest(ctx, t, requestID)
		if err != nil {
			return ignoreNotFound(err)
		}
		if q.State != entitled.StateScheduled {
			return nil
		}
		if st := q.Schedule.StartDateTime; st != nil && st.After(s.now()) {
			return nil
		}
		return s.startDelivery(ctx, t, entitled.SystemActor, q, nil, false)
	})
}

// TimeOutApprovalStage denies a request whose stage is still in progress at
// its due time.
func (s *Store) TimeOutApprovalStage(ctx context.Context, requestID, stageID string) error {
	return s.inTx(ctx, func(t *tx) error { return s.timeOutStage(ctx, t, requestID, stageID) })
}
