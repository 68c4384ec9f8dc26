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

// DeliveryWork loads one delivery to attempt (DeliveryWorks for one); a
// CodeStale conflict when it is final, was started again (another run)
// since the job was queued, or no longer exists.
func (s *Store) DeliveryWork(ctx context.Context, deliveryID string, run int) (*entitled.DeliveryWork, error) {
	works, err := s.DeliveryWorks(ctx, []entitled.DeliveryRun{{ID: deliveryID, Run: run}})
	if err != nil {
		return nil, err
	}
	if works[0] == nil {
		return nil, errStale("delivery %s run %d no longer applies: it is final, on another run, or gone", deliveryID, run)
	}
	return works[0], nil
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
