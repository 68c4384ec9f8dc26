package ui_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// succeed records success for every open delivery of a request.
func (w *world) succeed(requestID string) {
	w.t.Helper()
	ds, err := w.services.Requests.Deliveries(w.sys(), requestID)
	w.must(err)
	for _, d := range ds {
		if !d.Status.IsFinal() {
			w.must(w.services.Deliveries.RecordDeliveryOutcomes(context.Background(), []entitled.DeliveryOutcome{{DeliveryID: d.ID, Run: d.Run, Final: true, At: w.clock.Now()}}))
		}
	}
}

// TestRequestsTabReprocess: the manager filters the package's requests,
// selects several and reprocesses them; the page says per request what
// happened: accepted, not eligible (and why), window passed.
func TestRequestsTabReprocess(t *testing.T) {
	w := newWorld(t)
	old, failed := w.pastWindowAndFailed()
	running := w.request("rea", w.wiki, w.wikiPolicy) // still delivering
	done := w.wikiDelivered("mia")
	pending := w.request("alice", w.crm, w.crmPolicy) // another package

	mia := w.signIn("mia")
	mia.get("/governance/").see(t, 200, "Identity Governance", "Wiki editor", "CRM access")
	w.userLists.Store(0)
	tab := mia.get("/governance/packages/"+w.wiki+"/requests?state=all").see(t, 200, "Alice Requester", "Bob Approver", "Rea Reader", "Mia Manager",
		"Delivery failed", "Being delivered", "Delivered", `id="reprocess"`, `value="`+failed+`"`,
		"Reprocess window passed: the user must cancel and request again.")
	if strings.Contains(tab.body, pending) {
		t.Error("the wiki's Requests tab lists a CRM request")
	}
	if n := w.userLists.Load(); n != 1 {
		t.Errorf("the Requests tab listed users %d times, want once for the page", n)
	}
	for _, col := range []string{"Target", "State", "Failed resources", "Reprocess until", "Submitted"} {
		if !strings.Contains(tab.body, `<th scope="col">`+col+`</th>`) {
			t.Errorf("no %s column", col)
		}
	}

	onlyFailed := mia.get("/governance/packages/"+w.wiki+"/requests?state=deliveryFailed").see(t, 200, failed, old, `<option value="deliveryFailed" selected>`)
	for _, id := range []string{running, done} {
		if strings.Contains(onlyFailed.body, id) {
			t.Errorf("state filter deliveryFailed shows request %s", id)
		}
	}
	mia.get("/governance/packages/"+w.wiki+"/requests?state=bogus").see(t, 400, "Unknown state")

	res := mia.submit("/governance/packages/"+w.wiki+"/requests/reprocess", url.Values{"id": {failed, old, running, done}, "state": {"deliveryFailed"}})
	res.see(t, 200, "Reprocess: 1 of 4 accepted")
	outcomes := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)<li class="outcome-(\w+)" data-request="([^"]+)">(.*?)</li>`).FindAllStringSubmatch(res.body, -1) {
		outcomes[m[2]] = m[1] + ": " + strings.Join(strings.Fields(m[3]), " ")
	}
	want := map[string][]string{
		failed:  {"accepted: ", "Alice Requester", "Accepted: its failed deliveries are being sent again."},
		old:     {"window: ", "Bob Approver", "Window passed", "The user must cancel it and request again."},
		running: {"ineligible: ", "Rea Reader", "Not eligible because", "being delivered right now"},
		done:    {"ineligible: ", "Mia Manager", "Not eligible because", "is delivered; only requests in deliveryFailed or partiallyDelivered can be reprocessed"},
	}
	for id, texts := range want {
		for _, s := range texts {
			if !strings.Contains(outcomes[id], s) {
				t.Errorf("outcome of %s = %q, want it to hold %q", id, outcomes[id], s)
			}
		}
	}
	for id, st := range map[string]entitled.RequestState{failed: entitled.StateDelivering, old: entitled.StateDeliveryFailed,
		running: entitled.StateDelivering, done: entitled.StateDelivered} {
		if got := w.state(id); got != st {
			t.Errorf("request %s is %s after reprocess, want %s", id, got, st)
		}
	}
	mia.submit("/governance/packages/"+w.wiki+"/requests/reprocess", url.Values{}).see(t, 400, "Select at least one request")
}

// TestRequestsTabRoles: a catalog reader sees the tab without checkboxes
// or Reprocess, and a forged reprocess is refused by the service; a plain
// user sees no Identity Governance at all.
func TestRequestsTabRoles(t *testing.T) {
	w := newWorld(t)
	failed := w.request("alice", w.wiki, w.wikiPolicy)
	w.failDeliveries(failed)

	rea := w.signIn("rea")
	tab := rea.get("/governance/packages/"+w.wiki+"/requests").see(t, 200, "Alice Requester", "Delivery failed")
	for _, s := range []string{`id="reprocess"`, `name="id"`, "Select all"} {
		if strings.Contains(tab.body, s) {
			t.Errorf("a catalog reader is offered %q", s)
		}
	}
	rea.submit("/governance/packages/"+w.wiki+"/requests/reprocess", url.Values{"id": {failed}}).
		see(t, 200, "Reprocess: 0 of 1 accepted", "Not allowed: only administrators of its access package can reprocess")
	rea.submit("/governance/requests/"+failed+"/reprocess", nil).see(t, 403)
	if st := w.state(failed); st != entitled.StateDeliveryFailed {
		t.Fatalf("a reader's reprocess changed the request to %s", st)
	}
	detail := rea.get("/governance/requests/"+failed).see(t, 200, "app-wiki", "no such account in the CRM")
	if strings.Contains(detail.body, "/reprocess") || strings.Contains(detail.body, "/cancel") {
		t.Error("a catalog reader is offered Reprocess or Cancel on the detail page")
	}

	alice := w.signIn("alice")
	if strings.Contains(alice.get("/").body, "/governance/") {
		t.Error("a plain user's navigation shows Identity Governance")
	}
	alice.get("/governance/").see(t, 403, "you hold no such role")
	alice.get("/governance/packages/"+w.wiki+"/requests").see(t, 403, "You may not view the requests of Wiki editor")
}

// TestRequestsTabPagingAndSelectAll: the tab pages with the store's skip
// token; "Select all" without JavaScript checks every row of the page.
func TestRequestsTabPagingAndSelectAll(t *testing.T) {
	w := newWorld(t) // page size 5
	var ids []string
	for range 7 { // request, fail and cancel, over and over: 7 requests
		id := w.request("alice", w.wiki, w.wikiPolicy)
		w.failDeliveries(id)
		w.must(w.services.Requests.CancelRequest(w.as("alice"), id))
		ids = append(ids, id)
	}
	mia := w.signIn("mia")
	first := mia.get("/governance/packages/"+w.wiki+"/requests?state=all").see(t, 200, "Next page")
	rows := regexp.MustCompile(`<tr data-request="([^"]+)">`).FindAllStringSubmatch(first.body, -1)
	if len(rows) != 5 {
		t.Fatalf("first page has %d rows, want 5", len(rows))
	}
	next := regexp.MustCompile(`href="(/governance/packages/[^"]+skiptoken=[^"]+)">Next page`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatal("no next-page link")
	}
	second := mia.get(strings.ReplaceAll(next[1], "&amp;", "&")).see(t, 200, "First page", ids[5], ids[6])
	if got := regexp.MustCompile(`<tr data-request="`).FindAllString(second.body, -1); len(got) != 2 {
		t.Fatalf("second page has %d rows, want 2", len(got))
	}
	if strings.Contains(second.body, ids[0]) || strings.Contains(second.body, "Next page") {
		t.Error("the second page repeats the first or offers a third")
	}
	// Canceled requests cannot be reprocessed: select all checks none of
	// them, and their checkboxes are disabled with the reason.
	all := mia.get("/governance/packages/" + w.wiki + "/requests?state=all&select=all")
	if n := strings.Count(all.body, `class="row-check" checked`); n != 0 {
		t.Errorf("select all checked %d canceled rows, want 0", n)
	}
	if n := strings.Count(all.body, `disabled title="Nothing to reprocess: the request is Canceled."`); n != 5 {
		t.Errorf("%d disabled checkboxes with the reason, want 5", n)
	}
	// Two failed requests: select all on the Needs attention view checks both.
	for _, u := range []string{"bob", "rea"} {
		id := w.request(u, w.wiki, w.wikiPolicy)
		w.failDeliveries(id)
	}
	all = mia.get("/governance/packages/"+w.wiki+"/requests?select=all").see(t, 200, `<option value="attention" selected>Needs attention (2)</option>`)
	if n := strings.Count(all.body, `class="row-check" checked`); n != 2 {
		t.Errorf("select all checked %d rows, want 2", n)
	}
	if strings.Count(first.body, `class="row-check" checked`) != 0 {
		t.Error("rows are checked without select all")
	}
}

// TestRequestDetailReprocess: the detail shows each delivery with its
// error; Reprocess there re-runs the failed delivery.
func TestRequestDetailReprocess(t *testing.T) {
	w := newWorld(t)
	id := w.request("alice", w.wiki, w.wikiPolicy)
	w.failDeliveries(id)
	mia := w.signIn("mia")
	mia.get("/governance/requests/"+id).see(t, 200, "Request for Wiki editor", "app-wiki", "Member", "Failed",
		"HTTP 403: no such account in the CRM", "(permanent)", "It can be reprocessed until 18 Mar 2031",
		`action="/governance/requests/`+id+`/reprocess"`, `action="/requests/`+id+`/cancel"`)
	mia.submit("/governance/requests/"+id+"/reprocess", nil).redirect(t, "/governance/requests/"+id+"?done=reprocessed")
	mia.get("/governance/requests/"+id+"?done=reprocessed").see(t, 200, "Reprocess accepted", "Being delivered", "Waiting")
	mia.submit("/governance/requests/"+id+"/reprocess", nil).see(t, 409, "being delivered right now")
	w.succeed(id)
	mia.get("/governance/requests/"+id).see(t, 200, "Delivered", "Done")
	mia.get("/governance/requests/no-such-id").see(t, 404)
}

// pastWindowAndFailed makes two failed wiki requests: Bob's, whose
// reprocess window then passes, and Alice's, within its window.
func (w *world) pastWindowAndFailed() (old, failed string) {
	w.t.Helper()
	old = w.request("bob", w.wiki, w.wikiPolicy)
	w.failDeliveries(old)
	w.clock.Add(15 * 24 * time.Hour)
	failed = w.request("alice", w.wiki, w.wikiPolicy)
	w.failDeliveries(failed)
	return old, failed
}
