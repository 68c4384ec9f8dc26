package ui_test

import (
	"strings"
	"testing"

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
