package sqlstore

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
)

// PruneNotifications deletes the messages of the outbox that were sent or
// recorded before before, and answers how many went. Failed and queued
// messages stay: an operator still has to look at them. The service itself
// runs it (the delivery engine's periodic job, docs/operations.md). The
// rows are found by id: ids carry their creation time (RecordNotifications),
// so no index on created_at is needed (migration 00025).
func (s *NotificationService) PruneNotifications(ctx context.Context, before time.Time) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if err := a.Authorize(entitled.OpReadAudit, ""); err != nil {
		return 0, err
	}
	var n int64
	err = s.db.changeUnlocked(ctx, func(t *tx) error {
		res, err := t.exec(ctx, notificationPrune,
			auditIDBefore(before), fmtTime(before), entitled.NotificationSent, entitled.NotificationRecorded, fmtTime(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// notificationPrune deletes the sent and recorded messages created and
// updated before a time; the first argument is auditIDBefore of it.
const notificationPrune = `DELETE FROM notifications WHERE id < ? AND created_at < ? AND status IN (?, ?) AND updated_at < ?`
