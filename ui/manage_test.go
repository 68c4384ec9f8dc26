package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// manageSnapshot describes everything the edit and delete forms can
// change: the catalog, its resources, each package with its resource roles
// and policies. Two equal snapshots mean nothing changed.
func (w *world) manageSnapshot() string {
	w.t.Helper()
	var b strings.Builder
	pg, err := w.services.Catalogs.Catalogs(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	for _, c := range pg.Items {
		fmt.Fprintf(&b, "catalog %s %q %q\n", c.ID, c.DisplayName, c.Description)
		res := w.catalogResourceOrigins(c.ID)
		sort.Strings(res)
		fmt.Fprintf(&b, "  resources %v\n", res)
	}
	pkgs, err := w.services.AccessPackages.AccessPackages(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	for _, p := range pkgs.Items {
		fmt.Fprintf(&b, "package %s %q %q hidden=%v\n", p.ID, p.DisplayName, p.Description, p.IsHidden)
		scopes, err := w.services.AccessPackages.ResourceRoleScopes(w.sys(), p.ID)
		w.must(err)
		for _, s := range scopes {
			fmt.Fprintf(&b, "  scope %s\n", s.ID)
		}
		for _, pol := range w.policiesOf(p.ID) {
			fmt.Fprintf(&b, "  policy %s\n", pol.ID)
		}
	}
	return b.String()
}

// unchanged fails the test when the store differs from the snapshot.
func (w *world) unchanged(t *testing.T, before, what string) {
	t.Helper()
	if after := w.manageSnapshot(); after != before {
		t.Errorf("%s changed the store:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
}

// deliveredAssignment gives alice a delivered assignment of the wiki
// package.
func (w *world) deliveredAssignment() {
	w.t.Helper()
	id := w.wikiDelivered("alice")
	if s := w.state(id); s != entitled.StateDelivered {
		w.t.Fatalf("wiki request is %s, want delivered", s)
	}
}

// TestManagePackageEditAndDelete: an access package manager renames a
// package, changes its description and hides it; deleting needs the
// "I understand" box; a package with an assignment is not deleted and the
// page says why; a package without history is deleted.
func TestManagePackageEditAndDelete(t *testing.T) {
	w := newWorld(t)
	w.addUser("pam", "Pam Manager", entitled.RoleAccessPackageManager, entitled.CatalogScope(w.cat))
	pam := w.signIn("pam")
	pam.get("/governance/packages/"+w.crm+"/overview").see(t, 200, `id="package-form"`, `id="delete-package-form"`,
		`value="CRM access"`, `<label for="confirm-delete">I understand that CRM access will be deleted for good</label>`,
		`Delete<span class="visually-hidden"> access package CRM access</span>`)

	before := w.manageSnapshot()
	pam.submit("/governance/packages/"+w.crm+"/overview", url.Values{"name": {"  "}, "description": {"x"}}).
		see(t, 400, "Enter a name for the access package.")
	w.unchanged(t, before, "saving an empty name")

	pam.submit("/governance/packages/"+w.crm+"/overview", url.Values{"name": {"Sales CRM"}, "description": {"The CRM of the sales team"}, "hidden": {"on"}}).
		redirect(t, "/governance/packages/"+w.crm+"/overview?done=packageSaved")
	pam.get("/governance/packages/"+w.crm+"/overview?done=packageSaved").see(t, 200, "The access package was saved.", "Sales CRM",
		"The CRM of the sales team", `id="pkg-hidden" name="hidden" checked`)
	p, err := w.services.AccessPackages.AccessPackage(w.sys(), w.crm)
	w.must(err)
	if p.DisplayName != "Sales CRM" || p.Description != "The CRM of the sales team" || !p.IsHidden {
		t.Errorf("package after save: %q %q hidden=%v", p.DisplayName, p.Description, p.IsHidden)
	}
	// Unticking hidden shows the package again.
	pam.submit("/governance/packages/"+w.crm+"/overview", url.Values{"name": {"Sales CRM"}, "description": {""}}).
		redirect(t, "/governance/packages/"+w.crm+"/overview?done=packageSaved")
	if p, err := w.services.AccessPackages.AccessPackage(w.sys(), w.crm); err != nil || p.IsHidden || p.Description != "" {
		t.Errorf("package after unhiding: %+v %v", p, err)
	}

	// Delete: the confirm box is needed.
	before = w.manageSnapshot()
	pam.submit("/governance/packages/"+w.crm+"/delete", nil).see(t, 400, `id="delete-error"`, "Tick “I understand”", "Nothing was deleted.")
	w.unchanged(t, before, "deleting without confirming")

	// A package with an assignment stays, and the page says why.
	w.deliveredAssignment()
	before = w.manageSnapshot()
	pam.submit("/governance/packages/"+w.wiki+"/delete", url.Values{"confirm": {"on"}}).
		see(t, http.StatusConflict, `id="delete-error"`, "Nothing was deleted: access package Wiki editor still has live assignments")
	w.unchanged(t, before, "deleting a package with an assignment")

	// A package without history goes, with its policies and roles.
	pam.submit("/governance/packages/"+w.crm+"/delete", url.Values{"confirm": {"on"}}).redirect(t, "/governance/?done=packageDeleted")
	pam.get("/governance/?done=packageDeleted").see(t, 200, "The access package was deleted")
	if _, err := w.services.AccessPackages.AccessPackage(w.sys(), w.crm); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Errorf("deleted package: %v, want not found", err)
	}
	if _, err := w.services.Policies.Policy(w.sys(), w.crmPolicy); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Errorf("policy of the deleted package: %v, want not found", err)
	}
}

// TestManageRemoveRoleAndDeletePolicy: a manager removes a resource role
// from a package and deletes a policy; a policy with an open request is
// not deleted and the page says why; a policy of another package cannot be
// deleted through this package's page.
func TestManageRemoveRoleAndDeletePolicy(t *testing.T) {
	w := newWorld(t)
	w.addUser("pam", "Pam Manager", entitled.RoleAccessPackageManager, entitled.CatalogScope(w.cat))
	w.request("alice", w.crm, w.crmPolicy) // waits for bob's approval: open
	pam := w.signIn("pam")
	pam.get("/governance/packages/"+w.crm+"/roles").see(t, 200, `<th scope="col">Actions</th>`,
		`Remove<span class="visually-hidden"> role Member of app-crm</span>`)

	before := w.manageSnapshot()
	pam.submit("/governance/packages/"+w.crm+"/roles/remove", url.Values{"system": {"crm"}, "resource": {"app-wiki"}, "role": {"Member"}}).
		see(t, http.StatusNotFound, "is not part of CRM access")
	w.unchanged(t, before, "removing a role the package does not have")

	pam.submit("/governance/packages/"+w.crm+"/roles/remove", url.Values{"system": {"crm"}, "resource": {"app-crm"}, "role": {"Member"}, "confirmed": {"yes"}}).
		redirect(t, "/governance/packages/"+w.crm+"/roles?done=roleRemoved")
	pam.get("/governance/packages/"+w.crm+"/roles?done=roleRemoved").see(t, 200, "The resource role was removed", "grants no resource role yet")
	if scopes, err := w.services.AccessPackages.ResourceRoleScopes(w.sys(), w.crm); err != nil || len(scopes) != 0 {
		t.Errorf("scopes after removal: %v %v", scopes, err)
	}
	if scopes, err := w.services.AccessPackages.ResourceRoleScopes(w.sys(), w.wiki); err != nil || len(scopes) != 1 {
		t.Errorf("the wiki package's scopes changed: %v %v", scopes, err)
	}

	// Policies.
	pam.get("/governance/packages/"+w.crm+"/policies").see(t, 200, `Delete<span class="visually-hidden"> policy Employees</span>`,
		`/policies/`+w.crmPolicy+`/delete`)
	before = w.manageSnapshot()
	pam.submit("/governance/packages/"+w.crm+"/policies/"+w.crmPolicy+"/delete", nil).
		see(t, http.StatusConflict, "The policy Employees was not deleted: assignment policy Employees is used by open requests")
	w.unchanged(t, before, "deleting a policy with an open request")
	pam.submit("/governance/packages/"+w.crm+"/policies/"+w.wikiPolicy+"/delete", nil).see(t, http.StatusNotFound, "That policy is not one of CRM access.")
	w.unchanged(t, before, "deleting another package's policy")

	pam.submit("/governance/packages/"+w.wiki+"/policies/"+w.wikiPolicy+"/delete", nil).
		redirect(t, "/governance/packages/"+w.wiki+"/policies?done=policyDeleted")
	pam.get("/governance/packages/"+w.wiki+"/policies?done=policyDeleted").see(t, 200, "The policy was deleted.", "has no policy yet")
	if _, err := w.services.Policies.Policy(w.sys(), w.wikiPolicy); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Errorf("deleted policy: %v, want not found", err)
	}
}

// TestManageCatalog: a catalog owner removes an unused resource and deletes
// an empty catalog; a resource used by a package and a catalog with
// packages stay, and the page says why; deleting needs the confirm box.
func TestManageCatalog(t *testing.T) {
	w := newWorld(t)
	w.addUser("olly", "Olly Owner", entitled.RoleCatalogOwner, entitled.CatalogScope(w.cat))
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: w.cat,
		Resource: entitled.Resource{OriginID: "app-billing", OriginSystem: "crm", DisplayName: "Billing"}}
	w.must(w.services.Catalogs.CreateResourceRequest(w.sys(), rr))
	olly := w.signIn("olly")
	olly.get("/admin/catalogs/"+w.cat).see(t, 200, `id="delete-catalog-form"`,
		`Remove<span class="visually-hidden"> resource Billing from the catalog</span>`,
		`Delete<span class="visually-hidden"> catalog Business apps</span>`)

	// A resource a package grants a role of stays.
	used := ""
	pg, err := w.services.Catalogs.CatalogResources(w.sys(), w.cat, entitled.ListOptions{Top: 100})
	w.must(err)
	for _, r := range pg.Items {
		if r.OriginID == "app-crm" {
			used = r.ID
		}
	}
	before := w.manageSnapshot()
	olly.submit("/admin/catalogs/"+w.cat+"/resources/"+used+"/remove", url.Values{"confirmed": {"yes"}}).
		see(t, http.StatusConflict, `id="catalog-error"`, "The resource was not removed: resource app-crm is still used by access package(s) "+w.crm)
	w.unchanged(t, before, "removing a resource in use")

	olly.submit("/admin/catalogs/"+w.cat+"/resources/"+rr.Resource.ID+"/remove", url.Values{"confirmed": {"yes"}}).redirect(t, "/admin/catalogs/"+w.cat+"?done=resourceRemoved")
	olly.get("/admin/catalogs/"+w.cat+"?done=resourceRemoved").see(t, 200, "The resource was removed from the catalog.")
	if got := strings.Join(w.catalogResourceOrigins(w.cat), " "); strings.Contains(got, "app-billing") || !strings.Contains(got, "app-crm") {
		t.Errorf("catalog resources after removal: %s", got)
	}

	// The catalog still has packages.
	before = w.manageSnapshot()
	olly.submit("/admin/catalogs/"+w.cat+"/delete", nil).see(t, 400, "Tick “I understand”")
	olly.submit("/admin/catalogs/"+w.cat+"/delete", url.Values{"confirm": {"on"}}).
		see(t, http.StatusConflict, "Nothing was deleted: catalog Business apps still has access packages")
	w.unchanged(t, before, "deleting a catalog with packages")

	// An empty catalog goes.
	empty := &entitled.Catalog{DisplayName: "Old apps", State: "published"}
	w.must(w.services.Catalogs.CreateCatalog(w.sys(), empty))
	w.must(w.services.Roles.CreateRoleAssignment(w.sys(), false, &entitled.RoleAssignment{PrincipalID: w.users["olly"].ID,
		RoleDefinitionID: entitled.RoleCatalogOwner, AppScopeID: entitled.CatalogScope(empty.ID)}))
	olly.get("/admin/catalogs/"+empty.ID).see(t, 200, `id="delete-catalog-form"`)
	olly.submit("/admin/catalogs/"+empty.ID+"/delete", nil).see(t, 400, "Nothing was deleted.")
	if _, err := w.services.Catalogs.Catalog(w.sys(), empty.ID); err != nil {
		t.Fatalf("catalog deleted without confirmation: %v", err)
	}
	olly.submit("/admin/catalogs/"+empty.ID+"/delete", url.Values{"confirm": {"on"}}).redirect(t, "/admin/catalogs?done=catalogDeleted")
	olly.get("/admin/catalogs?done=catalogDeleted").see(t, 200, "The catalog was deleted.")
	if _, err := w.services.Catalogs.Catalog(w.sys(), empty.ID); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Errorf("deleted catalog: %v, want not found", err)
	}
}

// manageForms are the edit and delete posts, each as an allowed user would
// send it (the catalog has a resource nobody uses, so removing it would
// succeed for its owner).
func (w *world) manageForms(unused string) map[string]url.Values {
	return map[string]url.Values{
		"/governance/packages/" + w.crm + "/overview":                              {"name": {"Forged"}, "description": {"forged"}, "hidden": {"on"}},
		"/governance/packages/" + w.wiki + "/delete":                               {"confirm": {"on"}},
		"/governance/packages/" + w.crm + "/roles/remove":                          {"system": {"crm"}, "resource": {"app-crm"}, "role": {"Member"}, "confirmed": {"yes"}},
		"/governance/packages/" + w.wiki + "/policies/" + w.wikiPolicy + "/delete": nil,
		"/admin/catalogs/" + w.cat + "/resources/" + unused + "/remove":            {"confirmed": {"yes"}},
		"/admin/catalogs/" + w.cat + "/delete":                                     {"confirm": {"on"}},
	}
}

// unusedResource adds a resource no package uses and returns its id.
func (w *world) unusedResource() string {
	w.t.Helper()
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: w.cat,
		Resource: entitled.Resource{OriginID: "app-billing", OriginSystem: "crm", DisplayName: "Billing"}}
	w.must(w.services.Catalogs.CreateResourceRequest(w.sys(), rr))
	return rr.Resource.ID
}

// TestManageForgedPostsRefused: a catalog reader, an assignment manager
// and a plain requestor see no edit or delete control, and each forged
// post (with a valid CSRF token) is refused with nothing changed.
func TestManageForgedPostsRefused(t *testing.T) {
	w := newWorld(t)
	unused := w.unusedResource()
	// The wiki package has no history, so only the role check stops its
	// deletion; the catalog delete is stopped by the role check before the
	// package check.
	for _, name := range []string{"rea", "mia", "alice"} {
		b := w.signIn(name)
		if name != "alice" {
			for _, path := range []string{"/governance/packages/" + w.crm + "/overview", "/governance/packages/" + w.crm + "/roles",
				"/governance/packages/" + w.wiki + "/policies", "/admin/catalogs/" + w.cat} {
				p := b.get(path).see(t, 200)
				for _, s := range []string{`id="package-form"`, `id="delete-package-form"`, "/roles/remove", "/delete", "/remove", `id="delete-catalog-form"`} {
					if strings.Contains(p.body, s) {
						t.Errorf("%s sees %s on %s", name, s, path)
					}
				}
			}
		} else {
			b.get("/")
		}
		before := w.manageSnapshot()
		for path, form := range w.manageForms(unused) {
			p := b.submit(path, form)
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s's forged post to %s: %d, want 403 or 404; body:\n%s", name, path, p.status, p.body)
			}
			w.unchanged(t, before, name+"'s forged post to "+path)
		}
	}
}

// TestManageNeedsCSRFToken: the edit and delete posts of an allowed user
// without the session's CSRF token, or with a wrong one, are refused with
// nothing changed.
func TestManageNeedsCSRFToken(t *testing.T) {
	w := newWorld(t)
	unused := w.unusedResource()
	w.addUser("olly", "Olly Owner", entitled.RoleCatalogOwner, entitled.CatalogScope(w.cat))
	olly := w.signIn("olly")
	before := w.manageSnapshot()
	for path, form := range w.manageForms(unused) {
		for _, token := range []string{"", "forged-token"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if token != "" {
				f.Set("csrf", token)
			}
			olly.post(path, f).see(t, http.StatusForbidden, "This form has expired or did not come from entitled")
			w.unchanged(t, before, "a post without a valid CSRF token to "+path)
		}
	}
	// The same posts with the token work (the catalog delete is refused by
	// the service for its packages): the refusals above were the token's.
	olly.get("/admin/catalogs/" + w.cat)
	olly.submit("/admin/catalogs/"+w.cat+"/resources/"+unused+"/remove", url.Values{"confirmed": {"yes"}}).redirect(t, "/admin/catalogs/"+w.cat+"?done=resourceRemoved")
}
