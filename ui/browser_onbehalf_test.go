package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserRequestOnBehalf: under a policy that lets Alice request for
// others, the request form offers "For someone else"; a request for Bob is
// a userAdd whose target is Bob, and a refusal names the person, never
// their id.
func TestBrowserRequestOnBehalf(t *testing.T) {
	w := newWorld(t)
	pay := w.pkg("Payroll", "Pay slips", "app-payroll")
	p := &entitled.AssignmentPolicy{AccessPackageID: pay, DisplayName: "Helpdesk", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableOnBehalfRequestorsToAddAccess: true,
			OnBehalfRequestors: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: w.users["alice"].ID}}},
		Expiration: entitled.Expiration{Type: entitled.ExpirationNone}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), p))

	c := signedIn(t, w, "alice")
	c.open("/packages/"+pay+"/request", `#for`)
	if got := c.text(`#for-hint`); !strings.Contains(got, "Helpdesk") {
		t.Errorf("on-behalf hint: %q", got)
	}
	c.run("request for bob", chromedp.SendKeys(chromedp.CSS(`#for`), w.users["bob"].UserPrincipalName), c.shot("request-on-behalf"),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	rs, err := w.services.Requests.Requests(w.sys(), entitled.RequestQuery{})
	w.must(err)
	found := false
	for _, r := range rs.Items {
		if r.AccessPackageID == pay && r.TargetID == w.users["bob"].ID && r.RequestorID == w.users["alice"].ID {
			found = true
		}
	}
	if !found {
		t.Fatal("no request for Bob by Alice")
	}
	c.signOut()

	// Bob may not ask for Alice: refused with her name.
	b := w.signIn("bob")
	refused := b.submit("/packages/"+pay+"/request", map[string][]string{"policy": {p.ID}, "for": {w.users["alice"].UserPrincipalName}}).
		see(t, 403, "You may not request access for Alice Requester under the policy Helpdesk.")
	if strings.Contains(refused.body, w.users["alice"].ID) {
		t.Error("the refusal shows the user's id")
	}
	// The wiki policy has no on-behalf requests: no field.
	if strings.Contains(b.get("/packages/"+w.wiki+"/request").body, `id="for"`) {
		t.Error("a policy without on-behalf requests offers the field")
	}
}
