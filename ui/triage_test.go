package ui_test

import (
	"strings"
	"testing"
	"time"
)

// TestRequestsTabTriage: with something to fix, the Requests tab opens on
// "Needs attention" (failed or partially delivered, within the reprocess
// window) with its count; each row names the person as its link, the failed
// resource with its error, and the reprocess deadline as a date and "in N
// days"; a search by user narrows the list; the Identity Governance list
// counts what needs attention per package.
func TestRequestsTabTriage(t *testing.T) {
	w := newWorld(t)
	old, failed := w.pastWindowAndFailed()
	done := w.wikiDelivered("mia")
	rea := w.request("rea", w.wiki, w.wikiPolicy)
	w.failDeliveries(rea)

	mia := w.signIn("mia")
	tab := "/governance/packages/" + w.wiki + "/requests"
	p := mia.get(tab).see(t, 200, `<option value="attention" selected>Needs attention (2)</option>`, `id="count">2 requests`,
		`<a href="/governance/requests/`+failed+`" class="who-link">Alice Requester</a>`,
		`<strong>app-wiki</strong> (Member): <span class="error-text" title="HTTP 403: no such account in the CRM">HTTP 403: no such account in the CRM</span>`,
		"2 Apr 2031 09:00 UTC", "in 14 days", `id="reprocess-all">Reprocess all 2 that match</button>`)
	for _, id := range []string{old, done} {
		if strings.Contains(p.body, id) {
			t.Errorf("Needs attention lists request %s", id)
		}
	}
	// All states: the past-window and delivered rows cannot be selected, and say why.
	all := mia.get(tab+"?state=all").see(t, 200, `id="count">4 requests`, `id="sel-`+old+`" disabled title="Reprocess window passed`,
		`id="sel-`+done+`" disabled title="Nothing to reprocess: the request is Delivered."`, `· <a href="`+tab+`?state=attention">Needs attention (2)</a>`)
	if strings.Contains(all.body, `id="reprocess-all">Reprocess all 4`) {
		t.Error("the bulk reprocess counts requests it cannot reprocess")
	}
	// Search by user: name, user principal name or mail.
	s := mia.get(tab+"?state=all&q=rea@").see(t, 200, `id="count">1 request ·`, `value="rea@"`)
	if !strings.Contains(s.body, `data-request="`+rea+`"`) || strings.Contains(s.body, `data-request="`+failed+`"`) {
		t.Error("searching rea@ does not list only Rea's request")
	}
	mia.get(tab+"?q=nobody").see(t, 200, "No request of a user matching this search.")

	mia.get("/governance/").see(t, 200, `href="`+tab+`?state=attention" class="badge state-deliveryFailed">2 requests</a>`, "Nothing to fix")

	// Nothing to fix: the tab opens on all states.
	w.clock.Add(15 * 24 * time.Hour)
	mia = w.signIn("mia")
	mia.get(tab).see(t, 200, `<option value="all" selected>All states</option>`, `<option value="attention">Needs attention (0)</option>`)
}
