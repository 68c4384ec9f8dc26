package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestAuditPrune: events leave the log only before a time that was
// exported (or with withoutExport), the prune is recorded and audited, the
// newer events stay, and the database still refuses any other delete or
// change of audit events and of the retention records.
func TestAuditPrune(t *testing.T) {
	f := newLC(t)
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob) // audit events at f.now
	cut := f.now.Add(time.Minute)
	f.now = f.now.Add(time.Hour)
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice) // newer events
	count := func(cond string, args ...any) int {
		var n int
		mustOK(t, f.s.db.SQL.QueryRow(f.s.db.rebind("SELECT count(*) FROM audit_events WHERE "+cond), args...).Scan(&n))
		return n
	}
	older, total := count("activity_date_time < ?", fmtTime(cut)), count("1 = 1")
	if older == 0 || older == total {
		t.Fatalf("fixture: %d of %d events before the cut", older, total)
	}

	// Not exported yet: refused, nothing removed.
	if _, err := f.s.Audit.PruneAudit(f.sys, cut, false, "root@host"); entitled.ErrorKind(err) != entitled.KindConflict {
		t.Fatalf("prune before any export: %v, want a conflict", err)
	}
	// An export up to an earlier time does not cover the cut.
	var exported int
	mustOK(t, f.s.Audit.EachAuditEventBefore(f.sys, cut, func(entitled.AuditEvent) error { exported++; return nil }))
	if exported != older {
		t.Fatalf("export wrote %d events, want %d", exported, older)
	}
	mustOK(t, f.s.Audit.RecordAuditExport(f.sys, &entitled.AuditRetention{Before: cut.Add(-time.Second), Events: exported}))
	if _, err := f.s.Audit.PruneAudit(f.sys, cut, false, "root@host"); entitled.ErrorKind(err) != entitled.KindConflict {
		t.Fatalf("prune past the export: %v, want a conflict", err)
	}
	if n := count("1 = 1"); n != total+1 { // + the export's own event
		t.Fatalf("a refused prune changed the log: %d events, want %d", n, total+1)
	}
	// A plain delete is still refused by the database.
	if _, err := f.s.db.SQL.Exec("DELETE FROM audit_events"); err == nil {
		t.Fatal("the database let every audit event be deleted")
	}

	mustOK(t, f.s.Audit.RecordAuditExport(f.sys, &entitled.AuditRetention{Before: cut, Events: exported}))
	rec, err := f.s.Audit.PruneAudit(f.sys, cut, false, "root@host")
	mustOK(t, err)
	if rec.Events != older || count("activity_date_time < ?", fmtTime(cut)) != 0 {
		t.Fatalf("prune removed %d, want %d; %d remain before the cut", rec.Events, older, count("activity_date_time < ?", fmtTime(cut)))
	}
	if n := count("activity_display_name = 'Prune audit log' AND target_id = ?", rec.ID); n != 1 {
		t.Fatalf("the prune was audited %d times, want once", n)
	}
	if n := count("1 = 1"); n != total-older+3 { // two exports and the prune
		t.Fatalf("%d events after the prune, want %d", n, total-older+3)
	}
	// Newer events are still protected; retention records cannot change.
	if _, err := f.s.db.SQL.Exec(f.s.db.rebind("DELETE FROM audit_events WHERE activity_date_time >= ?"), fmtTime(cut)); err == nil {
		t.Fatal("the database let events newer than the prune be deleted")
	}
	if _, err := f.s.db.SQL.Exec("DELETE FROM audit_retention"); err == nil {
		t.Fatal("the database let the retention records be deleted")
	}
	if _, err := f.s.db.SQL.Exec("UPDATE audit_retention SET events = 0"); err == nil {
		t.Fatal("the database let a retention record be changed")
	}

	// Without export, by the operator's choice; never into the future.
	if _, err := f.s.Audit.PruneAudit(f.sys, f.now.Add(time.Hour), true, "root@host"); entitled.ErrorKind(err) != entitled.KindInvalid {
		t.Fatalf("prune into the future: %v, want invalid", err)
	}
	f.now = f.now.Add(time.Minute)
	rec, err = f.s.Audit.PruneAudit(f.sys, f.now, true, "root@host")
	mustOK(t, err)
	if rec.Events == 0 || count("activity_date_time < ?", fmtTime(f.now)) != 0 {
		t.Fatalf("prune without export removed %d", rec.Events)
	}
	// Only tenant administrators may export or prune.
	if _, err := f.s.Audit.PruneAudit(f.as(f.alice), f.now, true, "x"); entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Fatalf("prune by a user: %v, want forbidden", err)
	}
}
