package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserRequestFormAndDenial: the request form says what the package
// gives, how long access lasts and who approves, and asks "why" only when
// someone approves or a justification is required; the approver denies
// with a reason and the requester's page names who denied and the reason,
// never "deliveries start once approved"; "Partially delivered" looks like
// a failure, not like "Waiting for approval".
func TestBrowserRequestFormAndDenial(t *testing.T) {
	w := newWorld(t)
	c := signedIn(t, w, "alice")
	c.open("/packages/"+w.crm+"/request", `#justification`)
	form := c.text("main form")
	for _, s := range []string{"What you get", "app-crm — Member", "Access lasts", "Until you give it up or an administrator removes it",
		"Approved by", "Bob Approver (bob@example.com)", "Tell the approvers why"} {
		if !strings.Contains(form, s) {
			t.Errorf("the CRM form lacks %q: %q", s, form)
		}
	}
	c.run("request form", c.shot("request-form-terms"))
	c.open("/packages/"+w.wiki+"/request", `#submit-request`)
	if n := c.number(`document.querySelectorAll('#justification').length`); n != 0 {
		t.Error("the wiki form (no approval, no justification required) asks for a justification")
	}
	if got := c.text("main form"); !strings.Contains(got, "Nobody: access is given as soon as you submit.") {
		t.Errorf("the wiki form does not say nobody approves: %q", got)
	}

	id := w.request("alice", w.crm, w.crmPolicy)
	c.signOut()
	c.signIn("bob")
	c.open("/approvals", `#reason-`+id)
	c.run("deny", chromedp.SendKeys(chromedp.CSS(`#reason-`+id), "Sales only: ask your manager for a read-only report"),
		chromedp.Click(chromedp.CSS(`form[action="/approvals/`+id+`"] button[value="Deny"]`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	if st := w.state(id); st != entitled.StateDenied {
		t.Fatalf("request is %s after denying", st)
	}
	c.signOut()
	c.signIn("alice")
	c.open("/requests/"+id, `#denial`)
	if got := c.text("#denial"); !strings.Contains(got, "Denied by Bob Approver on") || !strings.Contains(got, "Sales only: ask your manager for a read-only report") {
		t.Errorf("denial: %q", got)
	}
	if got := c.text("main"); strings.Contains(got, "once the request is approved") {
		t.Errorf("a denied request's page says deliveries start once approved: %q", got)
	}
	c.run("denied request", c.shot("request-denied"))

	colour := func(state string) string {
		s, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](`(() => { const e = document.createElement('span'); e.className = 'badge state-`+state+
			`'; document.body.append(e); const c = getComputedStyle(e).backgroundColor; e.remove(); return c })()`))
		w.must(err)
		return s
	}
	if p, f, a := colour("partiallyDelivered"), colour("deliveryFailed"), colour("pendingApproval"); p != f || p == a {
		t.Errorf("Partially delivered is %s, Delivery failed %s, Waiting for approval %s: partial must look like a failure", p, f, a)
	}
}
