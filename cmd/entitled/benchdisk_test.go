package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskSummaryLeavesTransientTablesOut: the outbox, pruned after its
// default retention, is counted apart from the headline; the fixture's
// tables are in the headline and in its fixture share.
func TestDiskSummaryLeavesTransientTablesOut(t *testing.T) {
	s := summarize([]tableDisk{
		{Name: "deliveries", Table: 600, Indexes: 200},
		{Name: "notifications", Table: 300, Indexes: 200},
		{Name: "users", Table: 150, Indexes: 50},
	}, 2)
	if s.Kept != 500 || s.Fixture != 100 || s.Transient["notifications"] != 250 || len(s.Transient) != 1 {
		t.Fatalf("summary = %+v, want kept 500, fixture 100, notifications 250 apart", s)
	}
}

// TestCreateUserShare: the share of the "Create user" events in
// audit_event_rows, by text and by count, from the stored rows.
func TestCreateUserShare(t *testing.T) {
	ctx := context.Background()
	db, _, err := openServices(ctx, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO audit_actors (id, initiated_by_id, initiated_by_upn, initiated_by_name) VALUES (1, '', '', '')`)
	for id, activity := range map[int]string{1: "Create user", 2: "Create grup"} {
		exec(`INSERT INTO audit_kinds (id, activity_display_name, operation_type, result, target_type, catalog_id, before_state, after_state)
			VALUES (?, ?, 'Add', 'success', '', '', '', '')`, id, activity)
	}
	insert := func(id string, kind int, after string) {
		t.Helper()
		exec(`INSERT INTO audit_event_rows (id, activity_date_time, kind_id, actor_id, after_state)
			VALUES (?, '2026-01-01T00:00:00.000000Z', ?, 1, ?)`, id, kind, after)
	}
	// Text lengths (the two keys count 2): 1 + 27 + 29 + 2 = 59, and 1 + 27 + 11 + 2 = 41.
	insert("a", 1, strings.Repeat("u", 29))
	insert("b", 2, strings.Repeat("g", 11))
	insert("c", 2, strings.Repeat("g", 11))
	text, count, err := createUserShare(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if text != 59.0/141 || count != 1.0/3 {
		t.Fatalf("share = %v by text, %v by count; want %v and %v", text, count, 59.0/141, 1.0/3)
	}
}
