package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/entitled-dev/entitled"
)

// roleFixture is a store with one catalog, one package and one user per
// delegated role (entitled.Actor.Can).
type roleFixture struct {
	s       *Services
	sys     context.Context
	catalog *entitled.Catalog
	pkg     *entitled.AccessPackage
	web     *entitled.ConnectedSystem
	users   map[string]*entitled.User // by role name
}

var roleNames = []string{"globalAdmin", "igAdmin", "userAdmin", "catalogOwner", "apManager", "apAssignmentManager", "catalogReader", "requestor"}

func newRoleFixture(t *testing.T) *roleFixture {
	t.Helper()
	s, sys := newTestStore(t)
	f := &roleFixture{s: s, sys: sys, users: map[string]*entitled.User{}}
	f.catalog = &entitled.Catalog{DisplayName: "Sales"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, f.catalog))
	f.pkg = &entitled.AccessPackage{CatalogID: f.catalog.ID, DisplayName: "CRM"}
	mustOK(t, s.AccessPackages.CreateAccessPackage(sys, f.pkg))
	f.web = &entitled.ConnectedSystem{Name: "crm", Kind: "webhook", Config: map[string]any{"url": "http://crm.example.com", "secret": "s3cret"}}
	mustOK(t, s.Systems.CreateSystem(sys, f.web))
	mustOK(t, s.Systems.CreateSystem(sys, &entitled.ConnectedSystem{Name: "hr", Kind: "webhook", Config: map[string]any{"url": "http://hr.example.com"},
		DelegatedCatalogIDs: []string{f.catalog.ID}}))
	grants := map[string]struct {
		role      string
		directory bool
	}{
		"globalAdmin":         {entitled.RoleGlobalAdministrator, true},
		"igAdmin":             {entitled.RoleIdentityGovernanceAdministrator, true},
		"userAdmin":           {entitled.RoleUserAdministrator, true},
		"catalogOwner":        {entitled.RoleCatalogOwner, false},
		"apManager":           {entitled.RoleAccessPackageManager, false},
		"apAssignmentManager": {entitled.RoleAccessPackageAssignmentManager, false},
		"catalogReader":       {entitled.RoleCatalogReader, false},
	}
	for _, name := range roleNames {
		u := mustUser(t, s, sys, name+"@example.com")
		f.users[name] = u
		g, ok := grants[name]
		if !ok {
			continue
		}
		ra := &entitled.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: g.role}
		if !g.directory {
			ra.AppScopeID = entitled.CatalogScope(f.catalog.ID)
		}
		mustOK(t, s.Roles.CreateRoleAssignment(sys, g.directory, ra))
	}
	return f
}

func (f *roleFixture) as(t *testing.T, role string) context.Context {
	return asUser(context.Background(), f.s, t, f.users[role].ID)
}

// TestAuthorizationTable checks every operation this part of the store owns
// against every delegated role (entitled.Actor.Can).
func TestAuthorizationTable(t *testing.T) {
	f := newRoleFixture(t)
	type op struct {
		name    string
		allowed []string
		run     func(ctx context.Context, role string) error
	}
	s := f.s
	target := mustUser(t, s, f.sys, "target@example.com")
	ops := []op{
		{"create catalog", []string{"globalAdmin", "igAdmin", "userAdmin"}, func(ctx context.Context, role string) error {
			return s.Catalogs.CreateCatalog(ctx, &entitled.Catalog{DisplayName: "cat " + role})
		}},
		{"edit catalog", []string{"globalAdmin", "igAdmin", "catalogOwner"}, func(ctx context.Context, role string) error {
			d := "edited by " + role
			_, err := s.Catalogs.UpdateCatalog(ctx, f.catalog.ID, entitled.CatalogUpdate{Description: &d})
			return err
		}},
		{"add resource", []string{"globalAdmin", "igAdmin"}, func(ctx context.Context, role string) error {
			return s.Catalogs.CreateResourceRequest(ctx, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
				Resource: entitled.Resource{OriginSystem: "crm", OriginID: "res-" + role}})
		}},
		{"add resource of a delegated system", []string{"globalAdmin", "igAdmin", "catalogOwner"}, func(ctx context.Context, role string) error {
			return s.Catalogs.CreateResourceRequest(ctx, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
				Resource: entitled.Resource{OriginSystem: "hr", OriginID: "res-" + role}})
		}},
		{"add a group the caller owns", []string{"globalAdmin", "igAdmin", "catalogOwner"}, func(ctx context.Context, role string) error {
			g := &entitled.Group{DisplayName: "owned by " + role}
			mustOK(t, s.Groups.CreateGroup(f.sys, g))
			mustOK(t, s.Groups.AddGroupOwner(f.sys, g.ID, f.users[role].ID))
			return s.Catalogs.CreateResourceRequest(ctx, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
				Resource: entitled.Resource{OriginSystem: entitled.OriginSystemAadGroup, OriginID: g.ID}})
		}},
		{"add a group the caller does not own", []string{"globalAdmin", "igAdmin"}, func(ctx context.Context, role string) error {
			g := &entitled.Group{DisplayName: "not owned by " + role}
			mustOK(t, s.Groups.CreateGroup(f.sys, g))
			return s.Catalogs.CreateResourceRequest(ctx, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
				Resource: entitled.Resource{OriginSystem: entitled.OriginSystemAadGroup, OriginID: g.ID}})
		}},
		{"assign catalog role", []string{"globalAdmin", "igAdmin", "catalogOwner"}, func(ctx context.Context, role string) error {
			return s.Roles.CreateRoleAssignment(ctx, false, &entitled.RoleAssignment{PrincipalID: target.ID,
				RoleDefinitionID: entitled.RoleCatalogReader, AppScopeID: entitled.CatalogScope(f.catalog.ID)})
		}},
		{"create package", []string{"globalAdmin", "igAdmin", "catalogOwner", "apManager"}, func(ctx context.Context, role string) error {
			return s.AccessPackages.CreateAccessPackage(ctx, &entitled.AccessPackage{CatalogID: f.catalog.ID, DisplayName: "pkg " + role})
		}},
		{"create policy", []string{"globalAdmin", "igAdmin", "catalogOwner", "apManager"}, func(ctx context.Context, role string) error {
			return s.Policies.CreatePolicy(ctx, &entitled.AssignmentPolicy{AccessPackageID: f.pkg.ID, DisplayName: "policy " + role,
				AllowedTargetScope: entitled.ScopeAllMemberUsers})
		}},
		{"manage users", []string{"globalAdmin", "igAdmin", "userAdmin"}, func(ctx context.Context, role string) error {
			return s.Users.CreateUser(ctx, &entitled.User{UserPrincipalName: "new-" + role + "@example.com", AccountEnabled: true})
		}},
		{"manage systems", []string{"globalAdmin", "igAdmin"}, func(ctx context.Context, role string) error {
			return s.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "sys-" + role, Kind: "webhook", Config: map[string]any{"url": "http://x"}})
		}},
		{"read connected systems", []string{"globalAdmin", "igAdmin"}, func(ctx context.Context, role string) error {
			if _, err := s.Systems.Systems(ctx, entitled.ListOptions{}); err != nil {
				return err
			}
			_, err := s.Systems.System(ctx, "crm")
			return err
		}},
		{"test a connected system", []string{"globalAdmin", "igAdmin"}, func(ctx context.Context, role string) error {
			err := s.Systems.CheckSystem(ctx, "crm")
			if entitled.ErrorKind(err) == entitled.KindForbidden {
				return err
			}
			return nil // allowed: the check itself may fail, the example host does not answer
		}},
		{"browse a connected system not delegated", []string{"globalAdmin", "igAdmin"}, func(ctx context.Context, role string) error {
			_, err := s.Systems.SystemResources(ctx, "crm", "", entitled.ListOptions{})
			if entitled.ErrorKind(err) == entitled.KindForbidden {
				return err
			}
			return nil // webhooks cannot list resources: a 400 past the authorization
		}},
		{"browse a connected system delegated to the catalog", []string{"globalAdmin", "igAdmin", "catalogOwner"}, func(ctx context.Context, role string) error {
			_, err := s.Systems.SystemResources(ctx, "hr", "", entitled.ListOptions{})
			if entitled.ErrorKind(err) == entitled.KindForbidden {
				return err
			}
			return nil
		}},
		{"read audit", []string{"globalAdmin", "igAdmin", "userAdmin", "catalogOwner", "apManager", "apAssignmentManager", "catalogReader"},
			func(ctx context.Context, role string) error {
				_, err := s.Audit.AuditEvents(ctx, entitled.ListOptions{})
				return err
			}},
	}
	for _, o := range ops {
		for _, role := range roleNames {
			t.Run(fmt.Sprintf("%s/%s", o.name, role), func(t *testing.T) {
				want := false
				for _, a := range o.allowed {
					want = want || a == role
				}
				err := o.run(f.as(t, role), role)
				if want && err != nil {
					// The catalog-role assignment is made once; later allowed roles meet the duplicate.
					if o.name == "assign catalog role" && entitled.ErrorKind(err) == entitled.KindConflict {
						return
					}
					t.Fatalf("%s should be allowed to %s: %v", role, o.name, err)
				}
				if !want {
					wantKind(t, err, entitled.KindForbidden)
				}
			})
		}
	}
}

func TestRoleAssignmentValidation(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	u := f.users["requestor"].ID
	// Wrong family: a catalog role as a directory role, and vice versa.
	err := s.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: entitled.RoleCatalogOwner})
	wantKind(t, err, entitled.KindInvalid)
	if e := entitled.AsError(err); !contains(e.Message, entitled.RoleGlobalAdministrator) {
		t.Errorf("message should list the valid ids: %s", e.Message)
	}
	err = s.Roles.CreateRoleAssignment(sys, false, &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: entitled.RoleGlobalAdministrator, AppScopeID: "/"})
	wantKind(t, err, entitled.KindInvalid)
	err = s.Roles.CreateRoleAssignment(sys, false, &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: "nope", AppScopeID: "/"})
	wantKind(t, err, entitled.KindInvalid)
	// Unknown catalog → 404; malformed scope → 400.
	err = s.Roles.CreateRoleAssignment(sys, false, &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: entitled.RoleCatalogReader,
		AppScopeID: entitled.CatalogScope(newID())})
	wantKind(t, err, entitled.KindNotFound)
	err = s.Roles.CreateRoleAssignment(sys, false, &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: entitled.RoleCatalogReader, AppScopeID: "/x"})
	wantKind(t, err, entitled.KindInvalid)
	// Directory scope defaults to "/"; a duplicate is 409.
	ra := &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: entitled.RoleUserAdministrator}
	mustOK(t, s.Roles.CreateRoleAssignment(sys, true, ra))
	if ra.DirectoryScopeID != "/" {
		t.Errorf("directoryScopeId = %q, want /", ra.DirectoryScopeID)
	}
	err = s.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: u, RoleDefinitionID: entitled.RoleUserAdministrator})
	wantKind(t, err, entitled.KindConflict)
	// Unknown principal → 400.
	err = s.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: newID(), RoleDefinitionID: entitled.RoleUserAdministrator})
	wantKind(t, err, entitled.KindInvalid)
	// The new role shows in the actor.
	a, err := s.Tokens.ActorFor(sys, u)
	mustOK(t, err)
	if !a.HasDirectoryRole(entitled.RoleUserAdministrator) {
		t.Errorf("actor lacks the assigned directory role: %+v", a)
	}
	// A catalog owner may not delete a directory role; a Global Administrator may.
	wantKind(t, s.Roles.DeleteRoleAssignment(f.as(t, "catalogOwner"), true, ra.ID), entitled.KindForbidden)
	mustOK(t, s.Roles.DeleteRoleAssignment(f.as(t, "globalAdmin"), true, ra.ID))
	wantKind(t, s.Roles.DeleteRoleAssignment(sys, true, ra.ID), entitled.KindNotFound)
}

func TestRoleAssignmentReadScope(t *testing.T) {
	f := newRoleFixture(t)
	s := f.s
	// Catalog roles: the creator of Sales (system) made none; the fixture made four.
	all, err := s.Roles.RoleAssignments(f.as(t, "igAdmin"), false, entitled.ListOptions{Count: true})
	mustOK(t, err)
	if *all.Count != 4 {
		t.Fatalf("tenant admin sees %d catalog role assignments, want 4", *all.Count)
	}
	// A reader of the catalog sees all four; a requestor sees none (holds none).
	rd, err := s.Roles.RoleAssignments(f.as(t, "catalogReader"), false, entitled.ListOptions{})
	mustOK(t, err)
	if len(rd.Items) != 4 {
		t.Errorf("catalog reader sees %d, want 4", len(rd.Items))
	}
	rq, err := s.Roles.RoleAssignments(f.as(t, "requestor"), false, entitled.ListOptions{})
	mustOK(t, err)
	if len(rq.Items) != 0 {
		t.Errorf("requestor sees %d, want 0", len(rq.Items))
	}
	// Directory roles: a User Administrator sees only their own.
	dir, err := s.Roles.RoleAssignments(f.as(t, "userAdmin"), true, entitled.ListOptions{})
	mustOK(t, err)
	if len(dir.Items) != 1 || dir.Items[0].PrincipalID != f.users["userAdmin"].ID {
		t.Errorf("user admin sees directory roles %+v, want only their own", dir.Items)
	}
	_, err = s.Roles.RoleAssignment(f.as(t, "userAdmin"), true, all.Items[0].ID)
	wantKind(t, err, entitled.KindNotFound) // a catalog role read as a directory role
	// $filter on every documented field, and 400 for another.
	for _, prop := range []string{"principalId", "roleDefinitionId", "appScopeId", "directoryScopeId"} {
		val := map[string]string{"principalId": f.users["catalogOwner"].ID, "roleDefinitionId": entitled.RoleCatalogOwner,
			"appScopeId": entitled.CatalogScope(f.catalog.ID), "directoryScopeId": "/"}[prop]
		want := map[string]int{"principalId": 1, "roleDefinitionId": 1, "appScopeId": 4, "directoryScopeId": 0}[prop]
		p, err := s.Roles.RoleAssignments(f.sys, false, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: prop, Value: val}})
		mustOK(t, err)
		if len(p.Items) != want {
			t.Errorf("$filter %s eq %s: %d items, want %d", prop, val, len(p.Items), want)
		}
	}
	_, err = s.Roles.RoleAssignments(f.sys, false, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "createdBy", Value: "x"}})
	wantKind(t, err, entitled.KindInvalid)
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
