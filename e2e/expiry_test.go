package e2e

import (
	"testing"
	"time"
)

// TestExpiryAfterRestart: an assignment whose policy says afterDuration ends
// on schedule even when entitled was down at that moment: the systemRemove
// runs after the restart and revokes every resource.
func TestExpiryAfterRestart(t *testing.T) {
	w := newWorld(t, nil, []string{"erin"}, "")
	policy := w.shortPolicy("PT4S")
	erin := w.clients["erin"]
	req := erin.must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": w.pkg, "assignmentPolicyId": policy}}).Str("id")
	if s := erin.waitState(req, 30*time.Second, "delivered", "partiallyDelivered", "deliveryFailed").Str("state"); s != "delivered" {
		t.Fatalf("request: %s", s)
	}
	as := erin.must(200, "GET", em+"/assignments/filterByCurrentUser(on='target')", nil).Values()
	if len(as) != 1 || as[0]["state"] != "delivered" {
		t.Fatalf("assignment before expiry: %v", as)
	}
	sched, _ := as[0]["schedule"].(map[string]any)
	exp, _ := sched["expiration"].(map[string]any)
	if exp["endDateTime"] == nil {
		t.Errorf("assignment schedule has no end: %v", sched)
	}
	// entitled is down when the assignment ends.
	w.srv.stop()
	time.Sleep(5 * time.Second)
	if n := w.target.count("revoke", "app-a", w.users["erin"]); n != 0 {
		t.Fatalf("revoked while entitled was down: %d", n)
	}
	srv := startServer(t, w.db)
	erin.base, w.admin.base = srv.base, srv.base
	waitFor(t, 60*time.Second, "the assignment to expire after the restart", func() bool {
		as := erin.must(200, "GET", em+"/assignments/filterByCurrentUser(on='target')", nil).Values()
		return len(as) == 1 && as[0]["state"] == "expired"
	})
	for _, app := range []string{"app-a", "app-b"} {
		if n := w.target.count("revoke", app, w.users["erin"]); n != 1 {
			t.Errorf("%s received %d revokes for erin, want 1", app, n)
		}
	}
	removals := w.admin.must(200, "GET", em+"/assignmentRequests?$filter="+urlq("requestType eq 'systemRemove'"), nil).Values()
	if len(removals) != 1 || removals[0]["state"] != "delivered" {
		t.Errorf("systemRemove requests: %v", removals)
	}
}

// shortPolicy creates, on the world's package, a policy ("Short") under
// which users request for themselves and assignments end after the
// duration (ISO 8601, as "PT4S"); it returns the policy's id.
func (w *world) shortPolicy(duration string) string {
	return w.admin.must(201, "POST", em+"/assignmentPolicies", map[string]any{
		"displayName": "Short", "allowedTargetScope": "allMemberUsers",
		"accessPackage":     map[string]any{"id": w.pkg},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true},
		"expiration":        map[string]any{"type": "afterDuration", "duration": duration},
	}).Str("id")
}
