package http_test

import (
	"fmt"
	"reflect"
	"testing"
)

// TestPageExpansionsMatchSingleReads: a page's expansions are loaded once
// per package and in one read for its users; each item still carries its
// own target and package, exactly as reading that item alone returns them,
// for an administrator (who may list users) and for a user (who may not).
func TestPageExpansionsMatchSingleReads(t *testing.T) {
	e := newEnv(t)
	apID := e.groupPackage(t, "Ops")
	polID := str(e.do("POST", em+"/assignmentPolicies", map[string]any{
		"displayName": "Everyone", "allowedTargetScope": "AllMemberUsers",
		"accessPackage":     map[string]any{"id": apID},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true},
	}).must(t, 201)["id"])
	tokens := map[string]string{}
	for i := range 3 {
		id, tok := e.newUser(t, fmt.Sprintf("user%d@example.com", i))
		tokens[id] = tok
		e.doAs(tok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
			"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": polID}}).must(t, 201)
	}
	check := func(who, token, path string, want int) {
		t.Helper()
		items := list(e.doAs(token, "GET", path, nil).must(t, 200)["value"])
		if len(items) != want {
			t.Fatalf("%s: %d assignments, want %d", who, len(items), want)
		}
		seen := map[string]bool{}
		for _, it := range items {
			a := obj(it)
			alone := e.doAs(token, "GET", em+"/assignments/"+str(a["id"])+"?$expand=target,accessPackage", nil).must(t, 200)
			delete(alone, "@odata.context")
			if !reflect.DeepEqual(a, alone) {
				t.Errorf("%s: in the page %v\nalone %v", who, a, alone)
			}
			seen[str(obj(a["target"])["id"])] = true
			if obj(a["accessPackage"])["id"] != apID {
				t.Errorf("%s: expanded package %v", who, a["accessPackage"])
			}
		}
		if len(seen) != want {
			t.Errorf("%s: targets %v, want %d different ones", who, seen, want)
		}
	}
	check("admin", e.token, em+"/assignments?$expand=target,accessPackage", 3)
	for id, tok := range tokens {
		check(id, tok, em+"/assignments/filterByCurrentUser(on='target')?$expand=target,accessPackage", 1)
	}
}
