package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func countAudit(t *testing.T, s *Services) int {
	t.Helper()
	var n int
	mustOK(t, s.db.tQueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&n))
	return n
}

// TestAuditSameTransaction: a change writes its event; a refused change
// writes none (its transaction rolled back with the event).
func TestAuditSameTransaction(t *testing.T) {
	s, sys := newTestStore(t)
	sys = entitled.WithRequestID(sys, "req-1")
	before := countAudit(t, s)
	c := &entitled.Catalog{DisplayName: "Audited"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, c))
	pkg := &entitled.AccessPackage{CatalogID: c.ID, DisplayName: "P"}
	mustOK(t, s.AccessPackages.CreateAccessPackage(sys, pkg))
	if n := countAudit(t, s); n != before+2 {
		t.Fatalf("%d new audit events, want 2", n-before)
	}
	p, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "targetId", Value: pkg.ID}})
	mustOK(t, err)
	if len(p.Items) != 1 {
		t.Fatalf("events for package: %+v", p.Items)
	}
	e := p.Items[0]
	if e.ActivityDisplayName != "Create access package" || e.OperationType != "Add" || e.CorrelationID != "req-1" ||
		e.InitiatedBy.UserID != entitled.SystemActor.User.ID || !contains(e.After, pkg.ID) || e.Before != "" {
		t.Errorf("event %+v", e)
	}
	// Failed changes: the package blocks the delete; a 400 half way through a
	// resource add; a duplicate user. None leaves an event.
	n0 := countAudit(t, s)
	wantKind(t, s.Catalogs.DeleteCatalog(sys, c.ID), entitled.KindConflict)
	mustUser(t, s, sys, "dup@example.com")
	n1 := countAudit(t, s)
	wantKind(t, s.Users.CreateUser(sys, &entitled.User{UserPrincipalName: "DUP@example.com"}), entitled.KindConflict)
	wantKind(t, s.Policies.CreatePolicy(sys, &entitled.AssignmentPolicy{AccessPackageID: pkg.ID, DisplayName: "x", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: newID()}}}}}}), entitled.KindInvalid)
	if n := countAudit(t, s); n != n1 || n1 != n0+1 {
		t.Fatalf("failed changes wrote %d events", n-n1)
	}
	// An update records before and after.
	d := "new"
	_, err = s.AccessPackages.UpdateAccessPackage(sys, pkg.ID, entitled.AccessPackageUpdate{Description: &d})
	mustOK(t, err)
	p, err = s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Logical{Op: "and",
		Left:  entitled.Compare{Op: "eq", Property: "targetId", Value: pkg.ID},
		Right: entitled.Compare{Op: "eq", Property: "activityDisplayName", Value: "Update access package"}}})
	mustOK(t, err)
	if len(p.Items) != 1 || !contains(p.Items[0].Before, `"Description":""`) || !contains(p.Items[0].After, `"Description":"new"`) {
		t.Errorf("update event %+v", p.Items)
	}
}

func TestAuditPagingFiltersAndScope(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	now := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC) // after the fixture's events
	s.db.Now = func() time.Time { return now }
	mid := now
	for i := 0; i < 5; i++ {
		now = now.Add(time.Minute) // group i at mid + i+1 minutes
		mustOK(t, s.Groups.CreateGroup(sys, &entitled.Group{DisplayName: "g"}))
	}
	all, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Count: true})
	mustOK(t, err)
	total := *all.Count
	// Page through with $skiptoken: every event once, in id order.
	events, _ := pageThrough(t, entitled.ListOptions{Top: 4}, func(opt entitled.ListOptions) (entitled.Page[entitled.AuditEvent], error) {
		return s.Audit.AuditEvents(sys, opt)
	})
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	if len(ids) != total {
		t.Fatalf("paged %d events, want %d", len(ids), total)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids out of order at %d", i)
		}
	}
	// activityDateTime ranges, category, initiatedBy/user/id, correlationId.
	filters := []struct {
		name string
		e    entitled.Expr
		want int
	}{
		{"ge", entitled.Compare{Op: "ge", Property: "activityDateTime", Value: mid}, 5},
		{"gt string", entitled.Compare{Op: "gt", Property: "activityDateTime", Value: mid.Add(4 * time.Minute).Format(time.RFC3339)}, 1},
		{"lt", entitled.Compare{Op: "lt", Property: "activityDateTime", Value: mid}, total - 5},
		{"le", entitled.Compare{Op: "le", Property: "activityDateTime", Value: mid.Add(time.Minute)}, total - 4},
		{"category", entitled.Compare{Op: "eq", Property: "category", Value: entitled.AuditCategory}, total},
		{"initiatedBy", entitled.Compare{Op: "eq", Property: "initiatedBy/user/id", Value: entitled.SystemActor.User.ID}, total},
		{"correlationId", entitled.Compare{Op: "eq", Property: "correlationId", Value: "none"}, 0},
		{"activityDisplayName", entitled.Compare{Op: "eq", Property: "activityDisplayName", Value: "Create group"}, 5},
	}
	for _, c := range filters {
		p, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: c.e})
		mustOK(t, err)
		if len(p.Items) != c.want {
			t.Errorf("%s: %d events, want %d", c.name, len(p.Items), c.want)
		}
	}
	_, err = s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "before", Value: "x"}})
	wantKind(t, err, entitled.KindInvalid)
	_, err = s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "ge", Property: "activityDateTime", Value: "yesterday"}})
	wantKind(t, err, entitled.KindInvalid)
	// A catalog reader sees only events of their catalog.
	p, err := s.Audit.AuditEvents(f.as(t, "catalogReader"), entitled.ListOptions{Top: 999})
	mustOK(t, err)
	if len(p.Items) == 0 {
		t.Fatal("catalog reader sees no events")
	}
	for _, e := range p.Items {
		if e.ActivityDisplayName == "Create group" || e.ActivityDisplayName == "Create user" {
			t.Errorf("catalog reader sees tenant event %q", e.ActivityDisplayName)
		}
	}
	other := &entitled.Catalog{DisplayName: "Other"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, other))
	p2, err := s.Audit.AuditEvents(f.as(t, "catalogReader"), entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "targetId", Value: other.ID}})
	mustOK(t, err)
	if len(p2.Items) != 0 {
		t.Errorf("catalog reader sees another catalog's events")
	}
}
