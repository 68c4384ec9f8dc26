package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserMyAccessActive: My Access says which packages the user holds
// or requested instead of offering Request again; the Active view lists
// each assignment with what it gives and when it ends, and "Give up
// access" (confirmed) submits the removal.
func TestBrowserMyAccessActive(t *testing.T) {
	w := newWorld(t)
	w.wikiDelivered("alice")
	crm := w.request("alice", w.crm, w.crmPolicy)
	c := signedIn(t, w, "alice")
	c.open("/", `li[data-package="`+w.wiki+`"]`)
	if got := c.text(`li[data-package="` + w.wiki + `"]`); !strings.Contains(got, "You have it") || strings.Contains(got, "Request") {
		t.Errorf("a held package: %q", got)
	}
	if got := c.text(`li[data-package="` + w.crm + `"]`); !strings.Contains(got, "Requested") || strings.Contains(got, "Request CRM") {
		t.Errorf("a requested package: %q", got)
	}
	if n := c.number(`document.querySelectorAll('a[href="/requests/` + crm + `"]').length`); n != 1 {
		t.Errorf("the requested package does not link its request")
	}
	c.run("active", chromedp.Click(chromedp.CSS(`#active-tab`)), chromedp.WaitVisible(chromedp.CSS(`li.held`)), c.shot("my-access-active"))
	if got := c.text(`li.held`); !strings.Contains(got, "Wiki editor") || !strings.Contains(got, "app-wiki — Member") || !strings.Contains(got, "No end date") {
		t.Errorf("active assignment: %q", got)
	}
	c.run("give up", chromedp.Click(chromedp.CSS(`li.held form button`)), chromedp.WaitVisible(chromedp.CSS(`#confirm-message`)))
	if got := c.text("#confirm-message"); !strings.Contains(got, "Give up Wiki editor? You lose the access at once") {
		t.Fatalf("confirmation: %q", got)
	}
	c.run("confirm", chromedp.Click(chromedp.CSS(`#confirm`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	rs, err := w.services.Requests.Requests(w.as("alice"), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	removals := 0
	for _, r := range rs.Items {
		if r.RequestType == entitled.RequestUserRemove {
			removals++
		}
	}
	if removals != 1 {
		t.Fatalf("%d userRemove requests after giving up, want 1", removals)
	}
}

// TestBrowserExtendAccess: on My Access's Active view, "Extend" asks for
// the policy's 30 days again (a userUpdate request) where the policy lets
// users update their access; once extended it is not offered again, and a
// forged second extension is refused in words, never with an id.
func TestBrowserExtendAccess(t *testing.T) {
	w := newWorld(t)
	pay := w.pkg("Payroll", "Pay slips", "app-payroll")
	p := &entitled.AssignmentPolicy{AccessPackageID: pay, DisplayName: "Thirty days", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfUpdateAccess: true},
		Expiration:        entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * 24 * time.Hour}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), p))
	w.succeed(w.request("alice", pay, p.ID))
	w.wikiDelivered("alice") // no update allowed
	w.clock.Add(10 * 24 * time.Hour)

	c := signedIn(t, w, "alice")
	c.open("/?view=active", `li.held`)
	if n := c.number(`document.querySelectorAll('form.extend').length`); n != 1 {
		t.Fatalf("%v Extend buttons, want 1 (Payroll only)", n)
	}
	c.run("extend", c.shot("my-access-extend"), chromedp.Click(chromedp.CSS(`form.extend button`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	if got := c.text(`.notice.ok`); !strings.Contains(got, "Your request to extend the access was sent.") {
		t.Errorf("after Extend: %q", got)
	}
	as, err := w.services.Assignments.Assignments(w.as("alice"), entitled.AssignmentQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	for _, a := range as.Items {
		if a.AccessPackageID != pay {
			continue
		}
		want := w.clock.Now().Add(30 * 24 * time.Hour)
		if end := a.Schedule.Expiration.EndDateTime; end == nil || !end.Equal(want) {
			t.Errorf("Payroll ends %v, want %v", end, want)
		}
	}
	c.open("/?view=active", `li.held`)
	if n := c.number(`document.querySelectorAll('form.extend').length`); n != 0 {
		t.Errorf("Extend is still offered after extending")
	}

	b := w.signIn("alice")
	var payID string
	for _, a := range as.Items {
		if a.AccessPackageID == pay {
			payID = a.ID
		}
	}
	again := b.submit("/access/"+payID+"/extend", nil).see(t, 409, "You already have Payroll access until")
	if strings.Contains(again.body, payID) {
		t.Error("the refusal shows the assignment's id")
	}
}
