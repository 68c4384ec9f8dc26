package http_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// grantDirectoryRole makes the admin assign a directory role to a user.
func (e *env) grantDirectoryRole(t *testing.T, userID, role string) {
	t.Helper()
	e.do("POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": userID,
		"roleDefinitionId": role, "directoryScopeId": "/"}).must(t, 201)
}

// refused asserts a 403 whose message names the rule for the role.
func (r response) refused(t *testing.T, roleName string) {
	t.Helper()
	e := r.graphError(t, 403, entitled.CodeForbidden)
	want := "only a Global Administrator may change a user who holds the " + roleName + " role"
	if e["message"] != want {
		t.Errorf("message %q, want %q", e["message"], want)
	}
}

// TestUserAdminCannotChangeAdministrators: a User Administrator may edit,
// disable, re-manage and delete ordinary users (catalog owners included),
// but not users holding a privileged directory role; a Global
// Administrator may.
func TestUserAdminCannotChangeAdministrators(t *testing.T) {
	e := newEnv(t)
	uaID, uaTok := e.newUser(t, "ua@example.com")
	e.grantDirectoryRole(t, uaID, entitled.RoleUserAdministrator)
	igaID, _ := e.newUser(t, "iga@example.com")
	e.grantDirectoryRole(t, igaID, entitled.RoleIdentityGovernanceAdministrator)
	ua2ID, _ := e.newUser(t, "ua2@example.com")
	e.grantDirectoryRole(t, ua2ID, entitled.RoleUserAdministrator)
	plainID, _ := e.newUser(t, "plain@example.com")
	ownerID, _ := e.newUser(t, "owner@example.com")
	catID := str(e.do("POST", em+"/catalogs", map[string]any{"displayName": "Owned"}).must(t, 201)["id"])
	e.do("POST", "/v1.0/roleManagement/entitlementManagement/roleAssignments", map[string]any{"principalId": ownerID,
		"roleDefinitionId": entitled.RoleCatalogOwner, "appScopeId": "/AccessPackageCatalog/" + catID}).must(t, 201)
	ga := e.admin.ID
	const gaName, igaName, uaName = "Global Administrator", "Identity Governance Administrator", "User Administrator"

	// PATCH: disabling, renaming.
	e.doAs(uaTok, "PATCH", "/v1.0/users/"+ga, map[string]any{"accountEnabled": false}).refused(t, gaName)
	e.doAs(uaTok, "PATCH", "/v1.0/users/"+ga, map[string]any{"userPrincipalName": "evil@example.com"}).refused(t, gaName)
	e.doAs(uaTok, "PATCH", "/v1.0/users/"+igaID, map[string]any{"accountEnabled": false}).refused(t, igaName)
	e.doAs(uaTok, "PATCH", "/v1.0/users/"+ua2ID, map[string]any{"displayName": "Mallory"}).refused(t, uaName)
	if u := e.do("GET", "/v1.0/users/"+ga, nil).must(t, 200); u["accountEnabled"] != true || u["userPrincipalName"] != "admin@example.com" {
		t.Errorf("a refused PATCH changed the administrator: %v", u)
	}
	e.doAs(uaTok, "PATCH", "/v1.0/users/"+plainID, map[string]any{"accountEnabled": false}).must(t, 204)
	e.doAs(uaTok, "PATCH", "/v1.0/users/"+ownerID, map[string]any{"mail": "owner2@example.com"}).must(t, 204)
	e.do("PATCH", "/v1.0/users/"+igaID, map[string]any{"displayName": "Iga"}).must(t, 204)

	// Manager: setting and removing.
	e.doAs(uaTok, "PUT", "/v1.0/users/"+igaID+"/manager/$ref", map[string]any{"@odata.id": "/v1.0/users/" + plainID}).refused(t, igaName)
	e.doAs(uaTok, "PUT", "/v1.0/users/"+plainID+"/manager/$ref", map[string]any{"@odata.id": "/v1.0/users/" + ownerID}).must(t, 204)
	e.doAs(uaTok, "PUT", "/v1.0/users/"+ownerID+"/manager/$ref", map[string]any{"@odata.id": "/v1.0/users/" + uaID}).must(t, 204)
	e.do("PUT", "/v1.0/users/"+igaID+"/manager/$ref", map[string]any{"@odata.id": "/v1.0/users/" + plainID}).must(t, 204)
	e.doAs(uaTok, "DELETE", "/v1.0/users/"+igaID+"/manager/$ref", nil).refused(t, igaName)
	e.doAs(uaTok, "DELETE", "/v1.0/users/"+plainID+"/manager/$ref", nil).must(t, 204)
	e.do("DELETE", "/v1.0/users/"+igaID+"/manager/$ref", nil).must(t, 204)

	// DELETE.
	e.doAs(uaTok, "DELETE", "/v1.0/users/"+ua2ID, nil).refused(t, uaName)
	e.do("GET", "/v1.0/users/"+ua2ID, nil).must(t, 200)
	e.doAs(uaTok, "DELETE", "/v1.0/users/"+plainID, nil).must(t, 204)
	e.do("DELETE", "/v1.0/users/"+ua2ID, nil).must(t, 204)

	// A User Administrator still may not assign directory roles.
	e.doAs(uaTok, "POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": ownerID,
		"roleDefinitionId": entitled.RoleUserAdministrator, "directoryScopeId": "/"}).graphError(t, 403, entitled.CodeForbidden)
	// The Global Administrator disables the Identity Governance Administrator.
	e.do("PATCH", "/v1.0/users/"+igaID, map[string]any{"accountEnabled": false}).must(t, 204)
}

// TestTokensOfAdministrators: an Identity Governance Administrator may issue
// and revoke tokens of ordinary users, not of a Global Administrator.
func TestTokensOfAdministrators(t *testing.T) {
	e := newEnv(t)
	igaID, igaTok := e.newUser(t, "iga@example.com")
	e.grantDirectoryRole(t, igaID, entitled.RoleIdentityGovernanceAdministrator)
	plainID, _ := e.newUser(t, "plain@example.com")

	e.doAs(igaTok, "POST", "/api/v1/tokens", map[string]any{"userId": e.admin.ID, "ttl": "PT1H"}).refused(t, "Global Administrator")
	e.doAs(igaTok, "POST", "/api/v1/tokens", map[string]any{"userId": "admin@example.com", "ttl": "PT1H"}).refused(t, "Global Administrator")
	tok := e.doAs(igaTok, "POST", "/api/v1/tokens", map[string]any{"userId": plainID, "ttl": "PT1H"}).must(t, 201)
	if tok["userId"] != plainID || !strings.HasPrefix(str(tok["token"]), entitled.TokenPrefix) {
		t.Errorf("token for an ordinary user %v", tok)
	}
	gaTok := e.do("POST", "/api/v1/tokens", map[string]any{"ttl": "PT1H"}).must(t, 201)
	e.doAs(igaTok, "DELETE", "/api/v1/tokens/"+str(gaTok["id"]), nil).refused(t, "Global Administrator")
	e.doAs(str(gaTok["token"]), "GET", "/v1.0/me", nil).must(t, 200)
	e.doAs(igaTok, "DELETE", "/api/v1/tokens/"+str(tok["id"]), nil).must(t, 204)
	// The Global Administrator may issue one for the Identity Governance Administrator.
	e.do("POST", "/api/v1/tokens", map[string]any{"userId": igaID, "ttl": "PT1H"}).must(t, 201)
}
