package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// uiAuthMatrix is the web UI's authorization matrix: every form post (and
// the pages of connected systems) as every delegated role, in the catalog
// where the role is held (A), in another one (B), or tenant-wide (-). Each
// post carries the session's valid CSRF token, so only the role decides.
// TestUIAuthorizationMatrix fails when any cell changes.
//
// Cells: + allowed (303 after a post, 200 for a page); - refused (403);
// x refused as if it did not exist (404); ! allowed past authorization but
// refused by a lifecycle rule (400 or 409: reprocessing or cancelling a
// request that is still delivering).
const uiAuthMatrix = `
operation                       scope  ga iga ua co apm apam cr req
create a catalog                -      +  +   +  -  -   -    -  -
edit a catalog                  A      +  +   -  +  -   -    -  -
edit a catalog                  B      +  +   -  -  -   -    -  -
add a system's resource         A      +  +   -  -  -   -    -  -
add a system's resource         B      +  +   -  -  -   -    -  -
assign a catalog role           A      +  +   -  +  -   -    -  -
assign a catalog role           B      +  +   -  -  -   -    -  -
create a package                A      +  +   -  +  +   -    -  -
create a package                B      +  +   -  -  -   -    -  -
edit a package                  A      +  +   -  +  +   -    -  -
edit a package                  B      +  +   -  -  -   -    -  -
open a policy's edit form       A      +  +   -  +  +   -    -  -
open a policy's edit form       B      +  +   -  -  -   -    -  -
edit a policy                   A      +  +   -  +  +   -    -  -
edit a policy                   B      +  +   -  -  -   -    -  -
assign directly                 A      +  +   +  +  +   +    -  -
assign directly                 B      +  +   +  -  -   -    -  -
reprocess another's request     A      !  !   !  !  !   !    -  x
reprocess another's request     B      !  !   !  x  x   x    x  x
cancel another's request        A      !  !   !  !  !   !    -  x
cancel another's request        B      !  !   !  x  x   x    x  x
open connected systems          -      +  +   -  -  -   -    -  -
open a connected system         -      +  +   -  -  -   -    -  -
`

func TestUIAuthorizationMatrix(t *testing.T) {
	w := newWorld(t)
	sys := w.sys()
	// The world's catalog is A; mia (assignment manager) and rea (reader)
	// hold their roles there, alice requests.
	w.users["ga"] = w.users["admin"]
	for name, role := range map[string]string{"iga": entitled.RoleIdentityGovernanceAdministrator, "ua": entitled.RoleUserAdministrator} {
		w.addUser(name, name, "", "")
		w.must(w.services.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: w.users[name].ID, RoleDefinitionID: role}))
	}
	w.addUser("co", "Olly Owner", entitled.RoleCatalogOwner, entitled.CatalogScope(w.cat))
	w.addUser("apm", "Pam Manager", entitled.RoleAccessPackageManager, entitled.CatalogScope(w.cat))
	w.users["apam"], w.users["cr"], w.users["req"] = w.users["mia"], w.users["rea"], w.users["alice"]

	type catalog struct{ id, pkg, policy, request string }
	a := &catalog{id: w.cat, pkg: w.wiki, policy: w.wikiPolicy}
	b := &catalog{}
	cb := &entitled.Catalog{DisplayName: "Other apps", State: entitled.CatalogPublished}
	w.must(w.services.Catalogs.CreateCatalog(sys, cb))
	b.id = cb.ID
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: b.id,
		Resource: entitled.Resource{OriginID: "app-b", OriginSystem: "crm", DisplayName: "App B"}}
	w.must(w.services.Catalogs.CreateResourceRequest(sys, rr))
	pb := &entitled.AccessPackage{CatalogID: b.id, DisplayName: "B access"}
	w.must(w.services.AccessPackages.CreateAccessPackage(sys, pb))
	_, err := w.services.AccessPackages.AddResourceRoleScope(sys, pb.ID, entitled.ResourceRoleScopeInput{RoleOriginID: "Member", RoleOriginSystem: "crm", ResourceID: rr.Resource.ID})
	w.must(err)
	b.pkg = pb.ID
	b.policy = w.policy(b.pkg, &entitled.ApprovalSettings{})
	// A request of somebody else in each catalog, still delivering (no
	// queue runs here).
	w.addUser("tara", "Tara Target", "", "")
	a.request = w.request("tara", a.pkg, a.policy)
	b.request = w.request("tara", b.pkg, b.policy)
	cats := map[string]*catalog{"A": a, "B": b}
	crm, err := w.services.Systems.System(sys, "crm")
	w.must(err)

	seq := 0
	next := func(prefix string) string { seq++; return fmt.Sprintf("%s-%d", prefix, seq) }
	newUPN := func() string {
		name := next("user")
		w.addUser(name, name, "", "")
		return name + "@example.com"
	}
	type call struct {
		method, path string
		form         url.Values
	}
	ops := map[string]func(c *catalog) call{
		"create a catalog": func(*catalog) call { return call{"POST", "/admin/catalogs", url.Values{"name": {next("catalog")}}} },
		"edit a catalog": func(c *catalog) call {
			return call{"POST", "/admin/catalogs/" + c.id, url.Values{"name": {next("catalog")}, "description": {"edited"}}}
		},
		"add a system's resource": func(c *catalog) call {
			return call{"POST", "/admin/catalogs/" + c.id + "/resources", url.Values{"system": {"crm"}, "originId": {next("app")}}}
		},
		"assign a catalog role": func(c *catalog) call {
			return call{"POST", "/admin/catalogs/" + c.id + "/roles", url.Values{"upn": {newUPN()}, "role": {entitled.RoleCatalogReader}}}
		},
		"create a package": func(c *catalog) call {
			return call{"POST", "/admin/catalogs/" + c.id + "/packages", url.Values{"name": {next("package")}}}
		},
		"edit a package": func(c *catalog) call {
			return call{"POST", "/governance/packages/" + c.pkg + "/overview", url.Values{"name": {next("package")}, "description": {"edited"}}}
		},
		"open a policy's edit form": func(c *catalog) call {
			return call{"GET", "/governance/packages/" + c.pkg + "/policies/" + c.policy + "/edit", nil}
		},
		"edit a policy": func(c *catalog) call {
			return call{"POST", "/governance/packages/" + c.pkg + "/policies/" + c.policy + "/edit",
				url.Values{"name": {next("policy")}, "who": {"allMemberUsers"}, "expiration": {"none"}, "op": {"save"}}}
		},
		"assign directly": func(c *catalog) call {
			return call{"POST", "/governance/packages/" + c.pkg + "/assignments/add", url.Values{"upn": {newUPN()}, "policy": {c.policy}}}
		},
		"reprocess another's request": func(c *catalog) call {
			return call{"POST", "/governance/requests/" + c.request + "/reprocess", nil}
		},
		"cancel another's request": func(c *catalog) call {
			return call{"POST", "/governance/requests/" + c.request + "/cancel", nil}
		},
		"open connected systems":  func(*catalog) call { return call{"GET", "/admin/systems", nil} },
		"open a connected system": func(*catalog) call { return call{"GET", "/admin/systems/" + crm.ID, nil} },
	}

	roles := []string{"ga", "iga", "ua", "co", "apm", "apam", "cr", "req"}
	browsers := map[string]*browser{}
	for _, r := range roles {
		browsers[r] = w.signIn(r) // loads a page with a form: the CSRF token is known
	}
	rowRE := regexp.MustCompile(`^(.+?)\s{2,}([-AB])\s+(.+)$`)
	for _, line := range strings.Split(strings.TrimSpace(uiAuthMatrix), "\n")[1:] {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("matrix line %q: want operation, scope, cells", line)
		}
		opName, scope, want := m[1], m[2], strings.Fields(m[3])
		if len(want) != len(roles) {
			t.Fatalf("row %q %s has %d cells, want %d", opName, scope, len(want), len(roles))
		}
		op, ok := ops[opName]
		if !ok {
			t.Fatalf("no operation %q", opName)
		}
		var got []string
		for _, r := range roles {
			c := op(cats[scope])
			var p page
			if c.method == "GET" {
				p = browsers[r].get(c.path)
			} else {
				p = browsers[r].submit(c.path, c.form)
			}
			cell := "?"
			switch {
			case c.method == "GET" && p.status == http.StatusOK, c.method == "POST" && p.status == http.StatusSeeOther:
				cell = "+"
			case p.status == http.StatusForbidden:
				cell = "-"
			case p.status == http.StatusNotFound:
				cell = "x"
			case p.status == http.StatusBadRequest || p.status == http.StatusConflict:
				cell = "!"
			}
			if cell == "?" {
				t.Errorf("%s (%s) as %s: unexpected status %d: %.400s", opName, scope, r, p.status, p.body)
			}
			got = append(got, cell)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%-30s %s\n  want %s\n   got %s   (columns: %s)", opName, scope, strings.Join(want, " "), strings.Join(got, " "),
				strings.Join(roles, " "))
		}
	}
}
