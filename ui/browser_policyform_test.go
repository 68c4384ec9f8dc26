package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/entitled-dev/entitled"
)

// buildTwoStagePolicy adds, through the policy form, "Payroll approval" to
// the package: stage 1 the members of Sales approvers (found by typing the
// start of the group's name and pressing Enter), escalating after 2 days to
// Rea (found by her user principal name); stage 2 Mia. It leaves the
// browser on the Policies tab.
func buildTwoStagePolicy(c *chrome, pkg, group string) {
	c.t.Helper()
	c.open("/governance/packages/"+pkg+"/policies", `#add-policy-link`)
	c.run("open the form", chromedp.Click(chromedp.CSS(`#add-policy-link`)), chromedp.WaitVisible(chromedp.CSS(`#no-approval`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Payroll approval"),
		chromedp.Click(chromedp.CSS(`#add-stage`)), chromedp.WaitVisible(chromedp.CSS(`#stage-1`)))
	c.run("find the group with Enter", chromedp.SendKeys(chromedp.CSS(`#s1-primary-q`), "Sales"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#s1-primary-results`)))
	if got := c.text(`#s1-primary-results`); !strings.Contains(got, "Members of Sales approvers") || !strings.Contains(got, "The requestor's manager") {
		c.t.Errorf("search results: %q", got)
	}
	c.run("pick the group", chromedp.Click(chromedp.CSS(`button[value="pick:s1.primary:group:`+group+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul#s1-primary-chosen`)))
	if got := c.text(`#s1-primary-chosen`); !strings.Contains(got, "Members of Sales approvers") {
		c.t.Errorf("stage 1 approvers: %q", got)
	}
	rea := c.w.users["rea"].ID
	c.run("escalation", chromedp.Click(chromedp.CSS(`#s1-escalate`)), chromedp.SetValue(chromedp.CSS(`#s1-escalate-days`), "2"),
		chromedp.SendKeys(chromedp.CSS(`#s1-escalation-q`), "rea@"), chromedp.Click(chromedp.CSS(`#s1-escalation-search`)),
		chromedp.WaitVisible(chromedp.CSS(`#s1-escalation-results`)),
		chromedp.Click(chromedp.CSS(`button[value="pick:s1.escalation:user:`+rea+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul#s1-escalation-chosen`)))
	c.run("second stage", chromedp.Click(chromedp.CSS(`#add-stage`)), chromedp.WaitVisible(chromedp.CSS(`#stage-2`)),
		chromedp.SendKeys(chromedp.CSS(`#s2-primary-q`), "Mia"), chromedp.Click(chromedp.CSS(`#s2-primary-search`)),
		chromedp.WaitVisible(chromedp.CSS(`#s2-primary-results`)),
		chromedp.Click(chromedp.CSS(`button[value="pick:s2.primary:user:`+c.w.users["mia"].ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul#s2-primary-chosen`)))
	if got := c.text(`#s1-escalation-chosen`); !strings.Contains(got, "Rea Reader") {
		c.t.Errorf("stage 1 escalation approvers after adding stage 2: %q", got)
	}
	c.run("the form", c.shot("policy-form"))
	c.run("save", chromedp.Click(chromedp.CSS(`#save-policy`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
}

// payrollWorld adds the Payroll package (no policy) and the Sales
// approvers group, bob in it.
func payrollWorld(w *world) (pkg, group string) {
	return w.pkg("Payroll", "Run the payroll", "app-payroll"), policyFormWorld(w)
}

// TestBrowserPolicyForm: an administrator builds a two-stage policy with a
// group approver found by search and an escalation approver; the Policies
// tab shows it; a requester requests under it and the group's member sees
// it in Approvals; editing the policy (rename, days) shows the change.
func TestBrowserPolicyForm(t *testing.T) {
	w := newWorld(t)
	pkg, group := payrollWorld(w)
	c := newChrome(t, w, desktopWidth)
	c.signIn("admin")
	buildTwoStagePolicy(c, pkg, group)
	tab := c.text(`main`)
	for _, s := range []string{"Payroll approval", "Required, 2 stages", "Stage 1", "Members of Sales approvers", "Escalates after",
		"2 days to Rea Reader", "Stage 2", "Mia Manager"} {
		if !strings.Contains(tab, s) {
			t.Errorf("the Policies tab lacks %q: %q", s, tab)
		}
	}
	c.signOut()

	c.signIn("alice")
	c.open("/packages/"+pkg+"/request", `#justification`)
	c.run("request", chromedp.SendKeys(chromedp.CSS(`#justification`), "I pay the staff"),
		chromedp.Click(chromedp.CSS(`#submit-request`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	reqs, err := w.services.Requests.Requests(w.as("alice"), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	if len(reqs.Items) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs.Items))
	}
	id := reqs.Items[0].ID
	c.signOut()

	c.signIn("bob")
	c.open("/approvals", `#reason-`+id)
	if got := c.text(`li[data-request="` + id + `"]`); !strings.Contains(got, "Payroll approval") {
		t.Errorf("bob's approval card: %q", got)
	}
	c.signOut()

	c.signIn("admin")
	pols := w.policiesOf(pkg)
	if len(pols) != 1 {
		t.Fatalf("%d policies of Payroll, want 1", len(pols))
	}
	c.open("/governance/packages/"+pkg+"/policies", `#edit-policy-`+pols[0].ID)
	c.run("edit", chromedp.Click(chromedp.CSS(`#edit-policy-`+pols[0].ID)), chromedp.WaitVisible(chromedp.CSS(`#stage-2`)),
		chromedp.SetValue(chromedp.CSS(`#name`), "Payroll, two approvals"), chromedp.SetValue(chromedp.CSS(`#s1-deny`), "9"),
		c.shot("policy-edit"),
		chromedp.Click(chromedp.CSS(`#save-policy`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	tab = c.text(`main`)
	for _, s := range []string{"The policy was saved.", "Payroll, two approvals", "9 days", "Members of Sales approvers", "2 days to Rea Reader", "Mia Manager"} {
		if !strings.Contains(tab, s) {
			t.Errorf("the Policies tab after editing lacks %q: %q", s, tab)
		}
	}
}

// TestBrowserPolicyFormPhone: at 390 px the policy form, with two stages
// and search results, stays within the screen.
func TestBrowserPolicyFormPhone(t *testing.T) {
	w := newWorld(t)
	pkg, group := payrollWorld(w)
	c := newChrome(t, w, phoneWidth)
	c.suffix = "-phone"
	c.signIn("admin")
	buildTwoStagePolicy(c, pkg, group)
	pols := w.policiesOf(pkg)
	if len(pols) != 1 {
		t.Fatalf("%d policies of Payroll, want 1", len(pols))
	}
	c.open("/governance/packages/"+pkg+"/policies/"+pols[0].ID+"/edit", `#stage-2`)
	c.run("search", chromedp.SendKeys(chromedp.CSS(`#s2-escalation-q`), "a"), chromedp.Click(chromedp.CSS(`#s2-escalation-search`)),
		chromedp.WaitVisible(chromedp.CSS(`#s2-escalation-results`)), c.shot("policy-edit"))
	c.noSideways("the policy form")
}
