package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/entitled-dev/entitled"
)

// Notifications: the lifecycle queues notices in the transaction of the
// change that causes them (queueNotices, from auditRequest, settle,
// startStage and scheduleExpiries); the notifier works them later through
// the NotificationService: NoticeFacts and the outbox methods below.

// queueNotices inserts one notify job per notice, each with a new id.
func (lc *lifecycle) queueNotices(ctx context.Context, t *tx, ns []entitled.Notice) error {
	if len(ns) == 0 || lc.notices.Disabled {
		return nil
	}
	jobs := make([]entitled.Job, len(ns))
	for i := range ns {
		n := ns[i]
		n.ID = newID()
		jobs[i] = entitled.Job{Kind: entitled.JobNotify, Notice: &n, RequestID: n.RequestID, StageID: n.StageID,
			AssignmentID: n.AssignmentID, RunAt: n.RunAt}
	}
	return lc.enqueue(ctx, t, jobs...)
}

// requestNotices are the notices of a request's change from before to its
// current state (entitled.NoticesOf). Every state change passes here, so
// it also emits the change's event for subscriptions (events.go).
func (lc *lifecycle) requestNotices(t *tx, q *reqRow, before entitled.RequestState) []entitled.Notice {
	c := entitled.StateChange{Request: &q.AssignmentRequest, Before: before, At: t.now(), ReprocessWindow: lc.reprocessWindow}
	t.emitRequest(c)
	return entitled.NoticesOf(c, lc.notices)
}

func scanNotification(r scanner) (*entitled.Notification, error) {
	var m entitled.Notification
	var event, created, updated string
	if err := r.Scan(&m.ID, &m.NoticeID, &event, &m.RequestID, &m.RecipientID, &m.RecipientAddress, &m.Language, &m.Subject,
		&m.Status, &m.Error, &m.Attempts, &created, &updated); err != nil {
		return nil, err
	}
	m.Event = entitled.NoticeEvent(event)
	m.CreatedDateTime, m.ModifiedDateTime = parseTime(created), parseTime(updated)
	return &m, nil
}

// RecordNotifications stores messages in one transaction, or returns
// those already stored for their notice and recipient.
func (s *NotificationService) RecordNotifications(ctx context.Context, ms []*entitled.Notification) ([]*entitled.Notification, []bool, error) {
	for _, m := range ms {
		if m.NoticeID == "" || m.RecipientID == "" {
			return nil, nil, entitled.Invalidf("a notification needs a notice and a recipient").WithKey("err.notification.incomplete")
		}
	}
	out := make([]*entitled.Notification, len(ms))
	created := make([]bool, len(ms))
	err := s.db.changeUnlocked(ctx, func(t *tx) error {
		now := fmtTime(t.now())
		args := make([]any, 0, len(ms)*len(notificationInsert.cols))
		for _, m := range ms {
			// The id carries created_at, as an audit event's does its time
			// (auditid.go): a creation time range is an id range.
			args = append(args, newAuditID(t.now()), m.NoticeID, string(m.Event), m.RequestID, m.RecipientID,
				m.RecipientAddress, m.Language, m.Subject, m.Status, m.Error, int64(m.Attempts), now, now)
		}
		type key struct{ notice, recipient string }
		stored := map[key]*entitled.Notification{}
		isNew := map[key]bool{}
		// The insert returns the rows it made; only messages stored by an
		// earlier attempt are read back.
		err := notificationInsert.run(ctx, t, args, func(rows *sql.Rows) error {
			for rows.Next() {
				n, err := scanNotification(rows)
				if err != nil {
					return err
				}
				k := key{n.NoticeID, n.RecipientID}
				stored[k], isNew[k] = n, true
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("record notifications: %w", err)
		}
		var earlier []any
		for _, m := range ms {
			if stored[key{m.NoticeID, m.RecipientID}] == nil {
				earlier = append(earlier, m.NoticeID)
			}
		}
		if len(earlier) > 0 {
			cond, condArgs, err := s.db.idIn("notice_id", earlier)
			if err != nil {
				return err
			}
			rows, err := queryRows(ctx, t, `SELECT `+notificationCols+` FROM notifications WHERE `+cond, condArgs, scanNotification)
			if err != nil {
				return err
			}
			for _, n := range rows {
				if k := (key{n.NoticeID, n.RecipientID}); stored[k] == nil {
					stored[k] = n
				}
			}
		}
		for i, m := range ms {
			k := key{m.NoticeID, m.RecipientID}
			if out[i] = stored[k]; out[i] == nil {
				return fmt.Errorf("record notification: notice %s for %s not stored", m.NoticeID, m.RecipientID)
			}
			created[i] = isNew[k]
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, created, nil
}

// notificationInsert stores messages, leaving those already stored for the
// same notice and recipient as they are, and returns the new rows.
var notificationInsert = newInsert("notifications", append(textColumns("id", "notice_id", "event", "request_id", "recipient_id",
	"recipient_address", "language", "subject", "status", "error"), bulkColumn{"attempts", "int8"},
	bulkColumn{"created_at", "text"}, bulkColumn{"updated_at", "text"}),
	`ON CONFLICT (notice_id, recipient_id) DO NOTHING RETURNING `+notificationCols)

// MarkNotification records the outcome of one attempt to send a message.
func (s *NotificationService) MarkNotification(ctx context.Context, id, status, errText string) error {
	switch status {
	case entitled.NotificationSent, entitled.NotificationRecorded, entitled.NotificationFailed, entitled.NotificationQueued:
	default:
		return entitled.Invalidf("unknown notification status %q", status).WithKey("err.notification.badStatus", "Status", status)
	}
	if len(errText) > 2000 {
		errText = errText[:2000]
	}
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE notifications SET status = ?, error = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
			status, errText, fmtTime(t.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return entitled.NotFoundf("notification %q was not found", id).WithKey("err.notification.notFound", "ID", id)
		}
		return nil
	})
}

var notificationFields = columnFields("id, event, status, request_id, recipient_id", fields{
	"createddatetime":  {expr: "created_at", kind: colTime, bound: auditIDBound},
	"modifieddatetime": {expr: "updated_at", kind: colTime},
})

// Notifications lists the outbox, oldest first (ids grow with time), for those who may read
// the audit log (tenant administrators).
func (s *NotificationService) Notifications(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Notification], error) {
	if _, err := authorized(ctx, entitled.OpReadAudit, ""); err != nil {
		return entitled.Page[entitled.Notification]{}, err
	}
	return listRows(ctx, s.db, opt, notificationFields, "notifications", "id", notificationCols, "", nil,
		valueOf(scanNotification), func(m entitled.Notification) string { return m.ID })
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
