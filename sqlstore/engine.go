package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// The store side of the delivery engine and the scheduler (entitled.Engine).
// It acts as the system: no actor is needed or checked.

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

// scheduleExpiries queues the expire job of each assignment with an end
// time, once per end time (recorded in its schedule): one query to read
// them, one update and one insert of jobs for all.
func (lc *lifecycle) scheduleExpiries(ctx context.Context, t *tx, assignmentIDs []any) error {
	cond, args, err := t.db.idIn("id", assignmentIDs)
	if err != nil {
		return err
	}
	rows, err := t.bulkQuery(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE `+cond, args...)
	if err != nil {
		return err
	}
	var jobs []entitled.Job
	var notices []entitled.Notice
	var schedules []any // id, schedule per row
	for rows.Next() {
		as, raw, err := scanAssignment(rows)
		if err != nil {
			rows.Close()
			return err
		}
		end := endOf(as.Schedule)
		j := decodeSchedule(raw)
		if end == nil || j.ExpireJobAt == fmtTime(*end) {
			continue
		}
		j.ExpireJobAt = fmtTime(*end)
		schedules = append(schedules, as.ID, j.encode())
		jobs = append(jobs, entitled.Job{Kind: entitled.JobExpire, AssignmentID: as.ID, RunAt: *end})
		notices = append(notices, entitled.AssignmentNotices(as.ID, end, t.now(), lc.notices)...)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(jobs) == 0 {
		return err
	}
	src, args, err := t.db.rowsSource(textColumns("vid", "vschedule"), schedules)
	if err != nil {
		return err
	}
	if _, err := t.bulkExec(ctx, `WITH v(vid, vschedule) AS (`+src+`)
		UPDATE assignments SET schedule = v.vschedule FROM v WHERE assignments.id = v.vid`, args...); err != nil {
		return fmt.Errorf("record expiry: %w", err)
	}
	if err := lc.enqueue(ctx, t, jobs...); err != nil {
		return err
	}
	return lc.queueNotices(ctx, t, notices)
}

// ExpireAssignment removes a live assignment whose end time has passed
// through a systemRemove request. It does nothing when the end
// time lies ahead, the assignment is gone or expired, or a removal is open.
func (s *DeliveryService) ExpireAssignment(ctx context.Context, assignmentID string) error {
	return s.db.changeLifecycle(ctx, func(t *tx) error {
		as, err := t.lockAssignment(ctx, assignmentID)
		if err != nil {
			return ignoreNotFound(err)
		}
		if !as.State.IsLive() {
			return nil
		}
		end := endOf(as.Schedule)
		if end == nil || end.After(t.now()) {
			return nil
		}
		if open, err := openRemoval(ctx, t, as.ID); err != nil || open != "" {
			return err
		}
		_, err = s.lc.createRemoval(ctx, t, entitled.SystemActor, as, entitled.RequestSystemRemove, entitled.SystemActor.User.ID,
			"the assignment's schedule ended", nil)
		return err
	})
}

// StartScheduledRequest starts delivery of a scheduled request once its
// start time has come; otherwise it does nothing.
func (s *DeliveryService) StartScheduledRequest(ctx context.Context, requestID string) error {
	return s.db.changeLifecycle(ctx, func(t *tx) error {
		q, err := t.lockRequest(ctx, requestID)
		if err != nil {
			return ignoreNotFound(err)
		}
		if q.State != entitled.StateScheduled {
			return nil
		}
		if st := q.Schedule.StartDateTime; st != nil && st.After(t.now()) {
			return nil
		}
		return s.lc.startDelivery(ctx, t, entitled.SystemActor, q, nil, false)
	})
}

// TimeOutApprovalStage denies a request whose stage is still in progress at
// its due time.
func (s *DeliveryService) TimeOutApprovalStage(ctx context.Context, requestID, stageID string) error {
	return s.db.changeLifecycle(ctx, func(t *tx) error { return s.timeOutStage(ctx, t, requestID, stageID) })
}
