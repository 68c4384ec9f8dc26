package http_test

import (
	"testing"
)

// TestOnBehalfRequestOverGraph: under a policy whose on-behalf requestors
// are the target's manager, a manager's userAdd for a direct report
// (assignment.targetId) creates the report's request with the manager as
// requestor; anyone else is refused with 403; a policy that does not enable
// on-behalf requests keeps a userAdd for the caller (400 on
// assignment.targetId).
func TestOnBehalfRequestOverGraph(t *testing.T) {
	e := newEnv(t)
	aliceID, aliceTok := e.newUser(t, "alice@example.com")
	bobID, bobTok := e.newUser(t, "bob@example.com")
	_, carolTok := e.newUser(t, "carol@example.com")
	e.do("PUT", "/v1.0/users/"+aliceID+"/manager/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + bobID}).must(t, 204)
	apID := e.groupPackage(t, "Ops")
	body := selfAddPolicy(apID)
	body["requestorSettings"] = map[string]any{"enableOnBehalfRequestorsToAddAccess": true,
		"onBehalfRequestors": []any{map[string]any{"@odata.type": "#microsoft.graph.targetManager", "managerLevel": 1}}}
	pol := e.do("POST", em+"/assignmentPolicies", body).must(t, 201)
	if rb := obj(list(obj(pol["requestorSettings"])["onBehalfRequestors"])[0]); rb["@odata.type"] != "#microsoft.graph.targetManager" || rb["managerLevel"] != float64(1) {
		t.Fatalf("onBehalfRequestors %v", obj(pol["requestorSettings"])["onBehalfRequestors"])
	}
	request := func(tok, target string) response {
		return e.doAs(tok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
			"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": str(pol["id"]), "targetId": target}})
	}
	request(carolTok, aliceID).graphError(t, 403, "Authorization_RequestDenied")
	created := request(bobTok, aliceID).must(t, 201)
	got := e.do("GET", em+"/assignmentRequests/"+str(created["id"])+"?$expand=requestor", nil).must(t, 200)
	mine := list(e.doAs(aliceTok, "GET", em+"/assignmentRequests/filterByCurrentUser(on='target')", nil).must(t, 200)["value"])
	if obj(got["requestor"])["id"] != bobID || len(mine) != 1 || obj(mine[0])["id"] != created["id"] {
		t.Errorf("on-behalf request %v; the target's requests %v", got, mine)
	}
	plain := e.do("POST", em+"/assignmentPolicies", selfAddPolicy(apID)).must(t, 201)
	e.doAs(bobTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": str(plain["id"]), "targetId": aliceID}}).
		graphError(t, 400, "BadRequest")
}
