package sqlstore

import (
	"reflect"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestPolicyQuestionsStored: a policy's questions survive the settings
// document (ids given, sequence numbered, localizations and choices kept),
// a replace keeps the ids sent back, and a request's answers are checked
// against them and stored with the question texts.
func TestPolicyQuestionsStored(t *testing.T) {
	f := newLC(t)
	p := &entitled.AssignmentPolicy{AccessPackageID: f.pkg, DisplayName: "Asks", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true},
		Questions: []entitled.Question{
			{Kind: entitled.QuestionTextInput, Text: "Badge", Sequence: 2, RegexPattern: "[0-9]+", IsSingleLineQuestion: true, IsAnswerEditable: true},
			{Kind: entitled.QuestionMultipleChoice, Text: "Site", Sequence: 1, IsRequired: true,
				Localizations: []entitled.LocalizedText{{LanguageCode: "fr", Text: "Site (fr)"}},
				Choices:       []entitled.AnswerChoice{{ActualValue: "PAR", Text: "Paris", Localizations: []entitled.LocalizedText{{LanguageCode: "fr", Text: "Paris"}}}}},
		}}
	f.must(f.s.Policies.CreatePolicy(f.sys, p))
	got, err := f.s.Policies.Policy(f.sys, p.ID)
	f.must(err)
	if len(got.Questions) != 2 || got.Questions[0].Text != "Site" || got.Questions[0].Sequence != 1 || got.Questions[1].Sequence != 2 ||
		got.Questions[0].ID == "" || got.Questions[1].ID == "" || !reflect.DeepEqual(got.Questions, p.Questions) {
		t.Fatalf("questions read back:\n got %+v\nwant %+v", got.Questions, p.Questions)
	}
	site := got.Questions[0].ID
	got.Questions[1].Text = "Badge number"
	f.must(f.s.Policies.ReplacePolicy(f.sys, got))
	again, err := f.s.Policies.Policy(f.sys, p.ID)
	f.must(err)
	if again.Questions[0].ID != site || again.Questions[1].Text != "Badge number" {
		t.Fatalf("after replace %+v", again.Questions)
	}

	submit := func(answers string) (*entitled.AssignmentRequest, error) {
		r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: p.ID, Answers: answers}
		return r, f.s.Requests.SubmitRequest(f.as(f.alice), r)
	}
	if _, err := submit(""); entitled.AsError(err).MessageKey != "error.answerRequired" {
		t.Fatalf("no answers: %v", err)
	}
	if _, err := submit(entitled.FormatAnswers([]entitled.Answer{{QuestionID: site, Value: "LYS"}})); entitled.AsError(err).MessageKey != "error.answerNotAChoice" {
		t.Fatalf("not a choice: %v", err)
	}
	var n int
	f.must(f.s.db.tQueryRow(`SELECT COUNT(*) FROM assignment_requests`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d requests stored after refusals", n)
	}
	r, err := submit(entitled.FormatAnswers([]entitled.Answer{{QuestionID: site, Value: "PAR"}}))
	f.must(err)
	stored, err := f.s.Requests.Request(f.sys, r.ID)
	f.must(err)
	as, err := entitled.ParseAnswers(stored.Answers)
	f.must(err)
	want := []entitled.Answer{{QuestionID: site, QuestionKind: entitled.QuestionMultipleChoice, QuestionText: "Site", Value: "PAR", DisplayValue: "Paris"}}
	if !reflect.DeepEqual(as, want) {
		t.Fatalf("stored answers %+v, want %+v", as, want)
	}
}
