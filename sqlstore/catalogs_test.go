package sqlstore

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

func TestCatalogCreatorBecomesOwner(t *testing.T) {
	f := newRoleFixture(t)
	s := f.s
	ua := f.as(t, "userAdmin")
	// A catalog creator (catalog role on "/") creates a catalog and owns it.
	creator := mustUser(t, s, f.sys, "creator@example.com")
	mustOK(t, s.Roles.CreateRoleAssignment(f.sys, false, &entitled.RoleAssignment{PrincipalID: creator.ID,
		RoleDefinitionID: entitled.RoleCatalogCreator, AppScopeID: "/"}))
	ctx := asUser(t.Context(), s, t, creator.ID)
	c := &entitled.Catalog{DisplayName: "Mine"}
	mustOK(t, s.Catalogs.CreateCatalog(ctx, c))
	if c.State != "published" || c.CatalogType != "userManaged" {
		t.Errorf("defaults: state %q type %q", c.State, c.CatalogType)
	}
	ctx = asUser(t.Context(), s, t, creator.ID) // reload roles
	d := "owned"
	_, err := s.Catalogs.UpdateCatalog(ctx, c.ID, entitled.CatalogUpdate{Description: &d})
	mustOK(t, err)
	// The creator sees only their catalog; a User Administrator sees both.
	p, err := s.Catalogs.Catalogs(ctx, entitled.ListOptions{})
	mustOK(t, err)
	if len(p.Items) != 1 || p.Items[0].ID != c.ID {
		t.Fatalf("creator lists %+v", p.Items)
	}
	p, err = s.Catalogs.Catalogs(ua, entitled.ListOptions{Count: true})
	mustOK(t, err)
	if *p.Count != 2 {
		t.Errorf("user admin lists %d catalogs, want 2", *p.Count)
	}
	_, err = s.Catalogs.Catalog(f.as(t, "requestor"), c.ID)
	wantKind(t, err, entitled.KindForbidden)
	_, err = s.Catalogs.Catalog(f.as(t, "catalogReader"), f.catalog.ID)
	mustOK(t, err)
	bad := "draft"
	_, err = s.Catalogs.UpdateCatalog(ctx, c.ID, entitled.CatalogUpdate{State: &bad})
	wantKind(t, err, entitled.KindInvalid)
	// $filter on id, displayName, state.
	wantEqFilters(t, func(o entitled.ListOptions) (entitled.Page[entitled.Catalog], error) {
		return s.Catalogs.Catalogs(ctx, o)
	},
		map[string]string{"id": c.ID, "displayName": "Mine", "state": "PUBLISHED"}, "catalogType")
}

func TestDeleteCatalog(t *testing.T) {
	f := newRoleFixture(t)
	s := f.s
	err := s.Catalogs.DeleteCatalog(f.sys, f.catalog.ID)
	wantKind(t, err, entitled.KindConflict)
	if !strings.Contains(err.Error(), f.pkg.ID) {
		t.Errorf("409 should name the package: %v", err)
	}
	mustOK(t, s.AccessPackages.DeleteAccessPackage(f.sys, f.pkg.ID))
	mustOK(t, s.Catalogs.DeleteCatalog(f.as(t, "catalogOwner"), f.catalog.ID))
	// Its catalog role assignments went with it.
	p, err := s.Roles.RoleAssignments(f.sys, false, entitled.ListOptions{})
	mustOK(t, err)
	if len(p.Items) != 0 {
		t.Errorf("%d catalog role assignments left", len(p.Items))
	}
}

func TestResources(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	g := &entitled.Group{DisplayName: "Sales team"}
	mustOK(t, s.Groups.CreateGroup(sys, g))
	// AadGroup means the built-in directory.
	rr := &entitled.ResourceRequest{RequestType: "ADMINADD", CatalogID: f.catalog.ID,
		Resource: entitled.Resource{OriginSystem: "AadGroup", OriginID: g.ID}}
	mustOK(t, s.Catalogs.CreateResourceRequest(sys, rr))
	if rr.State != entitled.StateDelivered || rr.RequestType != entitled.RequestAdminAdd {
		t.Errorf("request %+v", rr)
	}
	res := rr.Resource
	if res.SystemID != DirectorySystemID || res.DisplayName != "Sales team" || len(res.Roles) != 1 ||
		res.Roles[0].OriginID != "Member_"+g.ID || res.Roles[0].OriginSystem != "AadGroup" {
		t.Fatalf("resource %+v", res)
	}
	// Same resource again → 409; unknown group → 400 with the connector's message.
	err := s.Catalogs.CreateResourceRequest(sys, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
		Resource: entitled.Resource{OriginSystem: "aadgroup", OriginID: g.ID}})
	wantKind(t, err, entitled.KindConflict)
	err = s.Catalogs.CreateResourceRequest(sys, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
		Resource: entitled.Resource{OriginSystem: "AadGroup", OriginID: "missing"}})
	wantKind(t, err, entitled.KindInvalid)
	if !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("400 should carry the connector's message: %v", err)
	}
	err = s.Catalogs.CreateResourceRequest(sys, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
		Resource: entitled.Resource{OriginSystem: "ldap-prod", OriginID: "x"}})
	wantKind(t, err, entitled.KindNotFound)
	if !strings.Contains(err.Error(), "no connected system named") {
		t.Errorf("404 message: %v", err)
	}
	err = s.Catalogs.CreateResourceRequest(sys, &entitled.ResourceRequest{RequestType: entitled.RequestUserAdd, CatalogID: f.catalog.ID})
	wantKind(t, err, entitled.KindInvalid)
	// Webhook roles come from its config; the system name is case-insensitive.
	_, err = s.Systems.UpdateSystem(sys, "crm", entitled.SystemUpdate{Config: map[string]any{"roles": []any{"Reader", "Writer"}}})
	mustOK(t, err)
	rr2 := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: f.catalog.ID,
		Resource: entitled.Resource{OriginSystem: "CRM", OriginID: "accounts", DisplayName: "Accounts"}}
	mustOK(t, s.Catalogs.CreateResourceRequest(sys, rr2))
	if rr2.Resource.OriginSystem != "crm" || len(rr2.Resource.Roles) != 2 || rr2.Resource.DisplayName != "Accounts" {
		t.Fatalf("webhook resource %+v", rr2.Resource)
	}
	// Readers list resources with roles.
	page, err := s.Catalogs.CatalogResources(f.as(t, "catalogReader"), f.catalog.ID, entitled.ListOptions{})
	mustOK(t, err)
	if len(page.Items) != 2 || len(page.Items[1].Roles) != 2 {
		t.Fatalf("resources %+v", page.Items)
	}
	_, err = s.Catalogs.CatalogResources(f.as(t, "requestor"), f.catalog.ID, entitled.ListOptions{})
	wantKind(t, err, entitled.KindForbidden)
	// A role in use blocks adminRemove (409); after removing the scope it works.
	sc, err := s.AccessPackages.AddResourceRoleScope(sys, f.pkg.ID, entitled.ResourceRoleScopeInput{RoleOriginID: "Writer", ResourceID: rr2.Resource.ID})
	mustOK(t, err)
	err = s.Catalogs.CreateResourceRequest(sys, &entitled.ResourceRequest{RequestType: entitled.RequestAdminRemove, CatalogID: f.catalog.ID,
		Resource: entitled.Resource{ID: rr2.Resource.ID}})
	wantKind(t, err, entitled.KindConflict)
	if !strings.Contains(err.Error(), f.pkg.ID) {
		t.Errorf("409 should name the package: %v", err)
	}
	mustOK(t, s.AccessPackages.RemoveResourceRoleScope(sys, f.pkg.ID, sc.ID))
	mustOK(t, s.Catalogs.CreateResourceRequest(f.as(t, "catalogOwner"), &entitled.ResourceRequest{RequestType: entitled.RequestAdminRemove,
		CatalogID: f.catalog.ID, Resource: entitled.Resource{OriginID: "accounts", OriginSystem: "crm"}}))
	_, err = s.Catalogs.CatalogResource(sys, f.catalog.ID, rr2.Resource.ID)
	wantKind(t, err, entitled.KindNotFound)
	reqs, err := s.Catalogs.ResourceRequests(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "requestType", Value: "adminremove"}})
	mustOK(t, err)
	if len(reqs.Items) != 1 || reqs.Items[0].Resource.OriginID != "accounts" {
		t.Fatalf("resource requests %+v", reqs.Items)
	}
}
