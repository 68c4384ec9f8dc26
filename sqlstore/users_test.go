package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestUserPrincipalNames(t *testing.T) {
	s, sys := newTestStore(t)
	alice := mustUser(t, s, sys, "alice@example.com")
	err := s.Users.CreateUser(sys, &entitled.User{UserPrincipalName: "Alice@Example.COM", AccountEnabled: true})
	wantKind(t, err, entitled.KindConflict)
	if !strings.Contains(err.Error(), "Alice@Example.COM") {
		t.Errorf("409 should name the userPrincipalName: %v", err)
	}
	for _, bad := range []string{"", "alice", "@example.com", "a b@example.com", "alice@", "alice@exa mple.com"} {
		wantKind(t, s.Users.CreateUser(sys, &entitled.User{UserPrincipalName: bad}), entitled.KindInvalid)
	}
	// Lookup by UPN is case-insensitive; PATCH to a taken UPN is 409.
	got, err := s.Users.User(asUser(context.Background(), s, t, alice.ID), "ALICE@example.com")
	mustOK(t, err)
	if got.ID != alice.ID {
		t.Fatalf("User by UPN returned %s", got.ID)
	}
	bob := mustUser(t, s, sys, "bob@example.com")
	upn := "ALICE@example.com"
	_, err = s.Users.UpdateUser(sys, bob.ID, entitled.UserUpdate{UserPrincipalName: &upn})
	wantKind(t, err, entitled.KindConflict)
	_, err = s.Users.User(context.Background(), alice.ID)
	wantKind(t, err, entitled.KindUnauthorized)
}

func TestManagers(t *testing.T) {
	s, sys := newTestStore(t)
	a := mustUser(t, s, sys, "a@example.com")
	b := mustUser(t, s, sys, "b@example.com")
	c := mustUser(t, s, sys, "c@example.com")
	_, err := s.Users.Manager(sys, a.ID)
	wantKind(t, err, entitled.KindNotFound)
	wantKind(t, s.Users.SetManager(sys, a.ID, a.ID), entitled.KindInvalid)
	mustOK(t, s.Users.SetManager(sys, a.ID, b.ID))
	mustOK(t, s.Users.SetManager(sys, b.ID, c.ID))
	wantKind(t, s.Users.SetManager(sys, c.ID, a.ID), entitled.KindInvalid) // c → a → b → c
	wantKind(t, s.Users.SetManager(sys, a.ID, newID()), entitled.KindInvalid)
	m, err := s.Users.Manager(sys, a.ID)
	mustOK(t, err)
	if m.ID != b.ID {
		t.Fatalf("manager of a = %s, want b", m.UserPrincipalName)
	}
	wantKind(t, s.Users.SetManager(asUser(context.Background(), s, t, c.ID), a.ID, c.ID), entitled.KindForbidden)
	mustOK(t, s.Users.RemoveManager(sys, a.ID))
	wantKind(t, s.Users.RemoveManager(sys, a.ID), entitled.KindNotFound)
}

func TestDeleteUserWithLiveAssignment(t *testing.T) {
	s, sys := newTestStore(t)
	u := mustUser(t, s, sys, "gone@example.com")
	cat := &entitled.Catalog{DisplayName: "C"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, cat))
	pkg := &entitled.AccessPackage{CatalogID: cat.ID, DisplayName: "P"}
	mustOK(t, s.AccessPackages.CreateAccessPackage(sys, pkg))
	asgID := newID()
	_, err := s.db.tExec(`INSERT INTO assignments (id, access_package_id, policy_id, catalog_id, target_id, state, status, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, asgID, pkg.ID, "p", cat.ID, u.ID, "delivered", "Delivered", fmtTime(time.Now()))
	mustOK(t, err)
	err = s.Users.DeleteUser(sys, u.ID)
	wantKind(t, err, entitled.KindConflict)
	if !strings.Contains(err.Error(), asgID) {
		t.Errorf("409 should name the assignment: %v", err)
	}
	plain := mustUser(t, s, sys, "plain@example.com")
	mustOK(t, s.Users.DeleteUser(sys, plain.ID))
	_, err = s.Users.User(sys, plain.ID)
	wantKind(t, err, entitled.KindNotFound)
}

func TestGroupsAndMembers(t *testing.T) {
	s, sys := newTestStore(t)
	u := mustUser(t, s, sys, "m@example.com")
	g := &entitled.Group{DisplayName: "Engineers"}
	mustOK(t, s.Groups.CreateGroup(sys, g))
	wantKind(t, s.Groups.CreateGroup(sys, &entitled.Group{}), entitled.KindInvalid)
	mustOK(t, s.Groups.AddGroupMember(sys, g.ID, u.ID))
	wantKind(t, s.Groups.AddGroupMember(sys, g.ID, u.ID), entitled.KindConflict)
	wantKind(t, s.Groups.AddGroupMember(asUser(context.Background(), s, t, u.ID), g.ID, u.ID), entitled.KindForbidden)
	members, err := s.Groups.GroupMembers(asUser(context.Background(), s, t, u.ID), g.ID, entitled.ListOptions{})
	mustOK(t, err)
	if len(members.Items) != 1 || members.Items[0].ID != u.ID {
		t.Fatalf("members %+v", members.Items)
	}
	mustOK(t, s.Groups.RemoveGroupMember(sys, g.ID, u.ID))
	wantKind(t, s.Groups.RemoveGroupMember(sys, g.ID, u.ID), entitled.KindNotFound)
	name := "Platform"
	g2, err := s.Groups.UpdateGroup(sys, g.ID, entitled.GroupUpdate{DisplayName: &name})
	mustOK(t, err)
	if g2.DisplayName != name {
		t.Errorf("displayName %q", g2.DisplayName)
	}
	p, err := s.Groups.Groups(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "displayName", Value: "Platform"}})
	mustOK(t, err)
	if len(p.Items) != 1 {
		t.Errorf("filter displayName: %d", len(p.Items))
	}
	p, err = s.Groups.Groups(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "id", Value: g.ID}})
	mustOK(t, err)
	if len(p.Items) != 1 {
		t.Errorf("filter id: %d", len(p.Items))
	}
	_, err = s.Groups.Groups(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "mail", Value: "x"}})
	wantKind(t, err, entitled.KindInvalid)
	mustOK(t, s.Groups.DeleteGroup(sys, g.ID))
}

// TestUserListPagingAndFilters pages through users with $skiptoken and
// filters on every documented field.
func TestUserListPagingAndFilters(t *testing.T) {
	s, sys := newTestStore(t)
	var ids []string
	for i := 0; i < 7; i++ {
		u := mustUser(t, s, sys, "user"+string(rune('a'+i))+"@example.com")
		ids = append(ids, u.ID)
	}
	off := false
	_, err := s.Users.UpdateUser(sys, ids[3], entitled.UserUpdate{AccountEnabled: &off})
	mustOK(t, err)
	users, pages := pageThrough(t, entitled.ListOptions{Top: 3, Count: true}, func(opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
		return s.Users.Users(sys, opt)
	})
	var seen []string
	for _, u := range users {
		seen = append(seen, u.ID)
	}
	if pages != 3 || strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("paging: %d pages, ids %v, want 3 pages of %v", pages, seen, ids)
	}
	_, err = s.Users.Users(sys, entitled.ListOptions{SkipToken: "!!"})
	wantKind(t, err, entitled.KindInvalid)
	cases := []struct {
		prop string
		val  any
		want int
	}{
		{"id", ids[0], 1}, {"userPrincipalName", "userb@example.com", 1}, {"displayName", "userc", 1},
		{"mail", "userd@example.com", 1}, {"accountEnabled", false, 1}, {"accountEnabled", true, 6},
	}
	for _, c := range cases {
		p, err := s.Users.Users(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: c.prop, Value: c.val}})
		mustOK(t, err)
		if len(p.Items) != c.want {
			t.Errorf("$filter %s eq %v: %d, want %d", c.prop, c.val, len(p.Items), c.want)
		}
	}
	_, err = s.Users.Users(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "jobTitle", Value: "x"}})
	wantKind(t, err, entitled.KindInvalid)
	_, err = s.Users.Users(sys, entitled.ListOptions{OrderBy: "jobTitle desc"})
	wantKind(t, err, entitled.KindInvalid)
}
