package http_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// authMatrix is the authorization matrix: every guarded API operation, run
// as every delegated role, in the catalog where the role is held (A), in
// another one (B), or tenant-wide (-). The table is the rule a reviewer
// reads; TestAuthorizationMatrix fails when any cell changes.
//
// Cells: + allowed (2xx); - refused (403); x refused as if it did not exist
// (404: a request the caller may not see); ! allowed past authorization but
// refused by a lifecycle rule (400 or 409: e.g. reprocessing a request that
// is still delivering); 0 allowed but nothing visible (an empty list).
const authMatrix = `
operation                       scope  ga iga ua cc co apm apam cr req
create catalog                  -      +  +   +  +  -  -   -    -  -
read catalog                    A      +  +   +  -  +  +   +    +  -
read catalog                    B      +  +   +  -  -  -   -    -  -
edit catalog                    A      +  +   -  -  +  -   -    -  -
edit catalog                    B      +  +   -  -  -  -   -    -  -
add a system's resource         A      +  +   -  -  -  -   -    -  -
add a system's resource         B      +  +   -  -  -  -   -    -  -
add a delegated resource        A      +  +   -  -  +  -   -    -  -
add a group the caller owns     A      +  +   -  -  +  -   -    -  -
add a group the caller owns     B      +  +   -  -  -  -   -    -  -
assign a catalog role           A      +  +   -  -  +  -   -    -  -
assign a catalog role           B      +  +   -  -  -  -   -    -  -
create a package                A      +  +   -  -  +  +   -    -  -
create a package                B      +  +   -  -  -  -   -    -  -
create a policy                 A      +  +   -  -  +  +   -    -  -
create a policy                 B      +  +   -  -  -  -   -    -  -
list a package's requests       A      +  +   +  0  +  +   +    +  0
list a package's requests       B      +  +   +  0  0  0   0    0  0
read another's request          A      +  +   +  x  +  +   +    +  x
read another's request          B      +  +   +  x  x  x   x    x  x
read its deliveries             A      +  +   +  x  +  +   +    +  x
read its deliveries             B      +  +   +  x  x  x   x    x  x
assign directly                 A      +  +   +  -  +  +   +    -  -
assign directly                 B      +  +   +  -  -  -   -    -  -
reprocess another's request     A      !  !   !  x  !  !   !    -  x
reprocess another's request     B      !  !   !  x  x  x   x    x  x
cancel another's request        A      !  !   !  x  !  !   !    -  x
cancel another's request        B      !  !   !  x  x  x   x    x  x
request for oneself             A      +  +   +  +  +  +   +    +  +
create a user                   -      +  +   +  -  -  -   -    -  -
rename an ordinary user         -      +  +   +  -  -  -   -    -  -
rename an administrator         -      +  -   -  -  -  -   -    -  -
issue a token for another user  -      +  +   -  -  -  -   -    -  -
list another user's tokens      -      +  +   -  -  -  -   -    -  -
add a group owner               -      +  +   +  -  -  -   -    -  -
assign a directory role         -      +  -   -  -  -  -   -    -  -
read connected systems          -      +  +   -  -  -  -   -    -  -
create a connected system       -      +  +   -  -  -  -   -    -  -
`

// matrixRoles are the matrix's columns: the role each user holds (catalog
// roles in catalog A).
var matrixRoles = []struct {
	name, role string
	directory  bool
}{
	{"ga", entitled.RoleGlobalAdministrator, true},
	{"iga", entitled.RoleIdentityGovernanceAdministrator, true},
	{"ua", entitled.RoleUserAdministrator, true},
	{"cc", entitled.RoleCatalogCreator, false},
	{"co", entitled.RoleCatalogOwner, false},
	{"apm", entitled.RoleAccessPackageManager, false},
	{"apam", entitled.RoleAccessPackageAssignmentManager, false},
	{"cr", entitled.RoleCatalogReader, false},
	{"req", "", false},
}

// matrixCatalog is one catalog of the matrix's world.
type matrixCatalog struct {
	id, pkg, policy, request string
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	const em = "/v1.0/identityGovernance/entitlementManagement"
	seq := 0
	next := func(prefix string) string { seq++; return fmt.Sprintf("%s-%d", prefix, seq) }
	newUser := func(name string) string {
		u := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": name + "@example.com", "displayName": name, "accountEnabled": true}).must(t, 201)
		return str(u["id"])
	}
	e.do("POST", "/api/v1/systems", map[string]any{"name": "app", "kind": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:1/hook", "secret": "s3cret-webhook-key"}}).must(t, 201)
	cats := map[string]*matrixCatalog{}
	for _, name := range []string{"A", "B"} {
		c := &matrixCatalog{}
		c.id = str(e.do("POST", em+"/catalogs", map[string]any{"displayName": "Catalog " + name}).must(t, 201)["id"])
		res := e.do("POST", em+"/resourceRequests", map[string]any{"requestType": "adminAdd", "catalog": map[string]any{"id": c.id},
			"resource": map[string]any{"originSystem": "app", "originId": "res-" + name}}).must(t, 201)
		resID := str(obj(res["resource"])["id"])
		c.pkg = str(e.do("POST", em+"/accessPackages", map[string]any{"displayName": "Package " + name, "catalog": map[string]any{"id": c.id}}).must(t, 201)["id"])
		e.do("POST", em+"/accessPackages/"+c.pkg+"/resourceRoleScopes", map[string]any{
			"role":  map[string]any{"originId": "Member", "originSystem": "app", "resource": map[string]any{"id": resID}},
			"scope": map[string]any{"originId": "res-" + name, "originSystem": "app"}}).must(t, 201)
		c.policy = str(e.do("POST", em+"/assignmentPolicies", selfAddPolicy(c.pkg)).must(t, 201)["id"])
		// A request of somebody else, still delivering (no queue runs here).
		c.request = str(e.do("POST", em+"/assignmentRequests", map[string]any{"requestType": "adminAdd",
			"assignment": map[string]any{"targetId": newUser("target-" + name), "assignmentPolicyId": c.policy, "accessPackageId": c.pkg}}).must(t, 201)["id"])
		cats[name] = c
	}
	// System "hr" is delegated to catalog A.
	e.do("POST", "/api/v1/systems", map[string]any{"name": "hr", "kind": "webhook", "delegatedCatalogIds": []string{cats["A"].id},
		"config": map[string]any{"url": "http://127.0.0.1:1/hr", "secret": "s3cret-webhook-key"}}).must(t, 201)

	// An ordinary user and a second Identity Governance Administrator,
	// whom only a Global Administrator may change.
	ordinary, administrator := newUser("ordinary"), newUser("administrator")
	e.do("POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": administrator,
		"roleDefinitionId": entitled.RoleIdentityGovernanceAdministrator, "directoryScopeId": "/"}).must(t, 201)

	users, tokens := map[string]string{}, map[string]string{}
	for _, r := range matrixRoles {
		id := newUser(r.name)
		users[r.name], tokens[r.name] = id, e.tokenFor(id)
		switch {
		case r.role == "":
		case r.directory:
			e.do("POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": id,
				"roleDefinitionId": r.role, "directoryScopeId": "/"}).must(t, 201)
		default:
			scope := "/AccessPackageCatalog/" + cats["A"].id
			if r.role == entitled.RoleCatalogCreator {
				scope = "/"
			}
			e.do("POST", "/v1.0/roleManagement/entitlementManagement/roleAssignments", map[string]any{"principalId": id,
				"roleDefinitionId": r.role, "appScopeId": scope}).must(t, 201)
		}
	}

	// call is one operation as one role in one catalog (nil for tenant-wide).
	type call struct {
		method, path string
		body         any
		list         bool // a collection: "0" when it comes back empty
	}
	ops := map[string]func(role string, c *matrixCatalog) call{
		"create catalog": func(role string, _ *matrixCatalog) call {
			return call{"POST", em + "/catalogs", map[string]any{"displayName": next("cat")}, false}
		},
		"read catalog": func(_ string, c *matrixCatalog) call { return call{"GET", em + "/catalogs/" + c.id, nil, false} },
		"edit catalog": func(role string, c *matrixCatalog) call {
			return call{"PATCH", em + "/catalogs/" + c.id, map[string]any{"description": "edited by " + role}, false}
		},
		"add a system's resource": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/resourceRequests", map[string]any{"requestType": "adminAdd", "catalog": map[string]any{"id": c.id},
				"resource": map[string]any{"originSystem": "app", "originId": next("res")}}, false}
		},
		"add a delegated resource": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/resourceRequests", map[string]any{"requestType": "adminAdd", "catalog": map[string]any{"id": c.id},
				"resource": map[string]any{"originSystem": "hr", "originId": next("hr")}}, false}
		},
		"add a group the caller owns": func(role string, c *matrixCatalog) call {
			g := str(e.do("POST", "/v1.0/groups", map[string]any{"displayName": next("group"), "mailNickname": next("g")}).must(t, 201)["id"])
			e.do("POST", "/v1.0/groups/"+g+"/owners/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + users[role]}).must(t, 204)
			return call{"POST", em + "/resourceRequests", map[string]any{"requestType": "adminAdd", "catalog": map[string]any{"id": c.id},
				"resource": map[string]any{"originSystem": "AadGroup", "originId": g}}, false}
		},
		"assign a catalog role": func(_ string, c *matrixCatalog) call {
			return call{"POST", "/v1.0/roleManagement/entitlementManagement/roleAssignments", map[string]any{"principalId": newUser(next("reader")),
				"roleDefinitionId": entitled.RoleCatalogReader, "appScopeId": "/AccessPackageCatalog/" + c.id}, false}
		},
		"create a package": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/accessPackages", map[string]any{"displayName": next("pkg"), "catalog": map[string]any{"id": c.id}}, false}
		},
		"create a policy": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/assignmentPolicies", selfAddPolicy(c.pkg), false}
		},
		"list a package's requests": func(_ string, c *matrixCatalog) call {
			return call{"GET", em + "/assignmentRequests?$filter=" + urlq("accessPackage/id eq '"+c.pkg+"'"), nil, true}
		},
		"read another's request": func(_ string, c *matrixCatalog) call {
			return call{"GET", em + "/assignmentRequests/" + c.request, nil, false}
		},
		"read its deliveries": func(_ string, c *matrixCatalog) call {
			return call{"GET", "/api/v1/assignmentRequests/" + c.request + "/deliveries", nil, false}
		},
		"assign directly": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/assignmentRequests", map[string]any{"requestType": "adminAdd",
				"assignment": map[string]any{"targetId": newUser(next("assignee")), "assignmentPolicyId": c.policy, "accessPackageId": c.pkg}}, false}
		},
		"reprocess another's request": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/assignmentRequests/" + c.request + "/reprocess", nil, false}
		},
		"cancel another's request": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/assignmentRequests/" + c.request + "/cancel", nil, false}
		},
		"request for oneself": func(_ string, c *matrixCatalog) call {
			return call{"POST", em + "/assignmentRequests", map[string]any{"requestType": "userAdd",
				"assignment": map[string]any{"assignmentPolicyId": c.policy, "accessPackageId": c.pkg}}, false}
		},
		"create a user": func(_ string, _ *matrixCatalog) call {
			name := next("user")
			return call{"POST", "/v1.0/users", map[string]any{"userPrincipalName": name + "@example.com", "displayName": name, "accountEnabled": true}, false}
		},
		"rename an ordinary user": func(_ string, _ *matrixCatalog) call {
			return call{"PATCH", "/v1.0/users/" + ordinary, map[string]any{"displayName": next("renamed")}, false}
		},
		"rename an administrator": func(_ string, _ *matrixCatalog) call {
			return call{"PATCH", "/v1.0/users/" + administrator, map[string]any{"displayName": next("renamed")}, false}
		},
		"issue a token for another user": func(_ string, _ *matrixCatalog) call {
			return call{"POST", "/api/v1/tokens", map[string]any{"userId": ordinary, "ttl": "PT1H"}, false}
		},
		"list another user's tokens": func(_ string, _ *matrixCatalog) call {
			return call{"GET", "/api/v1/tokens?userId=" + ordinary, nil, false}
		},
		"add a group owner": func(_ string, _ *matrixCatalog) call {
			g := str(e.do("POST", "/v1.0/groups", map[string]any{"displayName": next("group"), "mailNickname": next("g")}).must(t, 201)["id"])
			return call{"POST", "/v1.0/groups/" + g + "/owners/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + newUser(next("owner"))}, false}
		},
		"assign a directory role": func(_ string, _ *matrixCatalog) call {
			return call{"POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": newUser(next("ua")),
				"roleDefinitionId": entitled.RoleUserAdministrator, "directoryScopeId": "/"}, false}
		},
		"read connected systems": func(_ string, _ *matrixCatalog) call { return call{"GET", "/api/v1/systems", nil, false} },
		"create a connected system": func(_ string, _ *matrixCatalog) call {
			return call{"POST", "/api/v1/systems", map[string]any{"name": next("sys"), "kind": "webhook",
				"config": map[string]any{"url": "http://127.0.0.1:1/x", "secret": "s3cret-webhook-key"}}, false}
		},
	}

	rowRE := regexp.MustCompile(`^(.+?)\s{2,}([-AB])\s+(.+)$`)
	for _, line := range strings.Split(strings.TrimSpace(authMatrix), "\n")[1:] {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("matrix line %q: want operation, scope, cells", line)
		}
		row := struct{ op, scope string }{m[1], m[2]}
		want := strings.Fields(m[3])
		if len(want) != len(matrixRoles) {
			t.Fatalf("row %q %s has %d cells, want %d", row.op, row.scope, len(want), len(matrixRoles))
		}
		op, ok := ops[row.op]
		if !ok {
			t.Fatalf("no operation %q", row.op)
		}
		var got []string
		for _, r := range matrixRoles {
			c := op(r.name, cats[row.scope])
			res := e.doAs(tokens[r.name], c.method, c.path, c.body)
			cell := "?"
			switch {
			case res.status >= 200 && res.status < 300 && c.list && len(list(res.body["value"])) == 0:
				cell = "0"
			case res.status >= 200 && res.status < 300:
				cell = "+"
			case res.status == 403:
				cell = "-"
			case res.status == 404:
				cell = "x"
			case res.status == 400 || res.status == 409:
				cell = "!"
			}
			if cell == "?" {
				t.Errorf("%s (%s) as %s: unexpected status %d: %s", row.op, row.scope, r.name, res.status, res.raw)
			}
			got = append(got, cell)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%-30s %s\n  want %s\n   got %s   (columns: ga iga ua cc co apm apam cr req)", row.op, row.scope,
				strings.Join(want, " "), strings.Join(got, " "))
		}
	}
}

// selfAddPolicy is a policy under which every member may request the
// package for themselves, without approval.
func selfAddPolicy(pkg string) map[string]any {
	return map[string]any{"displayName": "Everyone", "allowedTargetScope": "allMemberUsers",
		"accessPackage":           map[string]any{"id": pkg},
		"expiration":              map[string]any{"type": "noExpiration"},
		"requestorSettings":       map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfRemoveAccess": true},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": false, "stages": []any{}},
	}
}
