package ui_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// assignmentOf returns the assignment id of a request.
func (w *world) assignmentOf(requestID string) string {
	w.t.Helper()
	r, err := w.services.Requests.Request(w.sys(), requestID)
	w.must(err)
	if r.AssignmentID == "" {
		w.t.Fatalf("request %s has no assignment", requestID)
	}
	return r.AssignmentID
}

// assignmentState reads an assignment's state.
func (w *world) assignmentState(id string) entitled.AssignmentState {
	w.t.Helper()
	a, err := w.services.Assignments.Assignment(w.sys(), id)
	w.must(err)
	return a.State
}

// outcomesOf reads the per-row outcomes of an assignment action.
func outcomesOf(body string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)<li class="outcome-(\w+)"(?: data-request="[^"]+")? data-assignment="([^"]+)">(.*?)</li>`).FindAllStringSubmatch(body, -1) {
		out[m[2]] = m[1] + ": " + strings.Join(strings.Fields(m[3]), " ")
	}
	return out
}

// TestAssignmentsTab: the manager sees the package's assignments, assigns
// a user directly, reprocesses and removes selected assignments, and the
// page says per assignment what happened.
func TestAssignmentsTab(t *testing.T) {
	w := newWorld(t)
	ok := w.wikiDelivered("alice")
	bad := w.request("bob", w.wiki, w.wikiPolicy)
	w.failDeliveries(bad)
	okA, badA := w.assignmentOf(ok), w.assignmentOf(bad)

	mia := w.signIn("mia")
	tab := mia.get("/governance/packages/"+w.wiki+"/assignments").see(t, 200, "Alice Requester", "Bob Approver", "Employees",
		"Delivered", "Delivery failed", "Never", `id="reprocess"`, `id="remove"`, `id="assign"`, `<label for="upn">User principal name</label>`,
		`<option value="`+w.wikiPolicy+`"`, `aria-current="page">Assignments</a>`, `data-assignment="`+okA+`"`)
	for _, col := range []string{"Target", "Policy", "State", "Status", "Assigned", "Expires"} {
		if !strings.Contains(tab.body, `<th scope="col">`+col+`</th>`) {
			t.Errorf("no %s column", col)
		}
	}
	if strings.Contains(tab.body, w.crmPolicy) {
		t.Error("the wiki's assignment form offers a policy of the CRM")
	}
	mia.get("/governance/packages/"+w.wiki+"/assignments?state=deliveryFailed").see(t, 200, badA)
	if strings.Contains(mia.get("/governance/packages/"+w.wiki+"/assignments?state=deliveryFailed").body, okA) {
		t.Error("the deliveryFailed filter shows a delivered assignment")
	}
	mia.get("/governance/packages/"+w.wiki+"/assignments?state=bogus").see(t, 400, "Unknown state")

	// Direct assignment.
	add := "/governance/packages/" + w.wiki + "/assignments/add"
	mia.submit(add, url.Values{"upn": {"nobody@example.com"}, "policy": {w.wikiPolicy}}).
		see(t, 400, "There is no user with the user principal name nobody@example.com", `value="nobody@example.com"`)
	mia.submit(add, url.Values{"upn": {""}, "policy": {w.wikiPolicy}}).see(t, 400, "Enter the user principal name")
	mia.submit(add, url.Values{"upn": {"rea@example.com"}, "policy": {w.crmPolicy}}).see(t, 400, "belongs to access package")
	mia.submit(add, url.Values{"upn": {"alice@example.com"}, "policy": {w.wikiPolicy}}).see(t, 409)
	mia.submit(add, url.Values{"upn": {"REA@example.com"}, "policy": {w.wikiPolicy}, "justification": {"joins the wiki team"}}).
		redirect(t, "/governance/packages/"+w.wiki+"/assignments?done=assigned")
	mia.get("/governance/packages/"+w.wiki+"/assignments?done=assigned").see(t, 200, "The user was assigned", "Rea Reader")
	pg, err := w.services.Requests.Requests(w.sys(), entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: entitled.Logical{Op: "and",
		Left:  entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: w.wiki},
		Right: entitled.Compare{Op: "eq", Property: "requestType", Value: "adminAdd"}}}})
	w.must(err)
	if len(pg.Items) != 1 || pg.Items[0].TargetID != w.users["rea"].ID || pg.Items[0].RequestorID != w.users["mia"].ID ||
		pg.Items[0].Justification != "joins the wiki team" {
		t.Fatalf("direct assignment made %+v, want one adminAdd for rea by mia", pg.Items)
	}

	// Reprocess: the delivered one is accepted, the failed one is not.
	action := "/governance/packages/" + w.wiki + "/assignments/action"
	res := mia.submit(action, url.Values{"action": {"reprocess"}, "id": {okA, badA}}).see(t, 200, "Result: 1 of 2 accepted")
	outs := outcomesOf(res.body)
	for id, texts := range map[string][]string{
		okA:  {"accepted: ", "Alice Requester", "Accepted: its access is being applied again."},
		badA: {"ineligible: ", "Bob Approver", "only delivered assignments can be reprocessed"},
	} {
		for _, s := range texts {
			if !strings.Contains(outs[id], s) {
				t.Errorf("outcome of %s = %q, want %q", id, outs[id], s)
			}
		}
	}
	if st := w.assignmentState(okA); st != entitled.AssignmentDelivering {
		t.Errorf("reprocessed assignment is %s, want delivering", st)
	}
	if st := w.assignmentState(badA); st != entitled.AssignmentDeliveryFailed {
		t.Errorf("ineligible assignment is %s, want deliveryFailed", st)
	}

	// Remove: accepted once, then not eligible (nothing left to remove).
	res = mia.submit(action, url.Values{"action": {"remove"}, "id": {badA}, "confirmed": {"yes"}}).see(t, 200, "Result: 1 of 1 accepted", "Removal accepted")
	if m := regexp.MustCompile(`data-request="([^"]+)" data-assignment="` + badA + `"`).FindStringSubmatch(res.body); m == nil {
		t.Error("the removal outcome does not link its request")
	} else if r, err := w.services.Requests.Request(w.sys(), m[1]); err != nil || r.RequestType != entitled.RequestAdminRemove || r.AssignmentID != badA {
		t.Errorf("removal request %v %+v, want adminRemove of %s", err, r, badA)
	}
	again := mia.submit(action, url.Values{"action": {"remove"}, "id": {badA}, "confirmed": {"yes"}}).see(t, 200, "Result: 0 of 1 accepted")
	if o := outcomesOf(again.body)[badA]; !strings.HasPrefix(o, "ineligible: ") || !strings.Contains(o, "Not eligible because") {
		t.Errorf("second removal: %q", outcomesOf(again.body)[badA])
	}
	mia.submit(action, url.Values{"action": {"remove"}}).see(t, 400, "Select at least one assignment")
	mia.submit(action, url.Values{"action": {"explode"}, "id": {okA}}).see(t, 400)

	// An assignment of another package is not removed from this tab.
	crm := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AccessPackageID: w.crm, AssignmentPolicyID: w.crmPolicy,
		TargetID: w.users["rea"].ID}
	w.must(w.services.Requests.SubmitRequest(w.as("mia"), crm))
	crmA := w.assignmentOf(crm.ID)
	res = mia.submit(action, url.Values{"action": {"remove"}, "id": {crmA}, "confirmed": {"yes"}}).see(t, 200, "Result: 0 of 1 accepted")
	if o := outcomesOf(res.body)[crmA]; !strings.Contains(o, "belongs to another access package") {
		t.Errorf("removing a CRM assignment from the wiki's tab: %q", o)
	}
	if st := w.assignmentState(crmA); st == entitled.AssignmentExpired {
		t.Error("the CRM assignment was removed from the wiki's tab")
	}
}

// TestAssignmentsTabRoles: a catalog reader sees the assignments without
// checkboxes, buttons or the assignment form; forged posts change nothing.
func TestAssignmentsTabRoles(t *testing.T) {
	w := newWorld(t)
	ok := w.wikiDelivered("alice")
	okA := w.assignmentOf(ok)

	rea := w.signIn("rea")
	tab := rea.get("/governance/packages/"+w.wiki+"/assignments").see(t, 200, "Alice Requester", "Delivered")
	for _, s := range []string{`id="reprocess"`, `id="remove"`, `name="id"`, "Select all", `id="assign"`, "/assignments/add"} {
		if strings.Contains(tab.body, s) {
			t.Errorf("a catalog reader is offered %q", s)
		}
	}
	action := "/governance/packages/" + w.wiki + "/assignments/action"
	res := rea.submit(action, url.Values{"action": {"remove"}, "id": {okA}}).see(t, 200, "Result: 0 of 1 accepted")
	if o := outcomesOf(res.body)[okA]; !strings.HasPrefix(o, "forbidden: ") {
		t.Errorf("a reader's forged removal: %q", o)
	}
	res = rea.submit(action, url.Values{"action": {"reprocess"}, "id": {okA}}).see(t, 200, "Result: 0 of 1 accepted")
	if o := outcomesOf(res.body)[okA]; !strings.Contains(o, "Not allowed: only administrators of its access package can reprocess") {
		t.Errorf("a reader's forged reprocess: %q", o)
	}
	rea.submit("/governance/packages/"+w.wiki+"/assignments/add", url.Values{"upn": {"bob@example.com"}, "policy": {w.wikiPolicy}}).see(t, 403)
	if st := w.assignmentState(okA); st != entitled.AssignmentDelivered {
		t.Fatalf("a reader's forged posts changed the assignment to %s", st)
	}
	pg, err := w.services.Assignments.Assignments(w.sys(), entitled.AssignmentQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.Compare{Op: "eq", Property: "target/id", Value: w.users["bob"].ID}}})
	w.must(err)
	if len(pg.Items) != 0 {
		t.Fatalf("a reader's forged direct assignment made %d assignments for bob", len(pg.Items))
	}
	// Without a CSRF token nothing is done either.
	rea.post(action, url.Values{"action": {"remove"}, "id": {okA}}).see(t, 403)

	alice := w.signIn("alice")
	alice.get("/governance/packages/"+w.wiki+"/assignments").see(t, 403, "You may not view")
	alice.submit("/governance/packages/"+w.wiki+"/assignments/add", url.Values{"upn": {"alice@example.com"}, "policy": {w.wikiPolicy}}).see(t, 403)
}
