package ui_test

import (
	"strings"
	"testing"
	"time"

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

// TestBrowserRequestQuestions: the request form asks the policy's
// questions (in the requester's language, required ones marked); a
// required question left unanswered brings the form back with the error;
// the answers are stored with the request and the approver sees question
// and answer on the approval card.
func TestBrowserRequestQuestions(t *testing.T) {
	w := newWorld(t)
	b := newChrome(t, w, desktopWidth)
	pkg := w.pkg("Field kit", "Gear for field staff", "app-field")
	pol := &entitled.AssignmentPolicy{AccessPackageID: pkg, DisplayName: "Field staff", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true},
		RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			DurationBeforeAutomaticDenial: 7 * 24 * time.Hour,
			PrimaryApprovers:              []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: w.users["bob"].ID}}}}},
		Questions: []entitled.Question{
			{Kind: entitled.QuestionMultipleChoice, Text: "Which site?", IsRequired: true,
				Choices: []entitled.AnswerChoice{{ActualValue: "PAR", Text: "Paris"}, {ActualValue: "LYS", Text: "Lyon"}}},
			{Kind: entitled.QuestionTextInput, Text: "Badge number", IsSingleLineQuestion: true, RegexPattern: "[0-9]{4}"},
		}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), pol))
	site, badge := "q."+pol.ID+"."+pol.Questions[0].ID, "q."+pol.ID+"."+pol.Questions[1].ID

	b.signIn("alice")
	b.run("request form",
		chromedp.Navigate(w.srv.URL+"/packages/"+pkg+"/request"),
		chromedp.WaitVisible(chromedp.CSS(`select[name="`+site+`"]`)))
	if got := b.text(`label[for="` + site + `"]`); got != "Which site? (required)" {
		t.Fatalf("question label %q", got)
	}
	b.run("submit without the required answer",
		chromedp.SendKeys(chromedp.CSS(`input[name="`+badge+`"]`), "0042"),
		chromedp.Click(chromedp.CSS(`#submit-request`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.bad`)))
	if got := b.text("main"); !strings.Contains(got, `question "Which site?" must be answered`) {
		t.Fatalf("form after a missing answer: %q", got)
	}
	b.run("answer and submit",
		chromedp.SetValue(chromedp.CSS(`select[name="`+site+`"]`), "LYS"),
		chromedp.Click(chromedp.CSS(`#submit-request`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	reqs, err := w.services.Requests.Requests(w.as("alice"), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	if len(reqs.Items) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs.Items))
	}
	id := reqs.Items[0].ID
	answers, err := entitled.ParseAnswers(reqs.Items[0].Answers)
	w.must(err)
	if len(answers) != 2 || answers[0].Value != "LYS" || answers[0].DisplayValue != "Lyon" || answers[1].Value != "0042" {
		t.Fatalf("stored answers %+v", answers)
	}
	b.signOut()

	b.signIn("bob")
	b.run("approvals", chromedp.Navigate(w.srv.URL+"/approvals"), chromedp.WaitVisible(chromedp.CSS(`#reason-`+id)))
	if got := b.text(`form[action="/approvals/` + id + `"]`); got == "" {
		t.Fatal("no approval form")
	}
	if got := b.text("li.approval dl"); !strings.Contains(got, "Which site? Lyon") || !strings.Contains(got, "Badge number 0042") {
		t.Fatalf("approval card: %q", got)
	}
}
