package e2e

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// world is the data of a scenario: users, their clients, a webhook package.
type world struct {
	db      string
	srv     *server
	admin   *client
	users   map[string]string  // upn prefix → id
	clients map[string]*client // upn prefix → client
	catalog string
	pkg     string
	policy  string
	target  *target
}

// newWorld starts a server, creates an administrator, the named users, a
// catalog with a webhook system of two resources (app-a, app-b), a package
// holding both, and a policy. approver, when set, must approve requests.
func newWorld(t *testing.T, serveArgs []string, names []string, approver string) *world {
	t.Helper()
	w := &world{db: "sqlite:" + filepath.Join(t.TempDir(), "entitled.db"), users: map[string]string{}, clients: map[string]*client{}}
	cli(t, "admin", "create", "--db", w.db, "--upn", "admin@example.com", "--display-name", "Admin")
	w.srv = startServer(t, w.db, serveArgs...)
	w.admin = &client{t: t, base: w.srv.base, token: tokenFor(t, w.db, "admin@example.com")}
	w.populate(t, names, approver)
	return w
}

// populate creates, through the API of w.srv as w.admin, the named users
// (with tokens), a webhook target with two resources (app-a, app-b) in a
// catalog, a package holding both, and a policy; approver, when set, must
// approve requests.
func (w *world) populate(t *testing.T, names []string, approver string) {
	t.Helper()
	for _, n := range names {
		u := w.admin.must(201, "POST", "/v1.0/users", map[string]any{
			"userPrincipalName": n + "@example.com", "displayName": strings.ToUpper(n[:1]) + n[1:], "mail": n + "@example.com", "accountEnabled": true})
		w.users[n] = u.Str("id")
		w.clients[n] = &client{t: t, base: w.srv.base, token: tokenFor(t, w.db, n+"@example.com")}
	}
	w.target = newTarget(t, "s3cret-webhook-key")
	w.catalog = w.admin.must(201, "POST", em+"/catalogs", map[string]any{"displayName": "Apps", "description": "Business apps"}).Str("id")
	w.admin.must(201, "POST", "/api/v1/systems", map[string]any{
		"name": "crm", "kind": "webhook",
		"config": map[string]any{"url": w.target.srv.URL, "secret": "s3cret-webhook-key", "timeout": "5s", "roles": []string{"Member"}},
		"retry":  map[string]any{"maxAttempts": 2, "initialBackoff": "PT0.2S", "maxBackoff": "PT0.5S"},
	})
	w.pkg = w.admin.must(201, "POST", em+"/accessPackages", map[string]any{
		"displayName": "CRM access", "description": "Both CRM apps", "catalog": map[string]any{"id": w.catalog}}).Str("id")
	for _, app := range []string{"app-a", "app-b"} {
		rr := w.admin.must(201, "POST", em+"/resourceRequests", map[string]any{
			"requestType": "adminAdd", "catalog": map[string]any{"id": w.catalog},
			"resource": map[string]any{"originId": app, "originSystem": "crm", "displayName": app}})
		res, _ := rr.Body["resource"].(map[string]any)
		resID, _ := res["id"].(string)
		if resID == "" {
			t.Fatalf("resource request returned no resource id: %s", rr.Raw)
		}
		w.admin.must(201, "POST", em+"/accessPackages/"+w.pkg+"/resourceRoleScopes", map[string]any{
			"role":  map[string]any{"originId": "Member", "originSystem": "crm", "resource": map[string]any{"id": resID}},
			"scope": map[string]any{"originId": app, "originSystem": "crm"}})
	}
	approval := map[string]any{"isApprovalRequiredForAdd": false, "isRequestorJustificationRequired": false, "stages": []any{}}
	if approver != "" {
		approval = map[string]any{"isApprovalRequiredForAdd": true, "isRequestorJustificationRequired": true,
			"stages": []any{map[string]any{"durationBeforeAutomaticDenial": "P7D", "isApproverJustificationRequired": false,
				"primaryApprovers": []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": w.users[approver]}}}}}
	}
	w.policy = w.admin.must(201, "POST", em+"/assignmentPolicies", map[string]any{
		"displayName": "Employees", "description": "Any employee", "allowedTargetScope": "allMemberUsers",
		"accessPackage":           map[string]any{"id": w.pkg},
		"requestorSettings":       map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfRemoveAccess": true},
		"requestApprovalSettings": approval,
		"expiration":              map[string]any{"type": "noExpiration"},
	}).Str("id")
}

// grantCatalogRole gives a user a catalog role through Graph's role assignments.
func (w *world) grantCatalogRole(user, roleDefinitionID string) {
	w.admin.must(201, "POST", "/v1.0/roleManagement/entitlementManagement/roleAssignments", map[string]any{
		"principalId": w.users[user], "roleDefinitionId": roleDefinitionID, "appScopeId": "/AccessPackageCatalog/" + w.catalog})
}

// request submits a userAdd for the caller and returns the request id.
func (w *world) request(user string) string {
	r := w.clients[user].must(201, "POST", em+"/assignmentRequests", map[string]any{
		"requestType": "UserAdd", "justification": "I need the CRM for my work",
		"assignment": map[string]any{"accessPackageId": w.pkg, "assignmentPolicyId": w.policy}})
	if r.Str("state") != "submitted" || r.Str("status") != "Accepted" {
		w.admin.t.Fatalf("a new request is answered as submitted/Accepted, as Graph does: %s", r.Raw)
	}
	return r.Str("id")
}

// approve approves the only stage of a request as the approver.
func (w *world) approve(approver, requestID string) {
	c := w.clients[approver]
	var stages []map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		stages = c.must(200, "GET", em+"/accessPackageAssignmentApprovals/"+requestID+"/stages", nil).Values()
		if len(stages) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(stages) != 1 {
		c.t.Fatalf("request %s: %d approval stages, want 1", requestID, len(stages))
	}
	if stages[0]["assignedToMe"] != true {
		c.t.Errorf("stage of %s not assignedToMe for the approver: %v", requestID, stages[0])
	}
	c.must(204, "PATCH", em+"/accessPackageAssignmentApprovals/"+requestID+"/stages/"+stages[0]["id"].(string),
		map[string]any{"reviewResult": "Approve", "justification": "ok"})
}

// deliveryOf returns the delivery of a request to one resource.
func (w *world) deliveryOf(c *client, requestID, resource string) map[string]any {
	ds := c.must(200, "GET", "/api/v1/assignmentRequests/"+requestID+"/deliveries", nil).Values()
	for _, d := range ds {
		res, _ := d["resource"].(map[string]any)
		if res["originId"] == resource {
			return d
		}
	}
	c.t.Fatalf("request %s has no delivery to %s: %v", requestID, resource, ds)
	return nil
}

// TestReprocessScenario is the flow entitled exists for, against a real
// `entitled serve` and a real HTTP target: a partial failure, visible in the
// delivery list, reprocessed by an access package assignment manager once
// the target recovers; refused after the window; canceled and requested again.
func TestReprocessScenario(t *testing.T) {
	const window = 8 * time.Second
	w := newWorld(t, []string{"--reprocess-window", window.String()}, []string{"alice", "bob", "carol", "rita", "dave"}, "bob")
	w.grantCatalogRole("carol", "e2182095-804a-4656-ae11-64734e9b7ae5") // access package assignment manager
	w.grantCatalogRole("rita", "44272f93-9762-48e8-af59-1b5351b1d6b3")  // catalog reader
	alice, bob, carol, rita := w.clients["alice"], w.clients["bob"], w.clients["carol"], w.clients["rita"]

	// One of two resources fails: app-b answers 503 until it recovers.
	w.target.fail("app-b", 503)
	req := w.request("alice")
	r := alice.must(200, "GET", em+"/assignmentRequests/"+req, nil)
	if r.Str("state") != "pendingApproval" || r.Str("status") != "PendingApproval" {
		t.Fatalf("new request: state %q status %q, want pendingApproval", r.Str("state"), r.Str("status"))
	}
	// Nobody approves their own request, nor does a bystander.
	stages := bob.must(200, "GET", em+"/accessPackageAssignmentApprovals/"+req+"/stages", nil).Values()
	if len(stages) != 1 {
		t.Fatalf("want 1 stage, got %v", stages)
	}
	stagePath := em + "/accessPackageAssignmentApprovals/" + req + "/stages/" + stages[0]["id"].(string)
	if r := alice.do("PATCH", stagePath, map[string]any{"reviewResult": "Approve"}); r.Status != 403 {
		t.Errorf("requestor approving own request: %d %s", r.Status, r.Raw)
	}
	if r := carol.do("PATCH", stagePath, map[string]any{"reviewResult": "Approve"}); r.Status != 403 {
		t.Errorf("non-approver approving: %d %s", r.Status, r.Raw)
	}
	w.approve("bob", req)
	if r := bob.do("PATCH", stagePath, map[string]any{"reviewResult": "Deny"}); r.Status != 409 {
		t.Errorf("deciding a decided stage: %d %s, want 409", r.Status, r.Raw)
	}

	// Retries exhausted → partiallyDelivered; the delivery list shows why.
	r = carol.waitState(req, 30*time.Second, "partiallyDelivered", "delivered", "deliveryFailed")
	if r.Str("state") != "partiallyDelivered" || r.Str("status") != "PartiallyDelivered" || r.Str("completedDateTime") == "" {
		t.Fatalf("after delivery: %s", r.Raw)
	}
	failed := w.deliveryOf(carol, req, "app-b")
	lastErr, _ := failed["lastError"].(map[string]any)
	if failed["status"] != "failed" || lastErr == nil || lastErr["class"] != "transient" ||
		!strings.Contains(lastErr["message"].(string), "503") || failed["attempts"] != float64(2) {
		t.Fatalf("failed delivery as listed: %v", failed)
	}
	if ok := w.deliveryOf(carol, req, "app-a"); ok["status"] != "succeeded" {
		t.Fatalf("app-a delivery: %v", ok)
	}
	if n := w.target.count("grant", "app-a", w.users["alice"]); n != 1 {
		t.Fatalf("app-a received %d grants before reprocess, want 1", n)
	}

	// Requestors and catalog readers may not reprocess.
	for name, c := range map[string]*client{"requestor": alice, "catalog reader": rita} {
		r := c.do("POST", em+"/assignmentRequests/"+req+"/reprocess", nil)
		if r.Status != 403 || r.ErrorCode() == "" {
			t.Errorf("%s reprocess: %d %s, want 403 with a Graph error", name, r.Status, r.Raw)
		}
	}
	// A catalog reader can still read the delivery errors.
	rita.must(200, "GET", "/api/v1/assignmentRequests/"+req+"/deliveries", nil)

	// The target recovers; the assignment manager reprocesses.
	w.target.fail("app-b", 0)
	carol.must(202, "POST", em+"/assignmentRequests/"+req+"/reprocess", nil)
	r = carol.waitState(req, 30*time.Second, "delivered", "partiallyDelivered", "deliveryFailed")
	if r.Str("state") != "delivered" {
		t.Fatalf("after reprocess: %s", r.Raw)
	}
	if n := w.target.count("grant", "app-a", w.users["alice"]); n != 1 {
		t.Errorf("the resource that had succeeded received %d grants, want exactly 1", n)
	}
	if n := w.target.count("grant", "app-b", w.users["alice"]); n != 1 {
		t.Errorf("app-b received %d successful grants, want 1", n)
	}
	if d := w.deliveryOf(carol, req, "app-b"); d["status"] != "succeeded" || d["run"] != float64(2) {
		t.Errorf("app-b delivery after reprocess: %v", d)
	}
	as := alice.must(200, "GET", em+"/assignments/filterByCurrentUser(on='target')", nil).Values()
	if len(as) != 1 || as[0]["state"] != "delivered" {
		t.Errorf("alice's assignments: %v", as)
	}
	// The audit log has the reprocess, by carol.
	audits := w.admin.must(200, "GET", "/v1.0/auditLogs/directoryAudits?$filter="+
		urlq("targetResources/any(t: t/id eq '"+req+"')"), nil).Values()
	var reprocessedBy string
	for _, a := range audits {
		if strings.Contains(strings.ToLower(a["activityDisplayName"].(string)), "reprocess") {
			by, _ := a["initiatedBy"].(map[string]any)
			u, _ := by["user"].(map[string]any)
			reprocessedBy, _ = u["id"].(string)
		}
	}
	if reprocessedBy != w.users["carol"] {
		t.Errorf("audit of %s has no reprocess by carol: %v", req, audits)
	}

	// After the window, reprocess is refused with a clear error; the user
	// cancels and requests again.
	dave := w.clients["dave"]
	w.target.fail("app-b", 503)
	req2 := w.request("dave")
	w.approve("bob", req2)
	r = carol.waitState(req2, 30*time.Second, "partiallyDelivered", "delivered", "deliveryFailed")
	if r.Str("state") != "partiallyDelivered" {
		t.Fatalf("dave's request: %s", r.Raw)
	}
	w.target.fail("app-b", 0)
	time.Sleep(window + time.Second)
	r = carol.do("POST", em+"/assignmentRequests/"+req2+"/reprocess", nil)
	if r.Status != 400 || r.ErrorCode() != "ReprocessWindowPassed" || !strings.Contains(r.ErrorMessage(), "cancel it and request again") {
		t.Fatalf("reprocess after the window: %d %s", r.Status, r.Raw)
	}
	// A new request while the failed one holds the assignment is refused, naming it.
	r = dave.do("POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd", "justification": "again",
		"assignment": map[string]any{"accessPackageId": w.pkg, "assignmentPolicyId": w.policy}})
	if r.Status != 409 || !strings.Contains(r.ErrorMessage(), req2) {
		t.Errorf("second request while the first is live: %d %s", r.Status, r.Raw)
	}
	dave.must(204, "POST", em+"/assignmentRequests/"+req2+"/cancel", nil)
	if s := dave.must(200, "GET", em+"/assignmentRequests/"+req2, nil).Str("state"); s != "canceled" {
		t.Errorf("after cancel: state %s", s)
	}
	// What was delivered is revoked.
	waitFor(t, 30*time.Second, "app-a revoke for dave", func() bool {
		return w.target.count("revoke", "app-a", w.users["dave"]) == 1
	})
	var req3 string
	waitFor(t, 30*time.Second, "a new request to be accepted", func() bool {
		r := dave.do("POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd", "justification": "again",
			"assignment": map[string]any{"accessPackageId": w.pkg, "assignmentPolicyId": w.policy}})
		if r.Status == 201 {
			req3 = r.Str("id")
			return true
		}
		if r.Status != 409 {
			t.Fatalf("new request: %d %s", r.Status, r.Raw)
		}
		return false
	})
	w.approve("bob", req3)
	if r := carol.waitState(req3, 30*time.Second, "delivered", "partiallyDelivered", "deliveryFailed"); r.Str("state") != "delivered" {
		t.Fatalf("dave's new request: %s", r.Raw)
	}
	if strings.Contains(w.srv.Logs(), "s3cret-webhook-key") ||
		strings.Contains(w.admin.must(200, "GET", "/api/v1/systems/crm", nil).Raw, "s3cret-webhook-key") {
		t.Error("the webhook secret appears in the server's logs or API output")
	}
	// Prometheus metrics describe what happened.
	resp, err := http.Get(w.srv.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`entitled_requests{state="delivered"}`, `entitled_requests{state="canceled"} 1`,
		`entitled_deliveries_total{action="grant",outcome="retried"}`, `entitled_deliveries_total{action="grant",outcome="failed"}`,
		`entitled_deliveries_total{action="revoke",outcome="succeeded"}`, `entitled_delivery_duration_seconds_bucket{system_kind="webhook"`,
		`entitled_queue_depth`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	if w.target.badSigs != 0 {
		t.Errorf("%d deliveries had a bad signature", w.target.badSigs)
	}
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}
