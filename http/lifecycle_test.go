package http_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

const em = "/v1.0/identityGovernance/entitlementManagement"

// TestAccessPackageLifecycle drives the Graph routes end to end over the
// real store: catalog, resource, package, role scope, policy, request,
// approval, cancel/reprocess refusals, deliveries, assignments, audit.
func TestAccessPackageLifecycle(t *testing.T) {
	e := newEnv(t)
	alice := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "alice@example.com", "displayName": "Alice", "mail": "alice@example.com"}).must(t, 201)
	aliceID := str(alice["id"])
	aliceTok := e.tokenFor(aliceID)
	group := e.do("POST", "/v1.0/groups", map[string]any{"displayName": "Sales", "mailNickname": "sales"}).must(t, 201)
	groupID := str(group["id"])

	cat := e.do("POST", em+"/catalogs", map[string]any{"displayName": "Sales", "description": "Sales things", "state": "Published"}).must(t, 201)
	catID := str(cat["id"])
	if cat["state"] != "published" {
		t.Errorf("catalog state %v, want published (lower camel)", cat["state"])
	}
	e.do("PATCH", em+"/catalogs/"+catID, map[string]any{"displayName": "Sales 2"}, "If-Match", `W/"x"`).must(t, 204)
	upd := e.do("GET", em+"/catalogs/"+catID, nil).must(t, 200)
	if upd["displayName"] != "Sales 2" {
		t.Errorf("patched catalog %v", upd)
	}

	rr := e.do("POST", em+"/resourceRequests", map[string]any{"requestType": "AdminAdd",
		"resource": map[string]any{"originId": groupID, "originSystem": "AadGroup"}, "catalog": map[string]any{"id": catID}}).must(t, 201)
	if rr["requestType"] != "adminAdd" || obj(rr["resource"])["originId"] != groupID {
		t.Errorf("resource request %v", rr)
	}
	res := e.do("GET", em+"/catalogs/"+catID+"/resources?$expand=roles", nil).must(t, 200)
	resources := list(res["value"])
	if len(resources) != 1 {
		t.Fatalf("resources %v", res)
	}
	resID := str(obj(resources[0])["id"])
	roles := list(obj(resources[0])["roles"])
	if len(roles) != 1 || obj(roles[0])["originId"] != "Member_"+groupID {
		t.Fatalf("roles %v", roles)
	}
	noRoles := e.do("GET", em+"/catalogs/"+catID+"/resources/"+resID, nil).must(t, 200)
	if _, ok := noRoles["roles"]; ok {
		t.Errorf("roles present without $expand: %v", noRoles)
	}

	ap := e.do("POST", em+"/accessPackages", map[string]any{"displayName": "Sales access", "catalog": map[string]any{"id": catID}}).must(t, 201)
	apID := str(ap["id"])
	scope := e.do("POST", em+"/accessPackages/"+apID+"/resourceRoleScopes", map[string]any{
		"role":  map[string]any{"originId": "Member_" + groupID, "originSystem": "AadGroup", "resource": map[string]any{"id": resID}},
		"scope": map[string]any{"originId": groupID, "originSystem": "AadGroup"}}).must(t, 201)
	if obj(obj(scope["role"])["resource"])["id"] != resID || obj(scope["scope"])["isRootScope"] != true {
		t.Errorf("role scope %v", scope)
	}

	pol := e.do("POST", em+"/assignmentPolicies", map[string]any{
		"displayName": "Employees", "allowedTargetScope": "AllMemberUsers",
		"accessPackage":     map[string]any{"id": apID},
		"expiration":        map[string]any{"type": "afterDuration", "duration": "P30D"},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfRemoveAccess": true},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": true, "stages": []any{map[string]any{
			"durationBeforeAutomaticDenial": "P7D",
			"primaryApprovers":              []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": e.admin.ID}},
		}}},
	}).must(t, 201)
	polID := str(pol["id"])
	got := e.do("GET", em+"/assignmentPolicies/"+polID, nil).must(t, 200)
	stage := obj(list(obj(got["requestApprovalSettings"])["stages"])[0])
	approver := obj(list(stage["primaryApprovers"])[0])
	if approver["@odata.type"] != "#microsoft.graph.singleUser" || approver["userId"] != e.admin.ID ||
		stage["durationBeforeAutomaticDenial"] != "P7D" || obj(got["expiration"])["duration"] != "P30D" ||
		got["allowedTargetScope"] != "allMemberUsers" {
		t.Errorf("policy %v", got)
	}
	expanded := e.do("GET", em+"/accessPackages/"+apID+"?$expand=resourceRoleScopes($expand=role,scope),assignmentPolicies,catalog", nil).must(t, 200)
	if len(list(expanded["resourceRoleScopes"])) != 1 || len(list(expanded["assignmentPolicies"])) != 1 || obj(expanded["catalog"])["id"] != catID {
		t.Errorf("expanded package %v", expanded)
	}
	if !strings.HasSuffix(str(expanded["@odata.context"]), "#identityGovernance/entitlementManagement/accessPackages/$entity") {
		t.Errorf("@odata.context %v", expanded["@odata.context"])
	}

	// Alice requests access; the request waits for the admin's approval.
	req := e.doAs(aliceTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "UserAdd",
		"assignment":    map[string]any{"accessPackageId": apID, "assignmentPolicyId": polID, "targetId": aliceID},
		"justification": "I sell things"}).must(t, 201)
	reqID := str(req["id"])
	if req["requestType"] != "userAdd" || req["justification"] != "I sell things" {
		t.Errorf("request %v", req)
	}
	if _, ok := req["accessPackage"]; ok {
		t.Errorf("navigation property without $expand: %v", req)
	}
	full := e.doAs(aliceTok, "GET", em+"/assignmentRequests/"+reqID+"?$expand=accessPackage,requestor", nil).must(t, 200)
	if obj(full["accessPackage"])["id"] != apID || obj(full["requestor"])["id"] != aliceID || full["state"] != "pendingApproval" || full["status"] != "PendingApproval" {
		t.Errorf("expanded request %v", full)
	}
	mine := e.doAs(aliceTok, "GET", em+"/assignmentRequests/filterByCurrentUser(on='target')", nil).must(t, 200)
	if len(list(mine["value"])) != 1 {
		t.Errorf("alice's requests %v", mine)
	}
	// Clients may percent-encode the function's quotes.
	enc := e.doAs(aliceTok, "GET", em+"/assignmentRequests/filterByCurrentUser(on=%27createdBy%27)", nil).must(t, 200)
	if len(list(enc["value"])) != 1 {
		t.Errorf("alice's requests (createdBy) %v", enc)
	}
	byPkg := e.do("GET", em+"/assignmentRequests?$filter="+urlq("accessPackage/id eq '"+apID+"' and state in ('pendingApproval','delivering')"), nil).must(t, 200)
	if len(list(byPkg["value"])) != 1 {
		t.Errorf("filtered requests %v", byPkg)
	}

	pending := e.do("GET", em+"/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')", nil).must(t, 200)
	approvals := list(pending["value"])
	if len(approvals) != 1 || obj(approvals[0])["id"] != reqID || len(list(obj(approvals[0])["stages"])) != 1 {
		t.Fatalf("pending approvals %v", pending)
	}
	stages := e.do("GET", em+"/accessPackageAssignmentApprovals/"+reqID+"/stages", nil).must(t, 200)
	st := obj(list(stages["value"])[0])
	if st["assignedToMe"] != true || st["reviewResult"] != "NotReviewed" {
		t.Errorf("stage %v", st)
	}
	stageURL := em + "/accessPackageAssignmentApprovals/" + reqID + "/stages/" + str(st["id"])
	// Alice cannot approve her own request.
	e.doAs(aliceTok, "PATCH", stageURL, map[string]any{"reviewResult": "Approve"}).graphError(t, 403, entitled.CodeForbidden)
	e.do("PATCH", stageURL, map[string]any{"reviewResult": "Maybe"}).graphError(t, 400, "BadRequest")
	// Without a reviewResult the answer says it is required and what to give.
	if m := e.do("PATCH", stageURL, map[string]any{"justification": "ok"}).graphError(t, 400, "BadRequest"); m["message"] != "reviewResult is required: Approve, Deny" || m["target"] != "reviewResult" {
		t.Errorf("no reviewResult: %v", m)
	}
	r := e.do("PATCH", stageURL, map[string]any{"reviewResult": "approve", "justification": "ok"})
	if r.must(t, 204); len(r.raw) != 0 {
		t.Errorf("204 with body %q", r.raw)
	}
	e.do("PATCH", stageURL, map[string]any{"reviewResult": "Deny"}).graphError(t, 409, entitled.CodeAlreadyDecided)
	decided := e.do("GET", stageURL, nil).must(t, 200)
	if decided["reviewResult"] != "Approve" || obj(decided["reviewedBy"])["id"] != e.admin.ID || decided["justification"] != "ok" {
		t.Errorf("decided stage %v", decided)
	}

	// Delivering (no workers here): not cancelable, not reprocessable.
	e.do("POST", em+"/assignmentRequests/"+reqID+"/cancel", nil).graphError(t, 400, entitled.CodeNotCancelable)
	e.do("POST", em+"/assignmentRequests/"+reqID+"/reprocess", nil).graphError(t, 409, entitled.CodeConflict)
	// A second request for the same package is refused.
	dup := e.doAs(aliceTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": polID}})
	if dup.status < 400 || dup.status >= 500 {
		t.Errorf("duplicate request: %d %s", dup.status, dup.raw)
	}
	dup.graphError(t, dup.status, entitled.CodeExistingAssignment)

	dels := e.do("GET", "/api/v1/assignmentRequests/"+reqID+"/deliveries", nil).must(t, 200)
	dl := list(dels["value"])
	if len(dl) != 1 {
		t.Fatalf("deliveries %v", dels)
	}
	d := obj(dl[0])
	if d["assignmentRequestId"] != reqID || d["action"] != "grant" || d["lastError"] != nil ||
		obj(d["resource"])["id"] != resID || obj(d["role"])["originId"] != "Member_"+groupID {
		t.Errorf("delivery %v", d)
	}

	// The delivery fails for good: the request can be reprocessed (202).
	works, err := e.services.Deliveries.DeliveryWorks(context.Background(), []entitled.DeliveryRun{{ID: str(d["id"]), Run: int(d["run"].(float64))}})
	if err != nil || works[0] == nil {
		t.Fatalf("delivery work: %v, %v", works, err)
	}
	work := works[0]
	if err := e.services.Deliveries.RecordDeliveryOutcomes(context.Background(), []entitled.DeliveryOutcome{{DeliveryID: work.Delivery.ID, Run: work.Delivery.Run,
		Err: entitled.PermanentErrorf("no such group"), Final: true, At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	failed := e.do("GET", em+"/assignmentRequests/"+reqID, nil).must(t, 200)
	if failed["state"] != "deliveryFailed" || failed["status"] != "DeliveryFailed" || !strings.HasSuffix(str(failed["completedDateTime"]), "Z") {
		t.Errorf("failed request %v", failed)
	}
	le := obj(obj(list(e.do("GET", "/api/v1/assignmentRequests/"+reqID+"/deliveries", nil).must(t, 200)["value"])[0])["lastError"])
	if le["class"] != "permanent" || !strings.Contains(str(le["message"]), "no such group") {
		t.Errorf("lastError %v", le)
	}
	rp := e.do("POST", em+"/assignmentRequests/"+reqID+"/reprocess", nil)
	if rp.must(t, 202); len(rp.raw) != 0 {
		t.Errorf("202 with body %q", rp.raw)
	}
	if again := e.do("GET", em+"/assignmentRequests/"+reqID, nil).must(t, 200); again["state"] != "delivering" {
		t.Errorf("reprocessed request %v", again)
	}

	// Another user's pending request can be canceled (204).
	carol := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "carol@example.com", "displayName": "Carol"}).must(t, 201)
	carolTok := e.tokenFor(str(carol["id"]))
	creq := e.doAs(carolTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": polID}}).must(t, 201)
	cr := e.doAs(carolTok, "POST", em+"/assignmentRequests/"+str(creq["id"])+"/cancel", nil)
	if cr.must(t, 204); len(cr.raw) != 0 {
		t.Errorf("204 with body %q", cr.raw)
	}
	if c := e.doAs(carolTok, "GET", em+"/assignmentRequests/"+str(creq["id"]), nil).must(t, 200); c["state"] != "canceled" {
		t.Errorf("canceled request %v", c)
	}

	as := e.doAs(aliceTok, "GET", em+"/assignments/filterByCurrentUser(on='target')?$expand=target,accessPackage,assignmentPolicy", nil).must(t, 200)
	al := list(as["value"])
	if len(al) != 1 {
		t.Fatalf("assignments %v", as)
	}
	a := obj(al[0])
	if obj(a["target"])["objectId"] != aliceID || obj(a["accessPackage"])["id"] != apID || obj(a["assignmentPolicy"])["id"] != polID ||
		a["state"] != "delivering" || list(a["customExtensionCalloutInstances"]) == nil {
		t.Errorf("assignment %v", a)
	}
	e.do("POST", em+"/assignments/"+str(a["id"])+"/reprocess", nil).graphError(t, 400, entitled.CodeNotReprocessable)

	audits := e.do("GET", "/v1.0/auditLogs/directoryAudits?$filter="+urlq("targetResources/any(t: t/id eq '"+reqID+"')"), nil).must(t, 200)
	var sawState bool
	for _, v := range list(audits["value"]) {
		for _, mp := range list(obj(list(obj(v)["targetResources"])[0])["modifiedProperties"]) {
			if obj(mp)["displayName"] == "state" && obj(mp)["oldValue"] != obj(mp)["newValue"] {
				sawState = true
			}
		}
	}
	if len(list(audits["value"])) < 2 || !sawState {
		t.Errorf("request audit events without a state change: %s", audits)
	}

	// Requestable packages for Alice include this one.
	reqable := e.doAs(aliceTok, "GET", em+"/accessPackages/filterByCurrentUser(on='allowedRequestor')", nil).must(t, 200)
	if len(list(reqable["value"])) != 1 {
		t.Errorf("requestable %v", reqable)
	}
	catPkgs := e.do("GET", em+"/catalogs/"+catID+"/accessPackages", nil).must(t, 200)
	if len(list(catPkgs["value"])) != 1 {
		t.Errorf("catalog packages %v", catPkgs)
	}
	// Full PUT of the policy replaces it.
	put := e.do("PUT", em+"/assignmentPolicies/"+polID, map[string]any{"displayName": "Employees v2", "allowedTargetScope": "allMemberUsers",
		"accessPackage": map[string]any{"id": apID}, "requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true},
		"expiration": map[string]any{"type": "noExpiration"}}).must(t, 200)
	if put["displayName"] != "Employees v2" || len(list(obj(put["requestApprovalSettings"])["stages"])) != 0 {
		t.Errorf("replaced policy %v", put)
	}
}
