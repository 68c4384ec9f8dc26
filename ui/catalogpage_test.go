package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// catalogRoles lists the role assignments of a catalog.
func (w *world) catalogRoles(catalogID string) []entitled.RoleAssignment {
	w.t.Helper()
	pg, err := w.services.Roles.RoleAssignments(w.sys(), false, entitled.ListOptions{Top: 100,
		Filter: entitled.Compare{Op: "eq", Property: "appScopeId", Value: entitled.CatalogScope(catalogID)}})
	w.must(err)
	return pg.Items
}

// catalogResourceOrigins lists the origin ids of a catalog's resources.
func (w *world) catalogResourceOrigins(catalogID string) []string {
	w.t.Helper()
	pg, err := w.services.Catalogs.CatalogResources(w.sys(), catalogID, entitled.ListOptions{Top: 100})
	w.must(err)
	var out []string
	for _, r := range pg.Items {
		out = append(out, r.OriginSystem+"/"+r.OriginID)
	}
	return out
}

// roleOf finds the id of a user's role assignment in a catalog.
func (w *world) roleOf(catalogID, user, role string) string {
	w.t.Helper()
	for _, ra := range w.catalogRoles(catalogID) {
		if ra.PrincipalID == w.users[user].ID && ra.RoleDefinitionID == role {
			return ra.ID
		}
	}
	return ""
}

// TestCatalogPageReadOnly: a catalog reader and an assignment manager see
// the catalog, its resources and its roles, with no form to change them;
// a user without a role in the catalog is refused.
func TestCatalogPageReadOnly(t *testing.T) {
	w := newWorld(t)
	for _, name := range []string{"rea", "mia"} {
		b := w.signIn(name)
		p := b.get("/admin/catalogs/"+w.cat).see(t, 200, "Business apps", `id="read-only"`, "app-crm", "app-wiki", "crm",
			"Member", "Mia Manager", "Access package assignment manager", "Rea Reader", "Catalog reader")
		for _, s := range []string{`id="catalog-form"`, `id="add-resource"`, `id="role-form"`, "/remove"} {
			if strings.Contains(p.body, s) {
				t.Errorf("%s sees %s on a catalog they may only read", name, s)
			}
		}
		b.get("/admin/catalogs/"+w.cat+"/resources/add").see(t, http.StatusForbidden, "catalog owner role")
		b.get("/governance/packages/"+w.crm+"/overview").see(t, 200, `<a href="/admin/catalogs/`+w.cat+`" id="catalog-link">Business apps</a>`)
	}
	alice := w.signIn("alice")
	if p := alice.get("/admin/catalogs/" + w.cat); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
		t.Errorf("a user without a role in the catalog gets %d", p.status)
	}
}

// TestCatalogPageOwnerEdits: a catalog owner renames the catalog, adds a
// resource by system name and origin id, gives a role and takes one away;
// a role assignment of another catalog cannot be removed through this
// catalog's page.
func TestCatalogPageOwnerEdits(t *testing.T) {
	w := newWorld(t)
	w.addUser("olly", "Olly Owner", entitled.RoleCatalogOwner, entitled.CatalogScope(w.cat))
	olly := w.signIn("olly")
	page := olly.get("/admin/catalogs/"+w.cat).see(t, 200, `id="catalog-form"`, `id="add-resource"`, `id="role-form"`,
		"Olly Owner", "Catalog owner", `<option value="`+entitled.RoleAccessPackageAssignmentManager+`">Access package assignment manager</option>`)
	if strings.Contains(page.body, `id="read-only"`) {
		t.Error("the owner's page says it is read-only")
	}

	// Details.
	olly.submit("/admin/catalogs/"+w.cat, url.Values{"name": {" "}, "description": {"x"}}).see(t, 400, "Enter a name for the catalog.")
	olly.submit("/admin/catalogs/"+w.cat, url.Values{"name": {"Line-of-business apps"}, "description": {"CRM and wiki"}}).
		redirect(t, "/admin/catalogs/"+w.cat+"?done=catalogSaved")
	olly.get("/admin/catalogs/"+w.cat+"?done=catalogSaved").see(t, 200, "The catalog was saved.", "Line-of-business apps", "CRM and wiki")
	if c, err := w.services.Catalogs.Catalog(w.sys(), w.cat); err != nil || c.DisplayName != "Line-of-business apps" || c.Description != "CRM and wiki" {
		t.Errorf("catalog after save: %+v %v", c, err)
	}

	// Resources: the owner may not read connected systems, so the add page
	// offers only the typed form, and says who may add what.
	add := olly.get("/admin/catalogs/"+w.cat+"/resources/add").see(t, 200, `id="resource-form"`, `name="originId"`, `id="who-may-add"`)
	if strings.Contains(add.body, `id="browse"`) {
		t.Error("the add-resource page offers browsing systems to a catalog owner, who may not read them")
	}
	olly.submit("/admin/catalogs/"+w.cat+"/resources", url.Values{"system": {"crm"}, "originId": {""}}).see(t, 400, "Enter the resource&#39;s id in crm", `<select id="system-name"`)
	olly.submit("/admin/catalogs/"+w.cat+"/resources", url.Values{"system": {"nosuch"}, "originId": {"x"}}).see(t, http.StatusNotFound, `no connected system named &#34;nosuch&#34;`, `value="x"`)
	// A system not delegated to the catalog is refused; once delegated, the
	// owner may browse it and add its resources.
	olly.submit("/admin/catalogs/"+w.cat+"/resources", url.Values{"system": {"crm"}, "originId": {"app-billing"}, "displayName": {"Billing"}}).
		see(t, http.StatusForbidden, "delegatedCatalogIds")
	delegated := []string{w.cat}
	if _, err := w.services.Systems.UpdateSystem(w.sys(), "crm", entitled.SystemUpdate{DelegatedCatalogIDs: &delegated}); err != nil {
		t.Fatal(err)
	}
	olly.get("/admin/catalogs/"+w.cat+"/resources/add").see(t, 200, `id="browse"`, "crm (webhook)")
	olly.submit("/admin/catalogs/"+w.cat+"/resources", url.Values{"system": {"crm"}, "originId": {"app-billing"}, "displayName": {"Billing"}}).
		redirect(t, "/admin/catalogs/"+w.cat+"?done=resourceAdded")
	olly.get("/admin/catalogs/"+w.cat).see(t, 200, "Billing", "app-billing")
	if got := strings.Join(w.catalogResourceOrigins(w.cat), " "); !strings.Contains(got, "crm/app-billing") {
		t.Errorf("catalog resources %s lack crm/app-billing", got)
	}

	// Roles.
	olly.submit("/admin/catalogs/"+w.cat+"/roles", url.Values{"upn": {"nobody@example.com"}, "role": {entitled.RoleCatalogReader}}).
		see(t, 400, "There is no user with the user principal name nobody@example.com")
	olly.submit("/admin/catalogs/"+w.cat+"/roles", url.Values{"upn": {"alice@example.com"}, "role": {entitled.RoleGlobalAdministrator}}).
		see(t, 400, "Choose a role from the list")
	olly.submit("/admin/catalogs/"+w.cat+"/roles", url.Values{"upn": {"alice@example.com"}, "role": {entitled.RoleAccessPackageManager}}).
		redirect(t, "/admin/catalogs/"+w.cat+"?done=catalogRoleAdded")
	if w.roleOf(w.cat, "alice", entitled.RoleAccessPackageManager) == "" {
		t.Fatal("alice did not become access package manager")
	}
	olly.get("/admin/catalogs/"+w.cat).see(t, 200, "Alice Requester", "Access package manager")

	miaRole := w.roleOf(w.cat, "mia", entitled.RoleAccessPackageAssignmentManager)
	olly.submit("/admin/catalogs/"+w.cat+"/roles/"+miaRole+"/remove", url.Values{"confirmed": {"yes"}}).redirect(t, "/admin/catalogs/"+w.cat+"?done=catalogRoleRemoved")
	if w.roleOf(w.cat, "mia", entitled.RoleAccessPackageAssignmentManager) != "" {
		t.Error("mia's role was not removed")
	}

	// A role of another catalog (olly owns both) cannot be removed
	// through this catalog's page.
	other := &entitled.Catalog{DisplayName: "Other", State: "published"}
	w.must(w.services.Catalogs.CreateCatalog(w.sys(), other))
	for user, role := range map[string]string{"olly": entitled.RoleCatalogOwner, "rea": entitled.RoleCatalogReader} {
		w.must(w.services.Roles.CreateRoleAssignment(w.sys(), false, &entitled.RoleAssignment{PrincipalID: w.users[user].ID,
			RoleDefinitionID: role, AppScopeID: entitled.CatalogScope(other.ID)}))
	}
	olly = w.signIn("olly")
	reaOther := w.roleOf(other.ID, "rea", entitled.RoleCatalogReader)
	olly.get("/admin/catalogs/"+w.cat).see(t, 200)
	olly.submit("/admin/catalogs/"+w.cat+"/roles/"+reaOther+"/remove", nil).see(t, http.StatusNotFound, "not one of the catalog")
	if w.roleOf(other.ID, "rea", entitled.RoleCatalogReader) == "" {
		t.Error("a role of another catalog was removed through this catalog's page")
	}
}

// TestCatalogPageAdminBrowsesSystem: a tenant administrator chooses the
// built-in directory, searches its groups and adds one; the page then
// marks it as in the catalog.
func TestCatalogPageAdminBrowsesSystem(t *testing.T) {
	w := newWorld(t)
	g := &entitled.Group{DisplayName: "Sales team", Description: "Everyone in sales"}
	w.must(w.services.Groups.CreateGroup(w.sys(), g))
	w.must(w.services.Groups.CreateGroup(w.sys(), &entitled.Group{DisplayName: "Finance"}))
	admin := w.signIn("admin")
	admin.get("/admin/catalogs/"+w.cat+"/resources/add").see(t, 200, `id="browse"`, ">directory (", ">crm (webhook)</option>")
	p := admin.get("/admin/catalogs/"+w.cat+"/resources/add?system=directory&q=Sales").see(t, 200, "Sales team", g.ID)
	if strings.Contains(p.body, "Finance") {
		t.Error("the search for Sales lists Finance")
	}
	admin.submit("/admin/catalogs/"+w.cat+"/resources", url.Values{"system": {entitled.DirectorySystemName}, "originId": {g.ID}, "displayName": {"Sales team"}}).
		redirect(t, "/admin/catalogs/"+w.cat+"?done=resourceAdded")
	admin.get("/admin/catalogs/"+w.cat+"/resources/add?system=directory&q=Sales").see(t, 200, "In the catalog")
	admin.get("/admin/catalogs/"+w.cat).see(t, 200, "Sales team", "directory")
}

// TestCatalogPageForgedPosts: a catalog reader and an assignment manager
// post every catalog form by hand; each is refused (403) and nothing
// changes.
func TestCatalogPageForgedPosts(t *testing.T) {
	w := newWorld(t)
	before := func() string {
		c, err := w.services.Catalogs.Catalog(w.sys(), w.cat)
		w.must(err)
		return c.DisplayName + "|" + c.Description + "|" + strings.Join(w.catalogResourceOrigins(w.cat), ",") + "|" +
			func() string {
				var s []string
				for _, ra := range w.catalogRoles(w.cat) {
					s = append(s, ra.ID+ra.PrincipalID+ra.RoleDefinitionID)
				}
				return strings.Join(s, ",")
			}()
	}
	want := before()
	reaRole := w.roleOf(w.cat, "rea", entitled.RoleCatalogReader)
	for _, name := range []string{"rea", "mia"} {
		b := w.signIn(name)
		b.get("/admin/catalogs/"+w.cat).see(t, 200)
		for path, form := range map[string]url.Values{
			"":                              {"name": {"Hijacked"}, "description": {"x"}},
			"/resources":                    {"system": {"crm"}, "originId": {"app-forged"}},
			"/roles":                        {"upn": {name + "@example.com"}, "role": {entitled.RoleCatalogOwner}},
			"/roles/" + reaRole + "/remove": nil,
		} {
			b.submit("/admin/catalogs/"+w.cat+path, form).see(t, http.StatusForbidden, "catalog owner role")
		}
	}
	if got := before(); got != want {
		t.Errorf("forged posts changed the catalog:\n got %s\nwant %s", got, want)
	}
}
