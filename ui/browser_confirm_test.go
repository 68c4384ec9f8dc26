package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserDestructiveActionsConfirmed: Remove selected on the
// Assignments tab and canceling a delivered request ask first, stating the
// count and that access goes at once; "No, go back" changes nothing;
// Remove selected looks unlike Reprocess selected.
func TestBrowserDestructiveActionsConfirmed(t *testing.T) {
	w := newWorld(t)
	id := w.wikiDelivered("alice")
	w.wikiDelivered("bob")
	c := signedIn(t, w, "mia")
	tab := "/governance/packages/" + w.wiki + "/assignments"
	c.open(tab, `#select-all`)
	if re, rm := c.text(`#reprocess`), c.number(`getComputedStyle(document.querySelector('#remove')).color === getComputedStyle(document.querySelector('#reprocess')).color ? 1 : 0`); re == "" || rm == 1 {
		t.Error("Remove selected looks like Reprocess selected")
	}
	c.run("select all and remove", chromedp.Click(chromedp.CSS(`#select-all`)), chromedp.Click(chromedp.CSS(`#remove`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-message`)), c.shot("confirm-remove"))
	if got := c.text("#confirm-message"); !strings.Contains(got, "Remove 2 assignments? 2 people lose their access at once") {
		t.Fatalf("confirmation: %q", got)
	}
	c.run("go back", chromedp.Click(chromedp.CSS(`#confirm-back`)), chromedp.WaitVisible(chromedp.CSS(`#select-all`)))
	if st := w.state(id); st != entitled.StateDelivered {
		t.Fatalf("going back changed the request to %s", st)
	}
	as, err := w.services.Assignments.Assignments(w.sys(), entitled.AssignmentQuery{})
	w.must(err)
	if len(as.Items) != 2 {
		t.Fatalf("%d assignments after going back, want 2", len(as.Items))
	}
	c.run("remove, confirmed", chromedp.Click(chromedp.CSS(`#sel-`+as.Items[0].ID)), chromedp.Click(chromedp.CSS(`#remove`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-message`)))
	if got := c.text("#confirm-message"); !strings.Contains(got, "Remove 1 assignment? The person loses the access at once") {
		t.Fatalf("confirmation of one: %q", got)
	}
	c.run("confirm", chromedp.Click(chromedp.CSS(`#confirm`)), chromedp.WaitVisible(chromedp.CSS(`.outcomes`)))
	if got := c.text(".outcomes"); !strings.Contains(got, "Result: 1 of 1 accepted") {
		t.Fatalf("after confirming: %q", got)
	}
	c.signOut()

	// Canceling a partially delivered request takes its delivered access
	// away: asked first.
	part := w.partiallyDelivered("rea")
	c.signIn("rea")
	c.open("/requests/"+part, `form[action="/requests/`+part+`/cancel"] button`)
	c.run("cancel", chromedp.Click(chromedp.CSS(`form[action="/requests/`+part+`/cancel"] button`)), chromedp.WaitVisible(chromedp.CSS(`#confirm-message`)),
		c.shot("confirm-cancel"))
	if got := c.text("#confirm-message"); !strings.Contains(got, "Its access was delivered: canceling takes it away") {
		t.Fatalf("cancel confirmation: %q", got)
	}
	if st := w.state(part); st != entitled.StatePartiallyDelivered {
		t.Fatalf("asking changed the request to %s", st)
	}
	c.run("confirm cancel", chromedp.Click(chromedp.CSS(`#confirm`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	if st := w.state(part); st != entitled.StateCanceled {
		t.Fatalf("after confirming the request is %s, want canceled", st)
	}
}

// partiallyDelivered gives the wiki package a second resource role and
// makes a user's request of it partially delivered: one grant done, one
// failed.
func (w *world) partiallyDelivered(user string) string {
	w.t.Helper()
	sys := w.sys()
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: w.cat,
		Resource: entitled.Resource{OriginID: "app-wiki-admin", OriginSystem: "crm", DisplayName: "app-wiki-admin"}}
	w.must(w.services.Catalogs.CreateResourceRequest(sys, rr))
	_, err := w.services.AccessPackages.AddResourceRoleScope(sys, w.wiki, entitled.ResourceRoleScopeInput{RoleOriginID: "Member", RoleOriginSystem: "crm", ResourceID: rr.Resource.ID})
	w.must(err)
	id := w.request(user, w.wiki, w.wikiPolicy)
	ds, err := w.services.Requests.Deliveries(sys, id)
	w.must(err)
	for i, d := range ds {
		o := entitled.DeliveryOutcome{DeliveryID: d.ID, Run: d.Run, Final: true, At: w.clock.Now()}
		if i > 0 {
			o.Err = entitled.PermanentErrorf("HTTP 403: no such account")
		}
		w.must(w.services.Deliveries.RecordDeliveryOutcomes(context.Background(), []entitled.DeliveryOutcome{o}))
	}
	if st := w.state(id); st != entitled.StatePartiallyDelivered {
		w.t.Fatalf("request is %s, want partiallyDelivered", st)
	}
	return id
}
