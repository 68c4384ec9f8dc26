package http_test

import (
	"strings"
	"testing"
)

// TestSweepFixes pins the precise answers for the defects the route sweep
// found: each is a 400 (or 404) Graph error that says what was wrong.
func TestSweepFixes(t *testing.T) {
	e := newEnv(t)
	cat := e.do("POST", em+"/catalogs", map[string]any{"displayName": "C"}).must(t, 201)
	catID := str(cat["id"])
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		target, msg              string
	}{
		{"null body", "PATCH", em + "/catalogs/" + catID, "null", 400, "", "not null"},
		{"two JSON values", "PATCH", em + "/catalogs/" + catID, `{"displayName":"x"} {}`, 400, "", "more than one JSON value"},
		{"trailing bracket", "POST", "/v1.0/users", `{"userPrincipalName":"t@example.com","displayName":"T"}]`, 400, "", "malformed JSON"},
		{"unknown catalogType", "POST", em + "/catalogs", `{"displayName":"C2","catalogType":"bogus"}`, 400, "catalogType", "userManaged"},
		{"unknown catalog", "GET", em + "/catalogs/01890000-0000-7000-8000-000000000000/accessPackages", "", 404, "", ""},
		{"$filter on role definitions", "GET", "/v1.0/roleManagement/directory/roleDefinitions?$filter=" + urlq("nope eq 'x'"), "", 400, "$filter", "not supported"},
		{"$orderby on approval stages", "GET", em + "/accessPackageAssignmentApprovals/x/stages?$orderby=nope", "", 400, "$orderby", "not supported"},
		{"$top on deliveries", "GET", "/api/v1/assignmentRequests/x/deliveries?$top=-1", "", 400, "$top", "$top"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := e.do(tc.method, tc.path, body)
			code := "BadRequest"
			if tc.status == 404 {
				code = str(obj(r.body["error"])["code"])
			}
			got := r.graphError(t, tc.status, code)
			if tc.target != "" && got["target"] != tc.target {
				t.Errorf("target %v, want %s", got["target"], tc.target)
			}
			if !strings.Contains(str(got["message"]), tc.msg) {
				t.Errorf("message %q lacks %q", got["message"], tc.msg)
			}
		})
	}
	if n := len(list(e.do("GET", em+"/catalogs", nil).must(t, 200)["value"])); n != 1 {
		t.Errorf("%d catalogs after the refused create, want 1", n)
	}
}
