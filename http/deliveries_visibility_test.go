package http_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// pendingRequest sets up a catalog with one group resource, a package whose
// policy names approverID as its single approver, and a request by the
// requestor (token requestorTok, id requestorID); it returns the request id.
func (e *env) pendingRequest(t *testing.T, approverID, requestorID, requestorTok string) string {
	t.Helper()
	apID := e.groupPackage(t, "Ops")
	polID := str(e.do("POST", em+"/assignmentPolicies", map[string]any{
		"displayName": "Everyone", "allowedTargetScope": "AllMemberUsers",
		"accessPackage":     map[string]any{"id": apID},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": true, "stages": []any{map[string]any{
			"durationBeforeAutomaticDenial": "P7D",
			"primaryApprovers":              []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": approverID}},
		}}},
	}).must(t, 201)["id"])
	req := e.doAs(requestorTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": polID, "targetId": requestorID}}).must(t, 201)
	return str(req["id"])
}

// groupPackage sets up a catalog with one directory group resource and a
// package granting membership of it; it returns the package id.
func (e *env) groupPackage(t *testing.T, name string) string {
	t.Helper()
	group := e.do("POST", "/v1.0/groups", map[string]any{"displayName": name, "mailNickname": strings.ToLower(name)}).must(t, 201)
	groupID := str(group["id"])
	catID := str(e.do("POST", em+"/catalogs", map[string]any{"displayName": name}).must(t, 201)["id"])
	e.do("POST", em+"/resourceRequests", map[string]any{"requestType": "adminAdd",
		"resource": map[string]any{"originId": groupID, "originSystem": "AadGroup"}, "catalog": map[string]any{"id": catID}}).must(t, 201)
	resID := str(obj(list(e.do("GET", em+"/catalogs/"+catID+"/resources", nil).must(t, 200)["value"])[0])["id"])
	apID := str(e.do("POST", em+"/accessPackages", map[string]any{"displayName": name + " access", "catalog": map[string]any{"id": catID}}).must(t, 201)["id"])
	e.do("POST", em+"/accessPackages/"+apID+"/resourceRoleScopes", map[string]any{
		"role":  map[string]any{"originId": "Member_" + groupID, "originSystem": "AadGroup", "resource": map[string]any{"id": resID}},
		"scope": map[string]any{"originId": groupID, "originSystem": "AadGroup"}}).must(t, 201)
	return apID
}

// newUser creates a user by the admin and returns its id and a token.
func (e *env) newUser(t *testing.T, upn string) (string, string) {
	t.Helper()
	id := str(e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": upn}).must(t, 201)["id"])
	return id, e.tokenFor(id)
}

// TestDeliveriesVisibleLikeTheRequest: whoever may view a request reads its
// deliveries (the named approver included); whoever may not gets the same
// 404 as for the request itself.
func TestDeliveriesVisibleLikeTheRequest(t *testing.T) {
	e := newEnv(t)
	aliceID, aliceTok := e.newUser(t, "alice@example.com")
	bobID, bobTok := e.newUser(t, "bob@example.com")
	_, carlTok := e.newUser(t, "carl@example.com")
	reqID := e.pendingRequest(t, bobID, aliceID, aliceTok)
	dels := "/api/v1/assignmentRequests/" + reqID + "/deliveries"

	for name, tok := range map[string]string{"requestor": aliceTok, "approver": bobTok, "admin": e.token} {
		e.doAs(tok, "GET", em+"/assignmentRequests/"+reqID, nil).must(t, 200)
		if v, ok := e.doAs(tok, "GET", dels, nil).must(t, 200)["value"].([]any); !ok {
			t.Errorf("%s: deliveries without a value array", name)
		} else if len(v) != 0 {
			t.Errorf("%s: a pending request has deliveries %v", name, v)
		}
	}
	e.doAs(carlTok, "GET", em+"/assignmentRequests/"+reqID, nil).graphError(t, 404, entitled.CodeNotFound)
	e.doAs(carlTok, "GET", dels, nil).graphError(t, 404, entitled.CodeNotFound)
}
