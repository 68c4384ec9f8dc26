package main

import "testing"

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
