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
// audit_events, by text and by count, from the stored rows.
func TestCreateUserShare(t *testing.T) {
	ctx := context.Background()
	db, _, err := openServices(ctx, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	insert := func(id, activity, after string) {
		t.Helper()
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO audit_events (id, activity_date_time, activity_display_name, operation_type, result, after_state)
			VALUES (?, '2026-01-01T00:00:00.000000Z', ?, 'Add', 'success', ?)`, id, activity, after); err != nil {
			t.Fatal(err)
		}
	}
	// Text lengths: 1 + 27 + 11 + 3 + 7 + 29 = 78, and 1 + 27 + 11 + 3 + 7 + 11 = 60.
	insert("a", "Create user", strings.Repeat("u", 29))
	insert("b", "Create grup", strings.Repeat("g", 11))
	insert("c", "Create grup", strings.Repeat("g", 11))
	text, count, err := createUserShare(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if text != 78.0/198 || count != 1.0/3 {
		t.Fatalf("share = %v by text, %v by count; want %v and %v", text, count, 78.0/198, 1.0/3)
	}
}
