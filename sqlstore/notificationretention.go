package sqlstore

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
)

// PruneNotifications deletes the messages of the outbox that were sent or
// recorded before before, and answers how many went. Failed and queued
// messages stay: an operator still has to look at them. The service itself
// runs it (the delivery engine's periodic job, docs/operations.md).
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
		res, err := t.exec(ctx, `DELETE FROM notifications WHERE created_at < ? AND status IN (?, ?) AND updated_at < ?`,
			fmtTime(before), entitled.NotificationSent, entitled.NotificationRecorded, fmtTime(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
