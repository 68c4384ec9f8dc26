package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserApprovalsWithContext: each approval card says what the
// package gives, the policy, when the request is denied automatically, and
// links to the request; long e-mails and justifications wrap inside the
// card; the buttons name whose request they decide; the page counts and
// searches; the flash after deciding names whose request it was.
func TestBrowserApprovalsWithContext(t *testing.T) {
	for _, width := range []int{desktopWidth, phoneWidth} {
		w := newWorld(t)
		long := &entitled.User{UserPrincipalName: "maximiliana.konstantinopoulou-vandenberghe@subsidiary.europe.example.com",
			DisplayName: "Maximiliana Konstantinopoulou-Vandenberghe", Mail: "maximiliana.konstantinopoulou-vandenberghe@subsidiary.europe.example.com", AccountEnabled: true}
		w.must(w.services.Users.CreateUser(w.sys(), long))
		w.users["max"] = long
		aliceReq := w.request("alice", w.crm, w.crmPolicy)
		r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AccessPackageID: w.crm, AssignmentPolicyID: w.crmPolicy,
			Justification: strings.Repeat("I-need-the-pipeline-dashboards-for-the-quarterly-forecast-", 6)}
		w.must(w.services.Requests.SubmitRequest(w.as("max"), r))

		c := newChrome(t, w, width)
		if width == phoneWidth {
			c.suffix = "-phone"
		}
		c.signIn("bob")
		c.open("/approvals", `#reason-`+aliceReq)
		if got := c.text("#count"); got != "2 requests wait for your decision" {
			t.Errorf("total: %q", got)
		}
		card := c.text(`li[data-request="` + aliceReq + `"]`)
		for _, s := range []string{"app-crm — Member", "Employees", "11 Mar 2031 09:00 UTC", "in 7 days", "Open the request of Alice Requester"} {
			if !strings.Contains(card, s) {
				t.Errorf("card lacks %q: %q", s, card)
			}
		}
		if over := c.number(`Math.max(...[...document.querySelectorAll('li.approval')].map(e => e.scrollWidth - e.clientWidth))`); over > 0 {
			t.Errorf("at %d px a card's content overflows it by %v px", width, over)
		}
		if width == phoneWidth {
			c.noSideways("/approvals")
		}
		name, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](`document.querySelector('form[action="/approvals/`+aliceReq+`"] button[value="Approve"]').getAttribute('aria-label')`))
		w.must(err)
		if name != "Approve Alice Requester's request for CRM access" {
			t.Errorf("Approve's accessible name: %q", name)
		}
		c.run("approvals", c.shot("approvals-context"))
		c.run("search", chromedp.SendKeys(chromedp.CSS(`#q`), "maximiliana"), chromedp.Click(chromedp.CSS(`#filter`)),
			chromedp.WaitVisible(chromedp.CSS(`#reason-`+r.ID)))
		if got := c.text("#count"); got != "1 request waits for your decision" {
			t.Errorf("total after search: %q", got)
		}
		c.open("/approvals", `#reason-`+aliceReq)
		c.run("approve", chromedp.Click(chromedp.CSS(`form[action="/approvals/`+aliceReq+`"] button[value="Approve"]`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
		if got := c.text(".notice.ok"); got != "You approved Alice Requester's request for CRM access." {
			t.Errorf("flash: %q", got)
		}
	}
}

// TestBrowserApprovalShowsCurrentAccess: the approval card says what the
// requester already has in the request's catalog ("Already has: Wiki
// editor"), and that someone else has nothing there yet; the read is
// refused to a user who approves nothing.
func TestBrowserApprovalShowsCurrentAccess(t *testing.T) {
	w := newWorld(t)
	w.wikiDelivered("alice")
	aliceReq := w.request("alice", w.crm, w.crmPolicy)
	meReq := w.request("mia", w.crm, w.crmPolicy)

	c := signedIn(t, w, "bob")
	c.open("/approvals", `li[data-request="`+aliceReq+`"] ul.held`)
	if got := c.text(`li[data-request="` + aliceReq + `"]`); !strings.Contains(got, "Already has") || !strings.Contains(got, "Wiki editor") {
		t.Errorf("Alice's card: %q", got)
	}
	if got := c.text(`li[data-request="` + meReq + `"] .held-nothing`); got != "No access in this catalog yet" {
		t.Errorf("Mia's card: %q", got)
	}
	c.run("shot", c.shot("approvals-current-access"))

	// The store read: an approver may, someone who approves nothing may not.
	reader := w.services.Requests
	if as, err := reader.TargetAccess(w.as("bob"), aliceReq); err != nil || len(as) != 1 || as[0].AccessPackageID != w.wiki {
		t.Errorf("bob reads Alice's access: %v %v", as, err)
	}
	if _, err := reader.TargetAccess(w.as("alice"), meReq); entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Errorf("another requester, who approves nothing: %v, want 403", err)
	}
}
