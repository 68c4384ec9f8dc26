package http_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestQueryLimitsOverHTTP: unbounded query options are 400s naming the
// option, never 500s ("too many SQL variables") or stack overflows.
func TestQueryLimitsOverHTTP(t *testing.T) {
	e := newEnv(t)
	vals := make([]string, 33000)
	for i := range vals {
		vals[i] = fmt.Sprintf("'%d'", i)
	}
	for _, c := range []struct{ name, query, target string }{
		{"33,000 in values", "$filter=" + urlq("id in ("+strings.Join(vals, ",")+")"), "$filter"},
		{"1,001 in values", "$filter=" + urlq("id in ("+strings.Join(vals[:1001], ",")+")"), "$filter"},
		{"deep parentheses", "$filter=" + urlq(strings.Repeat("(", 50000)+"id eq 'x'"+strings.Repeat(")", 50000)), "$filter"},
		{"many conditions", "$filter=" + urlq(strings.Repeat("id eq 'x' or ", 5000)+"id eq 'y'"), "$filter"},
		{"huge $select", "$select=" + strings.Repeat("id,", 20000), "$select"},
		{"huge $orderby", "$orderby=" + strings.Repeat("id,", 20000), "$orderby"},
		{"huge $skiptoken", "$skiptoken=" + strings.Repeat("A", 20000), "$skiptoken"},
		{"$top too large", "$top=1000", "$top"},
	} {
		t.Run(c.name, func(t *testing.T) {
			er := e.do("GET", "/v1.0/users?"+c.query, nil).graphError(t, 400, "BadRequest")
			if er["target"] != c.target {
				t.Errorf("target %v, want %s", er["target"], c.target)
			}
		})
	}
	// At the limit: 1,000 values are answered.
	e.do("GET", "/v1.0/users?$filter="+urlq("id in ("+strings.Join(vals[:1000], ",")+")"), nil).must(t, 200)
	// A path id over the limit is a 404 without a database lookup.
	if er := e.do("GET", "/v1.0/users/"+strings.Repeat("x", 600), nil).graphError(t, 404, "ResourceNotFound"); !strings.Contains(str(er["message"]), "at most 512") {
		t.Errorf("message %v", er["message"])
	}
	e.do("GET", "/v1.0/users/"+strings.Repeat("x", 500), nil).graphError(t, 404, "ResourceNotFound")
}

// TestBodyLimits: a body over the byte limit is 413, and arrays or nesting
// past their limits are 400s naming the property, on any JSON endpoint.
func TestBodyLimits(t *testing.T) {
	e := newEnv(t)
	apID := e.newPackage()
	approvers := func(n int) []any {
		a := make([]any, n)
		for i := range a {
			a[i] = map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": e.admin.ID}
		}
		return a
	}
	policy := func(n int) map[string]any {
		return map[string]any{"displayName": "P", "allowedTargetScope": "allMemberUsers",
			"accessPackage": map[string]any{"id": apID},
			"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": true, "stages": []any{map[string]any{
				"primaryApprovers": approvers(n)}}}}
	}
	e.do("POST", em+"/assignmentPolicies", policy(100)).must(t, 201)
	er := e.do("POST", em+"/assignmentPolicies", policy(101)).graphError(t, 400, "BadRequest")
	if er["target"] != "requestApprovalSettings.stages.primaryApprovers" {
		t.Errorf("target %v", er["target"])
	}
	answers := make([]any, 200)
	for i := range answers {
		answers[i] = map[string]any{"answeredQuestion": map[string]any{"id": "q"}, "value": "a"}
	}
	er = e.do("POST", em+"/assignmentRequests", map[string]any{"requestType": "adminAdd", "answers": answers,
		"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": "x", "targetId": e.admin.ID}}).graphError(t, 400, "BadRequest")
	if er["target"] != "answers" {
		t.Errorf("target %v", er["target"])
	}
	deep := strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000)
	e.do("POST", "/v1.0/groups", deep).graphError(t, 400, "BadRequest")
	deepArr := `{"displayName":"x","mailNickname":"x","x":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "}"
	e.do("POST", "/v1.0/groups", deepArr).graphError(t, 400, "BadRequest")
	// The env's body limit is 64 KiB.
	big := `{"displayName":"` + strings.Repeat("x", 70<<10) + `","mailNickname":"x"}`
	e.do("POST", "/v1.0/groups", big).graphError(t, 413, "RequestEntityTooLarge")
	e.do("POST", "/v1.0/$batch", `{"requests":[{"id":"1","method":"GET","url":"/me","body":"`+strings.Repeat("x", 70<<10)+`"}]}`).
		graphError(t, 413, "RequestEntityTooLarge")
}
