package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestRoleScopes(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
		Resource: entitled.Resource{OriginSystem: "crm", OriginID: "accounts"}}
	mustOK(t, s.Catalogs.CreateResourceRequest(sys, rr))
	role := rr.Resource.Roles[0]
	sc, err := s.AccessPackages.AddResourceRoleScope(f.as(t, "apManager"), f.pkg.ID, entitled.ResourceRoleScopeInput{RoleID: role.ID})
	mustOK(t, err)
	if sc.Role.ID != role.ID || sc.Resource.SystemID != f.web.ID || sc.Resource.OriginID != "accounts" {
		t.Fatalf("scope %+v", sc)
	}
	_, err = s.AccessPackages.AddResourceRoleScope(sys, f.pkg.ID, entitled.ResourceRoleScopeInput{RoleID: role.ID})
	wantKind(t, err, entitled.KindConflict)
	_, err = s.AccessPackages.AddResourceRoleScope(f.as(t, "apAssignmentManager"), f.pkg.ID, entitled.ResourceRoleScopeInput{RoleID: role.ID})
	wantKind(t, err, entitled.KindForbidden)
	_, err = s.AccessPackages.AddResourceRoleScope(sys, f.pkg.ID, entitled.ResourceRoleScopeInput{RoleID: newID()})
	wantKind(t, err, entitled.KindInvalid)
	// A role of another catalog's resource → 400.
	other := &entitled.Catalog{DisplayName: "Other"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, other))
	rr2 := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: other.ID,
		Resource: entitled.Resource{OriginSystem: "crm", OriginID: "accounts"}}
	mustOK(t, s.Catalogs.CreateResourceRequest(sys, rr2))
	_, err = s.AccessPackages.AddResourceRoleScope(sys, f.pkg.ID, entitled.ResourceRoleScopeInput{RoleID: rr2.Resource.Roles[0].ID})
	wantKind(t, err, entitled.KindInvalid)
	_, err = s.AccessPackages.AddResourceRoleScope(sys, f.pkg.ID, entitled.ResourceRoleScopeInput{RoleOriginID: "Member", ResourceID: rr2.Resource.ID})
	wantKind(t, err, entitled.KindInvalid)
	scopes, err := s.AccessPackages.ResourceRoleScopes(f.as(t, "catalogReader"), f.pkg.ID)
	mustOK(t, err)
	if len(scopes) != 1 {
		t.Fatalf("scopes %+v", scopes)
	}
	// loadRoleScopes gives the engine the same view.
	mustOK(t, s.db.change(sys, func(tx *tx) error {
		got, err := tx.loadRoleScopes(sys, f.pkg.ID)
		if err == nil && (len(got) != 1 || got[0].Resource.SystemID != f.web.ID || got[0].Role.OriginID != "Member") {
			t.Errorf("loadRoleScopes %+v", got)
		}
		return err
	}))
}

func TestRequestablePackages(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	alice := f.users["requestor"]
	bob := mustUser(t, s, sys, "bob@example.com")
	g := &entitled.Group{DisplayName: "Requestors"}
	mustOK(t, s.Groups.CreateGroup(sys, g))
	mustOK(t, s.Groups.AddGroupMember(sys, g.ID, bob.ID))
	mk := func(name string, hidden bool, pol *entitled.AssignmentPolicy) *entitled.AccessPackage {
		p := &entitled.AccessPackage{CatalogID: f.catalog.ID, DisplayName: name, IsHidden: hidden}
		mustOK(t, s.AccessPackages.CreateAccessPackage(sys, p))
		if pol != nil {
			pol.AccessPackageID, pol.DisplayName = p.ID, name+" policy"
			mustOK(t, s.Policies.CreatePolicy(sys, pol))
		}
		return p
	}
	self := entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true}
	everyone := mk("everyone", false, &entitled.AssignmentPolicy{AllowedTargetScope: entitled.ScopeAllMemberUsers, RequestorSettings: self})
	mk("hidden", true, &entitled.AssignmentPolicy{AllowedTargetScope: entitled.ScopeAllMemberUsers, RequestorSettings: self})
	mk("no self add", false, &entitled.AssignmentPolicy{AllowedTargetScope: entitled.ScopeAllDirectoryUsers})
	onlyAlice := mk("alice", false, &entitled.AssignmentPolicy{AllowedTargetScope: entitled.ScopeSpecificDirectoryUsers, RequestorSettings: self,
		SpecificAllowedTargets: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: alice.ID}}})
	group := mk("group", false, &entitled.AssignmentPolicy{AllowedTargetScope: entitled.ScopeSpecificDirectoryUsers, RequestorSettings: self,
		SpecificAllowedTargets: []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: g.ID}}})
	names := func(userID string) map[string]bool {
		p, err := s.AccessPackages.RequestableAccessPackages(asUser(t.Context(), s, t, userID), entitled.ListOptions{})
		mustOK(t, err)
		out := map[string]bool{}
		for _, it := range p.Items {
			out[it.ID] = true
		}
		return out
	}
	a := names(alice.ID)
	if len(a) != 2 || !a[everyone.ID] || !a[onlyAlice.ID] {
		t.Errorf("alice may request %v", a)
	}
	b := names(bob.ID)
	if len(b) != 2 || !b[everyone.ID] || !b[group.ID] {
		t.Errorf("bob may request %v", b)
	}
	// A requestor reads a package they may request, not others.
	_, err := s.AccessPackages.AccessPackage(asUser(t.Context(), s, t, alice.ID), onlyAlice.ID)
	mustOK(t, err)
	_, err = s.AccessPackages.AccessPackage(asUser(t.Context(), s, t, bob.ID), onlyAlice.ID)
	wantKind(t, err, entitled.KindForbidden)
	// Package list filters.
	for prop, val := range map[string]any{"id": everyone.ID, "displayName": "group", "catalog/id": f.catalog.ID, "isHidden": true} {
		want := map[string]int{"id": 1, "displayName": 1, "catalog/id": 6, "isHidden": 1}[prop]
		p, err := s.AccessPackages.AccessPackages(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: prop, Value: val}})
		mustOK(t, err)
		if len(p.Items) != want {
			t.Errorf("$filter %s: %d, want %d", prop, len(p.Items), want)
		}
	}
	_, err = s.AccessPackages.AccessPackages(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "state", Value: "x"}})
	wantKind(t, err, entitled.KindInvalid)
}

func TestDeletePackageWithOpenRequest(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	u := f.users["requestor"]
	ts := fmtTime(time.Now())
	reqID := newID()
	_, err := s.db.tExec(`INSERT INTO assignment_requests (id, request_type, state, status, created_at, access_package_id, catalog_id, target_id, requestor_id)
		VALUES (?,?,?,?,?,?,?,?,?)`, reqID, "userAdd", "pendingApproval", "PendingApproval", ts, f.pkg.ID, f.catalog.ID, u.ID, u.ID)
	mustOK(t, err)
	err = s.AccessPackages.DeleteAccessPackage(sys, f.pkg.ID)
	wantKind(t, err, entitled.KindConflict)
	if !contains(err.Error(), reqID) {
		t.Errorf("409 should name the request: %v", err)
	}
}
