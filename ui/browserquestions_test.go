package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

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
