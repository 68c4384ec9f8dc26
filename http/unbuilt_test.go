package http_test

import (
	"strings"
	"testing"
)

// TestPolicyRefusesUnbuiltFeatures: a policy that turns on automatic
// assignment, access reviews or custom extensions is refused with a 400
// naming the property, on POST and PUT, in the caller's language, and
// nothing is stored; the same properties sent off (as Graph's SDKs send
// them) are accepted.
func TestPolicyRefusesUnbuiltFeatures(t *testing.T) {
	e := newEnv(t)
	cat := e.do("POST", em+"/catalogs", map[string]any{"displayName": "C", "state": "published"}).must(t, 201)
	ap := e.do("POST", em+"/accessPackages", map[string]any{"displayName": "P", "catalog": map[string]any{"id": cat["id"]}}).must(t, 201)
	body := func(extra map[string]any) map[string]any {
		b := map[string]any{"displayName": "Employees", "allowedTargetScope": "allMemberUsers",
			"accessPackage": map[string]any{"id": ap["id"]}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	on := []struct {
		prop, word string
		val        any
	}{
		{"automaticRequestSettings", "automatic assignment", map[string]any{"requestAccessForAllowedTargets": true}},
		{"reviewSettings", "access reviews", map[string]any{"isEnabled": true, "expirationBehavior": "removeAccess",
			"schedule": map[string]any{"startDateTime": "2027-01-01T00:00:00Z"}}},
		{"customExtensionStageSettings", "custom extensions", []any{map[string]any{"stage": "assignmentRequestGranted",
			"customExtension": map[string]any{"id": "ext-1"}}}},
	}
	kept := e.do("POST", em+"/assignmentPolicies", body(nil)).must(t, 201)
	for _, c := range on {
		t.Run(c.prop, func(t *testing.T) {
			got := e.do("POST", em+"/assignmentPolicies", body(map[string]any{c.prop: c.val})).graphError(t, 400, "BadRequest")
			if got["target"] != c.prop || !strings.Contains(str(got["message"]), c.word) {
				t.Errorf("POST: target %v, message %q; want %s, naming %q", got["target"], got["message"], c.prop, c.word)
			}
			fr := e.do("PUT", em+"/assignmentPolicies/"+str(kept["id"]), body(map[string]any{c.prop: c.val, "displayName": "Changed"}),
				"Accept-Language", "fr").graphError(t, 400, "BadRequest")
			if fr["target"] != c.prop || !strings.Contains(str(fr["message"]), "n'est pas prise en charge") && !strings.Contains(str(fr["message"]), "ne sont pas prises en charge") {
				t.Errorf("PUT in French: target %v, message %q", fr["target"], fr["message"])
			}
		})
	}
	if got := e.do("GET", em+"/assignmentPolicies/"+str(kept["id"]), nil).must(t, 200); got["displayName"] != "Employees" {
		t.Errorf("a refused PUT changed the policy: %v", got["displayName"])
	}
	pols := e.do("GET", em+"/assignmentPolicies?$filter="+urlq("accessPackage/id eq '"+str(ap["id"])+"'"), nil).must(t, 200)
	if n := len(list(pols["value"])); n != 1 {
		t.Errorf("%d policies on the package, want the 1 accepted: a refused POST stored one", n)
	}
	off := body(map[string]any{"automaticRequestSettings": map[string]any{"requestAccessForAllowedTargets": false},
		"reviewSettings": nil, "customExtensionStageSettings": []any{}})
	e.do("POST", em+"/assignmentPolicies", off).must(t, 201)
	e.do("POST", em+"/assignmentPolicies", body(map[string]any{"reviewSettings": map[string]any{"isEnabled": false}})).must(t, 201)
}

// TestPolicyNotificationSettings: notificationSettings'
// isAssignmentNotificationDisabled is stored, read back, and replaced by a
// PUT that leaves it out (off).
func TestPolicyNotificationSettings(t *testing.T) {
	e := newEnv(t)
	cat := e.do("POST", em+"/catalogs", map[string]any{"displayName": "C", "state": "published"}).must(t, 201)
	ap := e.do("POST", em+"/accessPackages", map[string]any{"displayName": "P", "catalog": map[string]any{"id": cat["id"]}}).must(t, 201)
	body := map[string]any{"displayName": "Quiet", "allowedTargetScope": "allMemberUsers", "accessPackage": map[string]any{"id": ap["id"]},
		"notificationSettings": map[string]any{"isAssignmentNotificationDisabled": true}}
	p := e.do("POST", em+"/assignmentPolicies", body).must(t, 201)
	off := func(m map[string]any) any { return obj(m["notificationSettings"])["isAssignmentNotificationDisabled"] }
	if off(p) != true {
		t.Errorf("created: notificationSettings %v", p["notificationSettings"])
	}
	if got := e.do("GET", em+"/assignmentPolicies/"+str(p["id"]), nil).must(t, 200); off(got) != true {
		t.Errorf("read back: notificationSettings %v", got["notificationSettings"])
	}
	delete(body, "notificationSettings")
	e.do("PUT", em+"/assignmentPolicies/"+str(p["id"]), body).must(t, 200)
	if got := e.do("GET", em+"/assignmentPolicies/"+str(p["id"]), nil).must(t, 200); off(got) != false {
		t.Errorf("after a PUT without it: notificationSettings %v, want isAssignmentNotificationDisabled false", got["notificationSettings"])
	}
}
