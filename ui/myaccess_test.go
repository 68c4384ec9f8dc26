package ui_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// myRequests returns the signed-in user's requests, newest last.
func (w *world) myRequests(user string) []entitled.AssignmentRequest {
	w.t.Helper()
	pg, err := w.services.Requests.Requests(w.as(user), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	return pg.Items
}

// TestRequestThenCancel: a user finds a package, requests it (the form
// insists on the justification the policy requires), sees the request
// waiting for approval and cancels it.
func TestRequestThenCancel(t *testing.T) {
	w := newWorld(t)
	alice := w.signIn("alice")
	alice.get("/").see(t, 200, "CRM access", "Wiki editor", `href="/packages/`+w.crm+`/request"`)
	found := alice.get("/?q="+url.QueryEscape("company wiki")).see(t, 200, "Wiki editor")
	if strings.Contains(found.body, "CRM access") {
		t.Errorf("search for the wiki shows the CRM package")
	}
	alice.get("/?q=nothing-like-this").see(t, 200, "No access package you can request matches")

	alice.get("/packages/"+w.crm+"/request").see(t, 200, "Request CRM access", "Justification (required)", "an approver must approve")
	alice.submit("/packages/"+w.crm+"/request", url.Values{"policy": {w.crmPolicy}, "justification": {"  "}}).
		see(t, 400, "requires a justification")
	if n := len(w.myRequests("alice")); n != 0 {
		t.Fatalf("%d requests after a refused submission", n)
	}
	alice.submit("/packages/"+w.crm+"/request", url.Values{"policy": {w.crmPolicy}, "justification": {"Quarterly sales review"}}).
		redirect(t, "/requests?done=requested")
	rs := w.myRequests("alice")
	if len(rs) != 1 || rs[0].State != entitled.StatePendingApproval || rs[0].Justification != "Quarterly sales review" {
		t.Fatalf("requests %+v", rs)
	}
	id := rs[0].ID
	alice.get("/requests?done=requested").see(t, 200, "Your request was submitted.", "CRM access", "Waiting for approval",
		`action="/requests/`+id+`/cancel"`)

	// A second request for the same package names the open one.
	alice.get("/packages/" + w.crm + "/request")
	alice.submit("/packages/"+w.crm+"/request", url.Values{"policy": {w.crmPolicy}, "justification": {"again"}}).
		see(t, 409, "already has an open request "+id)

	alice.get("/requests")
	alice.submit("/requests/"+id+"/cancel", url.Values{"next": {"/requests"}}).redirect(t, "/requests?done=canceled")
	if st := w.state(id); st != entitled.StateCanceled {
		t.Fatalf("state %s, want canceled", st)
	}
	p := alice.get("/requests?done=canceled").see(t, 200, "The request was canceled.", "Canceled")
	if strings.Contains(p.body, `action="/requests/`+id+`/cancel"`) {
		t.Error("a canceled request still offers Cancel")
	}
	// Canceling again is refused by the service with its reason.
	alice.submit("/requests/"+id+"/cancel", nil).see(t, 400, "only submitted, pendingApproval, scheduled")

	// Someone else's request cannot be canceled by a plain user.
	bobs := w.request("bob", w.crm, w.crmPolicy)
	alice.get("/requests")
	alice.submit("/requests/"+bobs+"/cancel", nil).see(t, 404)
	if st := w.state(bobs); st != entitled.StatePendingApproval {
		t.Fatalf("bob's request is %s after alice's cancel", st)
	}
	// An open redirect through next is not followed.
	w.request("alice", w.wiki, w.wikiPolicy)
	wiki := w.myRequests("alice")[1].ID
	w.failDeliveries(wiki)
	alice.get("/requests")
	alice.submit("/requests/"+wiki+"/cancel", url.Values{"next": {"//evil.example/x"}}).redirect(t, "/requests?done=canceled")
}

// TestFailedRequestPastWindowSaysRequestAgain: a requester's failed request
// says until when it can be retried and, once the window passed, that a new
// request is needed.
func TestFailedRequestPastWindowSaysRequestAgain(t *testing.T) {
	w := newWorld(t)
	id := w.request("alice", w.wiki, w.wikiPolicy)
	w.failDeliveries(id)
	if st := w.state(id); st != entitled.StateDeliveryFailed {
		t.Fatalf("state %s, want deliveryFailed", st)
	}
	alice := w.signIn("alice")
	p := alice.get("/requests").see(t, 200, "Delivery failed", "An administrator can retry delivery until 18 Mar 2031", "Cancel")
	if strings.Contains(p.body, "data-window-passed") {
		t.Error("window-passed note shown inside the window")
	}
	alice.get("/requests/"+id).see(t, 200, "Delivery failed", "app-wiki", "no such account in the CRM", "permanent")

	w.clock.Add(15 * 24 * time.Hour)
	alice = w.signIn("alice")
	alice.get("/requests").see(t, 200, "data-window-passed", "It can no longer be retried: it failed more than 14 days ago. Cancel it and submit a new request.")
	alice.get("/requests/"+id).see(t, 200, "can no longer be reprocessed. Cancel it and request the access again.")
	alice.submit("/requests/"+id+"/cancel", url.Values{"next": {"/requests/" + id}}).redirect(t, "/requests/"+id+"?done=canceled")
	// And a new request can be made.
	alice.get("/packages/" + w.wiki + "/request")
	alice.submit("/packages/"+w.wiki+"/request", url.Values{"policy": {w.wikiPolicy}}).redirect(t, "/requests?done=requested")
}

// TestApprovals: the approver sees the pending request with requester,
// package and justification, and approves it; another is denied with a
// reason; people who are not approvers see nothing to decide and cannot
// decide.
func TestApprovals(t *testing.T) {
	w := newWorld(t)
	alice := w.signIn("alice")
	alice.get("/packages/" + w.crm + "/request")
	alice.submit("/packages/"+w.crm+"/request", url.Values{"policy": {w.crmPolicy}, "justification": {"Pipeline reporting"}}).
		redirect(t, "/requests?done=requested")
	aliceReq := w.myRequests("alice")[0].ID
	reaReq := w.request("rea", w.crm, w.crmPolicy)

	alice.get("/approvals").see(t, 200, "Nothing is waiting for your decision.")
	mia := w.signIn("mia")
	mia.get("/approvals").see(t, 200, "Nothing is waiting for your decision.")
	mia.submit("/approvals/"+aliceReq, url.Values{"decision": {"Approve"}}).see(t, 403)

	bob := w.signIn("bob")
	bob.get("/approvals").see(t, 200, "CRM access", "Alice Requester", "alice@example.com", "Pipeline reporting",
		"Rea Reader", `action="/approvals/`+aliceReq+`"`, `value="Approve"`, `value="Deny"`, `<label for="reason-`+aliceReq+`">`)
	bob.submit("/approvals/"+aliceReq, url.Values{"decision": {"Maybe"}}).see(t, 400, "Choose Approve or Deny")
	bob.submit("/approvals/"+aliceReq, url.Values{"decision": {"Approve"}, "reason": {"ok for Q3"}}).redirect(t, "/approvals?done=approved&request="+aliceReq)
	if st := w.state(aliceReq); st != entitled.StateDelivering {
		t.Fatalf("approved request is %s, want delivering", st)
	}
	stages, err := w.services.Approvals.ApprovalStages(w.sys(), aliceReq)
	w.must(err)
	if len(stages) != 1 || stages[0].ReviewResult != entitled.ReviewApprove || stages[0].Justification != "ok for Q3" ||
		stages[0].ReviewedBy == nil || stages[0].ReviewedBy.UserID != w.users["bob"].ID {
		t.Fatalf("stage %+v", stages)
	}
	bob.get("/approvals")
	bob.submit("/approvals/"+reaReq, url.Values{"decision": {"Deny"}, "reason": {"not in sales"}}).redirect(t, "/approvals?done=denied&request="+reaReq)
	if st := w.state(reaReq); st != entitled.StateDenied {
		t.Fatalf("denied request is %s", st)
	}
	bob.get("/approvals?done=denied").see(t, 200, "You denied the request.", "Nothing is waiting for your decision.")
	bob.get("/approvals?done=denied&request="+reaReq).see(t, 200, "You denied Rea Reader&#39;s request for CRM access.")
	// Deciding again is refused.
	bob.submit("/approvals/"+aliceReq, url.Values{"decision": {"Deny"}}).see(t, 409, "no longer waiting")
}
