package sqlstore

import (
	"slices"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// Pruning the outbox removes the sent and recorded messages older than the
// cut; failed and queued ones, and newer ones, stay.
func TestPruneNotificationsKeepsWhatNeedsLooking(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s, sys, clock := newTestStoreAt(t, t0)
	record := func(subject, status string) {
		t.Helper()
		_, _, err := s.Notifications.RecordNotifications(sys, []*entitled.Notification{{NoticeID: newID(), Event: entitled.NoticeApprovalPending,
			RequestID: newID(), RecipientID: newID(), Subject: subject, Status: status}})
		mustOK(t, err)
	}
	record("old sent", entitled.NotificationSent)
	record("old recorded", entitled.NotificationRecorded)
	record("old failed", entitled.NotificationFailed)
	record("old queued", entitled.NotificationQueued)
	clock.Advance(10 * 24 * time.Hour)
	record("new recorded", entitled.NotificationRecorded)

	n, err := s.Notifications.PruneNotifications(sys, t0.Add(5*24*time.Hour))
	mustOK(t, err)
	p, err := s.Notifications.Notifications(sys, entitled.ListOptions{})
	mustOK(t, err)
	var left []string
	for _, m := range p.Items {
		left = append(left, m.Subject)
	}
	slices.Sort(left)
	if want := []string{"new recorded", "old failed", "old queued"}; n != 2 || !slices.Equal(left, want) {
		t.Fatalf("pruned %d, left %v; want 2 pruned, %v left", n, left, want)
	}
}
