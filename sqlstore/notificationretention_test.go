package sqlstore

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
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

// TestNotificationIDsCarryCreationTime: a message's id is a UUIDv7 of its
// created_at, so that pruning and a createdDateTime filter find messages
// by id range without an index on created_at (migration 00025), and the
// prune is an index search, not a scan of the outbox.
func TestNotificationIDsCarryCreationTime(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s, sys, clock := newTestStoreAt(t, t0)
	var ids []string
	for range 2 {
		ms, _, err := s.Notifications.RecordNotifications(sys, []*entitled.Notification{{NoticeID: newID(), Event: entitled.NoticeApprovalPending,
			RequestID: newID(), RecipientID: newID(), Subject: "s", Status: entitled.NotificationRecorded}})
		mustOK(t, err)
		ids = append(ids, ms[0].ID)
		clock.Advance(48 * time.Hour)
	}
	if got := ids[0][:13]; got != auditIDAt(t0)[:13] {
		t.Fatalf("id %s does not carry its creation time %s (%s)", ids[0], t0, auditIDAt(t0))
	}
	f, err := odata.ParseFilter("createdDateTime ge 2026-03-02T00:00:00Z")
	mustOK(t, err)
	p, err := s.Notifications.Notifications(sys, entitled.ListOptions{Filter: f})
	mustOK(t, err)
	if len(p.Items) != 1 || p.Items[0].ID != ids[1] {
		t.Fatalf("createdDateTime ge a day later: %+v, want only %s", p.Items, ids[1])
	}
	if s.db.Dialect != DialectSQLite {
		return
	}
	rows, err := s.db.tQuery(`EXPLAIN QUERY PLAN `+notificationPrune, auditIDBefore(t0), fmtTime(t0), "sent", "recorded", fmtTime(t0))
	mustOK(t, err)
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		mustOK(t, rows.Scan(&id, &parent, &unused, &detail))
		if !strings.Contains(detail, "SEARCH notifications USING INDEX sqlite_autoindex_notifications_1 (id<?)") {
			t.Fatalf("prune plan: %s, want a search by id", detail)
		}
	}
}
