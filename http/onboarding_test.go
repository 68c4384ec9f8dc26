package http_test

import (
	"strings"
	"testing"
)

// TestCatalogOwnerCannotOnboardWhatTheyDoNotOwn replays the escape of the
// security review: a Catalog creator makes a catalog, adds catalog B's
// approver group (or B's webhook resource), packages it without approval
// and grants it to themselves. The rule "who brings a resource into a
// catalog" refuses both adds; group ownership and a system's delegation to
// the catalog are the two ways a catalog owner may add a resource.
func TestCatalogOwnerCannotOnboardWhatTheyDoNotOwn(t *testing.T) {
	e := newEnv(t)
	const em = "/v1.0/identityGovernance/entitlementManagement"
	mallory := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "mallory@example.com", "displayName": "Mallory", "accountEnabled": true}).must(t, 201)
	malloryID := str(mallory["id"])
	e.do("POST", "/v1.0/roleManagement/entitlementManagement/roleAssignments", map[string]any{"principalId": malloryID,
		"roleDefinitionId": "ba92d953-d8e0-4e39-a797-0cbedb0a89e8", "appScopeId": "/"}).must(t, 201)
	tok := e.tokenFor(malloryID)

	// Catalog B, administered by others: its approver group and its webhook.
	approvers := e.do("POST", "/v1.0/groups", map[string]any{"displayName": "B approvers", "mailNickname": "b-approvers"}).must(t, 201)
	approversID := str(approvers["id"])
	sys := e.do("POST", "/api/v1/systems", map[string]any{"name": "payroll", "kind": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:1/hook", "secret": "s3cret-webhook-key"}}).must(t, 201)
	if d, ok := sys["delegatedCatalogIds"].([]any); !ok || len(d) != 0 {
		t.Fatalf("a new system is delegated to no catalog: %v", sys["delegatedCatalogIds"])
	}

	// Mallory's own catalog.
	cat := e.doAs(tok, "POST", em+"/catalogs", map[string]any{"displayName": "Mallory's"}).must(t, 201)
	catID := str(cat["id"])
	add := func(originSystem, originID string) response {
		return e.doAs(tok, "POST", em+"/resourceRequests", map[string]any{"requestType": "adminAdd",
			"resource": map[string]any{"originId": originID, "originSystem": originSystem}, "catalog": map[string]any{"id": catID}})
	}
	errGroup := add("AadGroup", approversID).graphError(t, 403, "Authorization_RequestDenied")
	if msg := str(errGroup["message"]); !strings.Contains(msg, "owner of this group") {
		t.Errorf("the refusal should say who may add the group: %q", msg)
	}
	errSys := add("payroll", "salary-admins").graphError(t, 403, "Authorization_RequestDenied")
	if msg := str(errSys["message"]); !strings.Contains(msg, "payroll") || !strings.Contains(msg, "delegatedCatalogIds") {
		t.Errorf("the refusal should name the system and how to delegate it: %q", msg)
	}
	if res := e.do("GET", em+"/catalogs/"+catID+"/resources", nil).must(t, 200); len(list(res["value"])) != 0 {
		t.Fatalf("a refused add left resources: %v", res)
	}
	// Nor may Mallory browse or read the system.
	e.doAs(tok, "GET", "/api/v1/systems/payroll", nil).graphError(t, 403, "Authorization_RequestDenied")
	e.doAs(tok, "GET", "/api/v1/systems/payroll/resources", nil).graphError(t, 403, "Authorization_RequestDenied")
	e.doAs(tok, "GET", "/api/v1/systems/no-such-system/resources", nil).graphError(t, 403, "Authorization_RequestDenied")

	// An owner of a group may add it; Mallory cannot make herself one.
	mine := e.do("POST", "/v1.0/groups", map[string]any{"displayName": "Mallory's team", "mailNickname": "mteam"}).must(t, 201)
	mineID := str(mine["id"])
	e.doAs(tok, "POST", "/v1.0/groups/"+mineID+"/owners/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + malloryID}).
		graphError(t, 403, "Authorization_RequestDenied")
	e.do("POST", "/v1.0/groups/"+mineID+"/owners/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + malloryID}).must(t, 204)
	e.do("POST", "/v1.0/groups/"+mineID+"/owners/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + malloryID}).graphError(t, 409, "Conflict")
	owners := e.do("GET", "/v1.0/groups/"+mineID+"/owners", nil).must(t, 200)
	if v := list(owners["value"]); len(v) != 1 || obj(v[0])["id"] != malloryID || obj(v[0])["@odata.type"] != "#microsoft.graph.user" {
		t.Fatalf("owners %v", owners)
	}
	add("AadGroup", mineID).must(t, 201)
	add("AadGroup", approversID).graphError(t, 403, "Authorization_RequestDenied")

	// A delegation of the system to her catalog lets her add its resources.
	e.do("PATCH", "/api/v1/systems/payroll", map[string]any{"delegatedCatalogIds": []string{catID}}).must(t, 200)
	got := e.do("GET", "/api/v1/systems/payroll", nil).must(t, 200)
	if d := list(got["delegatedCatalogIds"]); len(d) != 1 || d[0] != catID {
		t.Fatalf("delegatedCatalogIds %v", got["delegatedCatalogIds"])
	}
	add("payroll", "salary-viewers").must(t, 201)
	// Withdrawn, it no longer does; what was added stays.
	e.do("PATCH", "/api/v1/systems/payroll", map[string]any{"delegatedCatalogIds": []string{}}).must(t, 200)
	add("payroll", "salary-admins").graphError(t, 403, "Authorization_RequestDenied")
	if res := e.do("GET", em+"/catalogs/"+catID+"/resources", nil).must(t, 200); len(list(res["value"])) != 2 {
		t.Fatalf("resources added under a delegation stay: %v", res)
	}
	// The built-in directory is not delegated: groups have owners.
	e.do("PATCH", "/api/v1/systems/directory", map[string]any{"delegatedCatalogIds": []string{catID}}).graphError(t, 400, "BadRequest")
	e.do("PATCH", "/api/v1/systems/payroll", map[string]any{"delegatedCatalogIds": []string{"no-such-catalog"}}).graphError(t, 400, "BadRequest")
	// Removing the owner works and is exact.
	e.do("DELETE", "/v1.0/groups/"+mineID+"/owners/"+malloryID+"/$ref", nil).must(t, 204)
	e.do("DELETE", "/v1.0/groups/"+mineID+"/owners/"+malloryID+"/$ref", nil).graphError(t, 404, "ResourceNotFound")
}
