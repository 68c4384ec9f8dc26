package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/entitled-dev/entitled"
)

// An audit event's id carries its activityDateTime (to the millisecond),
// whatever the clock, and ids of events of the same millisecond keep the
// order the events were written in.
func TestAuditIDCarriesEventTime(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 89_000_000, time.UTC)
	s, sys, _ := newTestStoreAt(t, at)
	var want []string
	for range 5 {
		g := &entitled.Group{DisplayName: "g"}
		mustOK(t, s.Groups.CreateGroup(sys, g))
		want = append(want, g.ID)
	}
	rows, err := s.db.SQL.Query(`SELECT id, target_id FROM audit_events WHERE activity_display_name = 'Create group' ORDER BY id`)
	mustOK(t, err)
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, target string
		mustOK(t, rows.Scan(&id, &target))
		u, err := uuid.Parse(id)
		mustOK(t, err)
		if u.Version() != 7 || int64(u[0])<<40|int64(u[1])<<32|int64(u[2])<<24|int64(u[3])<<16|int64(u[4])<<8|int64(u[5]) != at.UnixMilli() {
			t.Fatalf("id %s (version %d) does not carry the event's time %s", id, u.Version(), at)
		}
		got = append(got, target)
	}
	mustOK(t, rows.Err())
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events by id: %v, want the order written: %v", got, want)
		}
	}
}

// Events written before version 00020 took their id a moment after their
// time: the id ranges a time filter adds still find every one of them.
func TestAuditTimeFilterFindsOlderEvents(t *testing.T) {
	s, sys := newTestStore(t)
	base := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	for i, lag := range []time.Duration{0, time.Millisecond, 2 * time.Second, 30 * time.Minute} {
		at := base.Add(time.Duration(i) * time.Minute)
		storeAuditRows(t, s.db, auditRow{id: newAuditID(at.Add(lag)), at: fmtTime(at), kind: auditContent{"Old event", "Add", "success"}})
	}
	for _, c := range []struct {
		op   string
		at   time.Time
		want int
	}{
		{"lt", base.Add(4 * time.Minute), 4}, {"le", base.Add(3 * time.Minute), 4}, {"lt", base.Add(3 * time.Minute), 3},
		{"ge", base, 4}, {"gt", base, 3}, {"eq", base.Add(3 * time.Minute), 1}, {"ne", base, 3},
	} {
		f := entitled.Logical{Op: "and", Left: entitled.Compare{Op: "eq", Property: "activityDisplayName", Value: "Old event"},
			Right: entitled.Compare{Op: c.op, Property: "activityDateTime", Value: c.at}}
		p, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: f})
		mustOK(t, err)
		if len(p.Items) != c.want {
			t.Errorf("activityDateTime %s %s: %d events, want %d", c.op, c.at.Format(time.TimeOnly), len(p.Items), c.want)
		}
	}
}

// storeAuditRows writes audit rows as the store does (with their
// dictionary rows), in a transaction of their own.
func storeAuditRows(t *testing.T, db *DB, rows ...auditRow) {
	t.Helper()
	mustOK(t, db.changeUnlocked(context.Background(), func(tx *tx) error { return tx.insertAudit(context.Background(), rows) }))
}
