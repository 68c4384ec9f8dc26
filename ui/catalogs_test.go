package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// addUser creates a user of the built-in directory with a catalog role
// (appScope "/" or a catalog scope); role "" gives none.
func (w *world) addUser(name, display, role, appScope string) {
	w.t.Helper()
	u := &entitled.User{UserPrincipalName: name + "@example.com", DisplayName: display, Mail: name + "@example.com", AccountEnabled: true}
	w.must(w.services.Users.CreateUser(w.sys(), u))
	w.users[name] = u
	if role != "" {
		w.must(w.services.Roles.CreateRoleAssignment(w.sys(), false, &entitled.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: role, AppScopeID: appScope}))
	}
}

// roleValue is the add-role form's value of a catalog resource's role.
func (w *world) roleValue(origin string) string {
	w.t.Helper()
	pg, err := w.services.Catalogs.CatalogResources(w.sys(), w.cat, entitled.ListOptions{Top: 100})
	w.must(err)
	for _, r := range pg.Items {
		if r.OriginID == origin && len(r.Roles) > 0 {
			return r.ID + ":" + r.Roles[0].ID
		}
	}
	w.t.Fatalf("no resource %s with a role in the catalog", origin)
	return ""
}

// policiesOf returns the policies of a package.
func (w *world) policiesOf(pkg string) []entitled.AssignmentPolicy {
	w.t.Helper()
	pg, err := w.services.Policies.Policies(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	var out []entitled.AssignmentPolicy
	for _, p := range pg.Items {
		if p.AccessPackageID == pkg {
			out = append(out, p)
		}
	}
	return out
}

// TestCatalogAndPackageCreation: a tenant administrator creates a catalog;
// an access package manager of a catalog creates a package there, adds a
// resource role from the catalog's resources and a policy (specific users,
// one approver, expiry after days); the package is then requestable by
// exactly the users the policy names.
func TestCatalogAndPackageCreation(t *testing.T) {
	w := newWorld(t)
	w.addUser("pam", "Pam Packager", entitled.RoleAccessPackageManager, entitled.CatalogScope(w.cat))

	admin := w.signIn("admin")
	admin.get("/").see(t, 200, `href="/admin/catalogs"`)
	admin.get("/admin/catalogs").see(t, 200, "Business apps", `id="add-catalog"`, `href="/admin/catalogs/`+w.cat+`/packages/new"`)
	admin.get("/admin/catalogs/new").see(t, 200, `id="name"`, `id="create-catalog"`)
	admin.submit("/admin/catalogs", url.Values{"name": {"  "}, "description": {"kept"}}).see(t, 400, "Enter a name for the catalog", ">kept</textarea>")
	created := admin.submit("/admin/catalogs", url.Values{"name": {"HR apps"}, "description": {"Payroll and leave"}})
	if created.status != http.StatusSeeOther || !strings.HasPrefix(created.location, "/admin/catalogs/") || !strings.HasSuffix(created.location, "?done=catalogAdded") {
		t.Fatalf("creating a catalog leads to %d %q, want its page", created.status, created.location)
	}
	admin.get(created.location).see(t, 200, "The catalog was created", "HR apps", "Payroll and leave", `id="new-package"`, `id="no-packages"`)
	cats, err := w.services.Catalogs.Catalogs(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	if len(cats.Items) != 2 {
		t.Fatalf("%d catalogs after creating one, want 2", len(cats.Items))
	}

	// The access package manager: may create packages in the catalog, not catalogs.
	pam := w.signIn("pam")
	list := pam.get("/admin/catalogs").see(t, 200, "Business apps", `href="/admin/catalogs/`+w.cat+`/packages/new"`)
	if strings.Contains(list.body, `id="add-catalog"`) {
		t.Error("an access package manager is offered Create a catalog")
	}
	pam.get("/admin/catalogs/"+w.cat+"/packages/new").see(t, 200, "Create an access package in Business apps")
	pam.submit("/admin/catalogs/"+w.cat+"/packages", url.Values{"name": {""}}).see(t, 400, "Enter a name for the access package")
	res := pam.submit("/admin/catalogs/"+w.cat+"/packages", url.Values{"name": {"Sales tools"}, "description": {"CRM for sales"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/governance/packages/") || !strings.HasSuffix(res.location, "/roles?done=packageAdded") {
		t.Fatalf("create package: %d %q %s", res.status, res.location, res.body)
	}
	pkg := strings.TrimSuffix(strings.TrimPrefix(res.location, "/governance/packages/"), "/roles?done=packageAdded")
	p, err := w.services.AccessPackages.AccessPackage(w.sys(), pkg)
	w.must(err)
	if p.CatalogID != w.cat || p.DisplayName != "Sales tools" || p.Description != "CRM for sales" || p.IsHidden {
		t.Fatalf("created package: %+v", p)
	}
	pam.get(res.location).see(t, 200, "The access package was created", "grants no resource role yet", `id="add-role-link"`)

	// Add a resource role from the catalog's resources.
	crmRole := w.roleValue("app-crm")
	pam.get("/governance/packages/"+pkg+"/roles/add").see(t, 200, `value="`+crmRole+`"`, "app-crm — Member (crm)", "app-wiki — Member (crm)")
	pam.submit("/governance/packages/"+pkg+"/roles/add", url.Values{"role": {""}}).see(t, 400, "Choose a resource role")
	pam.submit("/governance/packages/"+pkg+"/roles/add", url.Values{"role": {crmRole}}).redirect(t, "/governance/packages/"+pkg+"/roles?done=roleAdded")
	pam.get("/governance/packages/"+pkg+"/roles").see(t, 200, "app-crm", "Member")
	scopes, err := w.services.AccessPackages.ResourceRoleScopes(w.sys(), pkg)
	w.must(err)
	if len(scopes) != 1 || scopes[0].Resource.OriginID != "app-crm" {
		t.Fatalf("role scopes after adding: %+v", scopes)
	}
	// The same role twice is refused with the store's message, not a 500.
	if again := pam.submit("/governance/packages/"+pkg+"/roles/add", url.Values{"role": {crmRole}}); again.status < 400 || again.status >= 500 {
		t.Errorf("adding the same role twice: %d", again.status)
	}

	// A policy: only alice may request, bob approves, access ends after 30 days.
	pam.get("/governance/packages/"+pkg+"/policies").see(t, 200, "has no policy yet", `id="add-policy-link"`)
	pam.get("/governance/packages/"+pkg+"/policies/add").see(t, 200, `id="who-all" name="who" value="allMemberUsers" checked`, `id="no-approval"`)
	form := url.Values{"name": {"Sales team"}, "who": {"specificDirectoryUsers"}, "users": {"alice@example.com\nnobody@example.com"},
		"s1": {"0"}, "s1.primary": {"user:" + w.users["bob"].ID}, "s1.deny": {"14"}, "justification": {"on"}, "expiration": {"days"}, "days": {"30"}}
	pam.submit("/governance/packages/"+pkg+"/policies/add", form).see(t, 400, "no user with the user principal name nobody@example.com", `value="Sales team"`)
	form.Set("users", "alice@example.com")
	for field, bad := range map[string]string{"days": "0", "s1.primary": "", "s1.deny": "0", "who": "everyone", "name": ""} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set(field, bad)
		pam.submit("/governance/packages/"+pkg+"/policies/add", f).see(t, 400)
	}
	if n := len(w.policiesOf(pkg)); n != 0 {
		t.Fatalf("%d policies after refused forms, want 0", n)
	}
	pam.submit("/governance/packages/"+pkg+"/policies/add", form).redirect(t, "/governance/packages/"+pkg+"/policies?done=policyAdded")
	pols := w.policiesOf(pkg)
	if len(pols) != 1 {
		t.Fatalf("%d policies, want 1", len(pols))
	}
	pol := pols[0]
	ap := pol.RequestApprovalSettings
	if pol.DisplayName != "Sales team" || pol.AllowedTargetScope != entitled.ScopeSpecificDirectoryUsers ||
		len(pol.SpecificAllowedTargets) != 1 || pol.SpecificAllowedTargets[0].UserID != w.users["alice"].ID ||
		!ap.IsApprovalRequiredForAdd || !ap.IsRequestorJustificationRequired || len(ap.Stages) != 1 ||
		len(ap.Stages[0].PrimaryApprovers) != 1 || ap.Stages[0].PrimaryApprovers[0].UserID != w.users["bob"].ID ||
		pol.Expiration.Type != entitled.ExpirationAfterPeriod || pol.Expiration.Duration != 30*24*time.Hour {
		t.Fatalf("created policy: %+v", pol)
	}
	pam.get("/governance/packages/"+pkg+"/policies?done=policyAdded").see(t, 200, "The policy was added", "Sales team", "Bob Approver")

	// Alice may request it; Mia may not.
	w.signIn("alice").get("/").see(t, 200, "Sales tools", `href="/packages/`+pkg+`/request"`)
	if strings.Contains(w.signIn("mia").get("/").body, "Sales tools") {
		t.Error("a user the policy does not name is offered the package")
	}

	// A policy open to all members without approval or expiry.
	pam.submit("/governance/packages/"+pkg+"/policies/add", url.Values{"name": {"Everyone"}, "who": {"allMemberUsers"},
		"expiration": {"none"}}).redirect(t, "/governance/packages/"+pkg+"/policies?done=policyAdded")
	for _, p := range w.policiesOf(pkg) {
		if p.DisplayName == "Everyone" && (p.AllowedTargetScope != entitled.ScopeAllMemberUsers || p.RequestApprovalSettings.IsApprovalRequiredForAdd ||
			len(p.RequestApprovalSettings.Stages) != 0 || p.Expiration.Type != entitled.ExpirationNone) {
			t.Errorf("open policy: %+v", p)
		}
	}

	// Pam may not create a catalog, even with a forged post.
	pam.get("/admin/catalogs/new").see(t, 403)
	pam.submit("/admin/catalogs", url.Values{"name": {"Pam's catalog"}}).see(t, 403)
	cats, err = w.services.Catalogs.Catalogs(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	if len(cats.Items) != 2 {
		t.Fatalf("a forged catalog post by an access package manager created a catalog: %d catalogs", len(cats.Items))
	}
}

// TestCatalogPagesRoles: assignment managers and catalog readers see no
// Catalogs section and cannot create catalogs, packages, role scopes or
// policies, even with forged posts; a catalog creator creates a catalog and
// owns it, but may not create packages in catalogs of others.
func TestCatalogPagesRoles(t *testing.T) {
	w := newWorld(t)
	crmRole := w.roleValue("app-crm")
	pkgsBefore, err := w.services.AccessPackages.AccessPackages(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	for _, name := range []string{"mia", "rea", "alice"} {
		b := w.signIn(name)
		if strings.Contains(b.get("/").body, `href="/admin/catalogs"`) {
			t.Errorf("%s's navigation shows Catalogs", name)
		}
		for _, p := range []string{"/admin/catalogs", "/admin/catalogs/new", "/admin/catalogs/" + w.cat + "/packages/new"} {
			if got := b.get(p); got.status != 403 {
				t.Errorf("%s GET %s: %d, want 403", name, p, got.status)
			}
		}
		b.submit("/admin/catalogs", url.Values{"name": {"forged"}}).see(t, 403)
		b.submit("/admin/catalogs/"+w.cat+"/packages", url.Values{"name": {"forged"}}).see(t, 403)
		if got := b.submit("/governance/packages/"+w.wiki+"/roles/add", url.Values{"role": {crmRole}}); got.status != 403 {
			t.Errorf("%s forged add role: %d, want 403", name, got.status)
		}
		if got := b.submit("/governance/packages/"+w.wiki+"/policies/add", url.Values{"name": {"forged"}, "who": {"allMemberUsers"},
			"approval": {"none"}, "expiration": {"none"}}); got.status != 403 {
			t.Errorf("%s forged add policy: %d, want 403", name, got.status)
		}
	}
	roles := w.signIn("mia").get("/governance/packages/"+w.wiki+"/roles").see(t, 200)
	if strings.Contains(roles.body, `id="add-role-link"`) {
		t.Error("an assignment manager is offered Add a resource role")
	}
	cats, err := w.services.Catalogs.Catalogs(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	pkgs, err := w.services.AccessPackages.AccessPackages(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	scopes, err := w.services.AccessPackages.ResourceRoleScopes(w.sys(), w.wiki)
	w.must(err)
	if len(cats.Items) != 1 || len(pkgs.Items) != len(pkgsBefore.Items) || len(scopes) != 1 || len(w.policiesOf(w.wiki)) != 1 {
		t.Fatalf("forged posts changed something: %d catalogs, %d packages, %d wiki scopes, %d wiki policies",
			len(cats.Items), len(pkgs.Items), len(scopes), len(w.policiesOf(w.wiki)))
	}

	// A catalog creator creates a catalog and may add packages there only.
	w.addUser("cora", "Cora Creator", entitled.RoleCatalogCreator, "/")
	cora := w.signIn("cora")
	cora.get("/admin/catalogs").see(t, 200, `id="add-catalog"`)
	cora.get("/admin/catalogs/"+w.cat+"/packages/new").see(t, 403)
	cora.get("/admin/catalogs/new")
	cora.submit("/admin/catalogs", url.Values{"name": {"Cora's apps"}}).see(t, http.StatusSeeOther)
	cats, err = w.services.Catalogs.Catalogs(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	var mine string
	for _, c := range cats.Items {
		if c.DisplayName == "Cora's apps" {
			mine = c.ID
		}
	}
	if mine == "" {
		t.Fatal("the catalog creator's catalog was not created")
	}
	cora.get("/admin/catalogs/"+mine+"/packages/new").see(t, 200, "Create an access package in Cora&#39;s apps")
	cora.submit("/admin/catalogs/"+mine+"/packages", url.Values{"name": {"Cora's package"}}).see(t, http.StatusSeeOther)
}
