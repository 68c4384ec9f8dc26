package graphexamples

import (
	"testing"
)

// lifecycleWorld is what the lifecycle examples add to the fixture: what
// the rows create (a third package, its policy with questions, requests).
type lifecycleWorld struct {
	group, bobTok     string
	apC               string // created by the access-package row
	polC              string // created by the policy-with-questions row
	qChoice, qText    string // its questions
	aliceReqC, bobReq string
	polOnBehalf       string
	polSDK            string // created by the SDK policy row
}

// questionsPolicy is Graph's "create a policy with questions" example
// adapted: a multiple-choice and a text question, localized.
func (w *examplesWorld) questionsPolicy() map[string]any {
	return map[string]any{
		"displayName": "Questions policy", "description": "asks who and why", "allowedTargetScope": "allMemberUsers",
		"accessPackage":           map[string]any{"id": w.apC},
		"requestorSettings":       map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfUpdateAccess": true, "allowCustomAssignmentSchedule": true},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []any{}},
		"questions": []any{
			map[string]any{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "sequence": 1, "isRequired": true, "isAnswerEditable": true,
				"text": "What state are you from?", "localizations": []any{map[string]any{"text": "¿De qué estado eres?", "languageCode": "es"}},
				"choices": []any{
					map[string]any{"actualValue": "AZ", "text": "Arizona", "localizations": []any{}},
					map[string]any{"actualValue": "CA", "text": "California", "localizations": []any{}}},
				"isMultipleSelectionAllowed": false},
			map[string]any{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "sequence": 2, "isRequired": false, "isAnswerEditable": true,
				"text": "Who is your manager?", "localizations": []any{}, "isSingleLineQuestion": true, "regexPattern": "^[A-Za-z ]+$"},
		},
	}
}

// answers are Example 3's answers to the questions policy.
func (w *examplesWorld) answers(choice, text string) []any {
	return []any{
		map[string]any{"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": choice, "displayValue": "Arizona",
			"answeredQuestion": map[string]any{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": w.qChoice}},
		map[string]any{"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": text, "displayValue": text,
			"answeredQuestion": map[string]any{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": w.qText}},
	}
}

// lifecycleExamples are the examples of creating policies and requests
// (answers, updates), and of separation of duties; they run after the query
// examples, in order.
func (w *examplesWorld) lifecycleExamples() []graphExample {
	const create = "entitlementmanagement-post-assignmentrequests"
	apC := func(suffix string) func() string {
		return func() string { return em + "/accessPackages/" + w.apC + suffix }
	}
	return []graphExample{
		{name: "create an access package", doc: "entitlementmanagement-post-accesspackages",
			method: "POST", path: em + "/accessPackages", status: 201,
			body: map[string]any{"displayName": "Team C", "description": "Questions asked", "isHidden": false, "catalog": map[string]any{"id": w.cat}},
			check: func(t *testing.T, r Response) {
				if w.apC = str(r.Body["id"]); w.apC == "" || r.Body["displayName"] != "Team C" {
					t.Fatalf("access package %s", r.Raw)
				}
			}},
		{name: "add a group's member role to it", doc: "accesspackage-post-resourcerolescopes",
			method: "POST", pathOf: apC("/resourceRoleScopes"), status: 201,
			body: func() any {
				return map[string]any{
					"role":  map[string]any{"originId": "Member_" + w.group, "displayName": "Member", "originSystem": "AadGroup", "resource": map[string]any{"id": w.res, "originId": w.group, "originSystem": "AadGroup"}},
					"scope": map[string]any{"originId": w.group, "originSystem": "AadGroup"}}
			}},
		{name: "create a policy with questions", doc: "entitlementmanagement-post-assignmentpolicies: questions",
			method: "POST", path: em + "/assignmentPolicies", body: func() any { return w.questionsPolicy() }, status: 201,
			check: func(t *testing.T, r Response) {
				qs := list(r.Body["questions"])
				if len(qs) != 2 || str(obj(qs[0])["id"]) == "" || obj(qs[0])["@odata.type"] != "#microsoft.graph.accessPackageMultipleChoiceQuestion" {
					t.Fatalf("questions %s", r.Raw)
				}
				w.polC, w.qChoice, w.qText = str(r.Body["id"]), str(obj(qs[0])["id"]), str(obj(qs[1])["id"])
			}},
		{name: "userAdd answering questions, package id only (Example 3)", doc: create + " example 3",
			as: w.aliceTok, method: "POST", path: em + "/assignmentRequests", status: 201,
			body: func() any {
				return map[string]any{"@odata.type": "#microsoft.graph.accessPackageAssignmentRequest", "requestType": "userAdd",
					"answers": w.answers("AZ", "Carol"), "assignment": map[string]any{"accessPackageId": w.apC}}
			},
			check: func(t *testing.T, r Response) {
				as := list(r.Body["answers"])
				if r.Body["state"] != "submitted" || r.Body["status"] != "Accepted" || len(as) != 2 || obj(as[0])["value"] != "AZ" ||
					obj(obj(as[0])["answeredQuestion"])["id"] != w.qChoice {
					t.Errorf("request %s", r.Raw)
				}
				w.aliceReqC = str(r.Body["id"])
			}},
		{name: "userAdd with a choice the question does not offer", doc: create + " example 3", unsupported: "an answer must be one of the question's choices",
			as: w.bobTok, method: "POST", path: em + "/assignmentRequests", status: 400, check: wantErrorMentions("answers[0].value", "TX", "not one of the choices"),
			body: func() any {
				return map[string]any{"requestType": "userAdd", "answers": w.answers("TX", "x"), "assignment": map[string]any{"accessPackageId": w.apC}}
			}},
		{name: "UserAdd with justification in accessPackageAssignment (Example 4)", doc: create + " example 4",
			as: w.bobTok, method: "POST", path: em + "/assignmentRequests", status: 201,
			body: func() any {
				return map[string]any{"requestType": "UserAdd", "accessPackageAssignment": map[string]any{"accessPackageId": w.apA},
					"justification": "Need access to New Hire access package"}
			},
			check: func(t *testing.T, r Response) {
				if r.Body["requestType"] != "userAdd" || r.Body["justification"] != "Need access to New Hire access package" {
					t.Errorf("request %s", r.Raw)
				}
				w.bobReq = str(r.Body["id"])
			}},
		{name: "adminAdd for a user not in the directory, by email (Example 5)", doc: create + " example 5",
			unsupported: "entitled assigns users of its directory only; create the user first",
			method:      "POST", path: em + "/assignmentRequests", status: 400, check: wantErrorMentions("assignment.target", "email", "not supported"),
			body: func() any {
				return map[string]any{"requestType": "AdminAdd", "accessPackageAssignment": map[string]any{
					"target": map[string]any{"email": "user@contoso.com"}, "assignmentPolicyId": w.polA, "accessPackageId": w.apA}}
			}},
		{name: "policy letting a user request on others' behalf", doc: "accesspackageassignmentrequestorsettings: onBehalfRequestors",
			method: "POST", path: em + "/assignmentPolicies", status: 201,
			body: map[string]any{"displayName": "Team leads", "allowedTargetScope": "allMemberUsers", "accessPackage": map[string]any{"id": w.apB},
				"requestorSettings": map[string]any{"enableOnBehalfRequestorsToAddAccess": true,
					"onBehalfRequestors": []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": w.alice}}},
				"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": false, "stages": []any{}}},
			check: func(t *testing.T, r Response) {
				w.polOnBehalf = str(r.Body["id"])
				if obj(r.Body["requestorSettings"])["enableOnBehalfRequestorsToAddAccess"] != true {
					t.Errorf("policy %s", r.Raw)
				}
			}},
		{name: "userAdd on behalf of another user", doc: create + ": on-behalf requestors",
			as: w.aliceTok, method: "POST", path: em + "/assignmentRequests", status: 201,
			body: func() any {
				return map[string]any{"requestType": "userAdd", "justification": "Bob joins the team",
					"assignment": map[string]any{"accessPackageId": w.apB, "assignmentPolicyId": w.polOnBehalf, "targetId": w.bob}}
			}},
		{name: "userAdd on behalf by someone the policy does not name", doc: create + ": on-behalf requestors", unsupported: "only the policy's onBehalfRequestors may",
			as: w.bobTok, method: "POST", path: em + "/assignmentRequests", status: 403,
			body: func() any {
				return map[string]any{"requestType": "userAdd",
					"assignment": map[string]any{"accessPackageId": w.apB, "assignmentPolicyId": w.polOnBehalf, "targetId": w.adminID}}
			}},
		{name: "a second policy the requestor may use", doc: "entitlementmanagement-post-assignmentpolicies",
			method: "POST", path: em + "/assignmentPolicies", status: 201,
			body: func() any {
				return map[string]any{"displayName": "Self service", "allowedTargetScope": "allMemberUsers", "accessPackage": map[string]any{"id": w.apC},
					"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true}, "requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": false, "stages": []any{}}}
			}},
		{name: "userAdd naming only the package when two policies allow it", doc: create + " example 3",
			unsupported: "which policy is meant is ambiguous: the request must name one",
			as:          w.bobTok, method: "POST", path: em + "/assignmentRequests", status: 400,
			check: wantErrorMentions("assignment.assignmentPolicyId", "several policies"),
			body: func() any {
				return map[string]any{"requestType": "userAdd", "assignment": map[string]any{"accessPackageId": w.apC}}
			}},
		{name: "add an incompatible access package by $ref", doc: "accesspackage-post-incompatibleaccesspackage",
			method: "POST", path: em + "/accessPackages/" + w.apA + "/incompatibleAccessPackages/$ref", status: 204,
			body: func() any {
				return map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/" + w.apC}
			}},
		{name: "list incompatibleAccessPackages", doc: "accesspackage-list-incompatibleaccesspackages",
			method: "GET", path: em + "/accessPackages/" + w.apA + "/incompatibleAccessPackages", status: 200,
			check: func(t *testing.T, r Response) {
				if vs := values(r); len(vs) != 1 || vs[0]["id"] != w.apC {
					t.Errorf("incompatible %s", r.Raw)
				}
			}},
		{name: "list accessPackagesIncompatibleWith", doc: "accesspackage-list-accesspackagesincompatiblewith",
			method: "GET", pathOf: apC("/accessPackagesIncompatibleWith"), status: 200,
			check: func(t *testing.T, r Response) {
				if vs := values(r); len(vs) != 1 || vs[0]["id"] != w.apA {
					t.Errorf("incompatible with %s", r.Raw)
				}
			}},
		{name: "additionalAccess lists who holds both", doc: "accesspackageassignment-additionalaccess",
			method: "GET", pathOf: func() string {
				return em + "/assignments/additionalAccess(accessPackageId='" + w.apA + "',incompatibleAccessPackageId='" + w.apC + "')"
			}, status: 200,
			check: wantLen(1)},
		{name: "a request for a package incompatible with one the user is requesting", doc: "separation of duties (Graph documents no code; entitled's is IncompatibleAccessPackage)",
			method: "POST", path: em + "/assignmentRequests", status: 403, check: wantErrorCode("IncompatibleAccessPackage", "assignment.accessPackageId"),
			body: func() any {
				return map[string]any{"requestType": "adminAdd", "assignment": map[string]any{"accessPackageId": w.apC, "assignmentPolicyId": w.polC, "targetId": w.bob}}
			}},
		{name: "remove an incompatible access package by $ref", doc: "accesspackage-delete-incompatibleaccesspackage",
			method: "DELETE", pathOf: func() string {
				return em + "/accessPackages/" + w.apA + "/incompatibleAccessPackages/" + w.apC + "/$ref"
			}, status: 204},
	}
}

func wantErrorCode(code, target string) func(t *testing.T, r Response) {
	return func(t *testing.T, r Response) {
		t.Helper()
		e := obj(r.Body["error"])
		if e["code"] != code || e["target"] != target {
			t.Errorf("error %v/%v, want %s/%s: %s", e["code"], e["target"], code, target, r.Raw)
		}
	}
}
