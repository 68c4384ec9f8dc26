package entitled_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// questions is a policy's questions as in Graph's policy examples: a
// multiple-choice question and a text question with a pattern.
var questions = []entitled.Question{
	{ID: "state", Kind: entitled.QuestionMultipleChoice, Text: "What state are you from?", IsRequired: true,
		Localizations: []entitled.LocalizedText{{LanguageCode: "fr", Text: "De quel État venez-vous ?"}},
		Choices:       []entitled.AnswerChoice{{ActualValue: "AZ", Text: "Arizona"}, {ActualValue: "CA", Text: "California"}}},
	{ID: "badge", Kind: entitled.QuestionTextInput, Text: "Badge number", RegexPattern: `[0-9]{4}`, IsSingleLineQuestion: true},
	{ID: "sites", Kind: entitled.QuestionMultipleChoice, Text: "Sites", IsMultipleSelectionAllowed: true,
		Choices: []entitled.AnswerChoice{{ActualValue: "paris"}, {ActualValue: "lyon"}}},
}

func TestCheckAnswers(t *testing.T) {
	az := entitled.Answer{QuestionID: "state", Value: "AZ"}
	for _, c := range []struct {
		name       string
		answers    []entitled.Answer
		requireAll bool
		want       entitled.Kind
		wantTarget string
		wantKey    string
	}{
		{"required answered", []entitled.Answer{az}, true, allowed, "", ""},
		{"required missing", []entitled.Answer{{QuestionID: "badge", Value: "1234"}}, true, entitled.KindInvalid, "answers", "error.answerRequired"},
		{"required blank", []entitled.Answer{{QuestionID: "state", Value: " "}}, true, entitled.KindInvalid, "answers[0].value", "error.answerNotAChoice"},
		{"admin may leave required out", nil, false, allowed, "", ""},
		{"unknown question", []entitled.Answer{az, {QuestionID: "nope", Value: "x"}}, true, entitled.KindInvalid, "answers[1]", "error.answerNoQuestion"},
		{"no question id", []entitled.Answer{{Value: "x"}}, false, entitled.KindInvalid, "answers[0]", "error.answerNoQuestion"},
		{"not a choice", []entitled.Answer{{QuestionID: "state", Value: "Arizona"}}, true, entitled.KindInvalid, "answers[0].value", "error.answerNotAChoice"},
		{"answered twice", []entitled.Answer{az, {QuestionID: "state", Value: "CA"}}, true, entitled.KindInvalid, "answers[1]", "error.answerTwice"},
		{"several choices allowed", []entitled.Answer{az, {QuestionID: "sites", Value: "paris"}, {QuestionID: "sites", Value: "lyon"}}, true, allowed, "", ""},
		{"pattern matched", []entitled.Answer{az, {QuestionID: "badge", Value: "0042"}}, true, allowed, "", ""},
		{"pattern matches the whole value", []entitled.Answer{az, {QuestionID: "badge", Value: "00421"}}, true, entitled.KindInvalid, "answers[1].value", "error.answerPattern"},
		{"single line", []entitled.Answer{az, {QuestionID: "badge", Value: "0042\n"}}, true, entitled.KindInvalid, "answers[1].value", "error.answerOneLine"},
		{"optional text left empty", []entitled.Answer{az, {QuestionID: "badge", Value: ""}}, true, allowed, "", ""},
	} {
		_, err := entitled.CheckAnswers(questions, c.answers, c.requireAll)
		if kindOf(err) != c.want {
			t.Errorf("%s: CheckAnswers = %v, want kind %v", c.name, err, c.want)
			continue
		}
		if err != nil {
			e := entitled.AsError(err)
			if e.Target != c.wantTarget || e.MessageKey != c.wantKey {
				t.Errorf("%s: target %q key %q, want %q %q", c.name, e.Target, e.MessageKey, c.wantTarget, c.wantKey)
			}
		}
	}
}

// TestCheckAnswersFillsQuestions: the stored answers say what was asked, in
// the policy's order, with a choice's text as display value.
func TestCheckAnswersFillsQuestions(t *testing.T) {
	got, err := entitled.CheckAnswers(questions, []entitled.Answer{{QuestionID: "badge", Value: "0042"}, {QuestionID: "state", Value: "CA", DisplayValue: "forged"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []entitled.Answer{
		{QuestionID: "state", QuestionKind: entitled.QuestionMultipleChoice, QuestionText: "What state are you from?", Value: "CA", DisplayValue: "California"},
		{QuestionID: "badge", QuestionKind: entitled.QuestionTextInput, QuestionText: "Badge number", Value: "0042", DisplayValue: "0042"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("CheckAnswers = %+v, want %+v", got, want)
	}
	back, err := entitled.ParseAnswers(entitled.FormatAnswers(got))
	if err != nil || len(back) != 2 || back[0] != want[0] || back[1] != want[1] {
		t.Fatalf("FormatAnswers/ParseAnswers round trip = %+v, %v", back, err)
	}
}

func TestQuestionTextIn(t *testing.T) {
	q := questions[0]
	for lang, want := range map[string]string{"": "What state are you from?", "fr": "De quel État venez-vous ?",
		"fr-CA": "De quel État venez-vous ?", "de": "What state are you from?"} {
		if got := q.TextIn(lang); got != want {
			t.Errorf("TextIn(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := questions[2].Choices[0].TextIn("fr"); got != "paris" {
		t.Errorf("a choice without text shows its value, got %q", got)
	}
}

func TestPolicyValidateQuestions(t *testing.T) {
	text := func(q entitled.Question) entitled.Question {
		if q.Kind == "" {
			q.Kind = entitled.QuestionTextInput
		}
		if q.Text == "" {
			q.Text = "Why?"
		}
		return q
	}
	choice := func(values ...string) entitled.Question {
		q := entitled.Question{Kind: entitled.QuestionMultipleChoice, Text: "Which?"}
		for _, v := range values {
			q.Choices = append(q.Choices, entitled.AnswerChoice{ActualValue: v})
		}
		return q
	}
	for _, c := range []struct {
		name    string
		qs      []entitled.Question
		wantErr string
	}{
		{"none", nil, ""},
		{"text and choice", []entitled.Question{text(entitled.Question{}), choice("a", "b")}, ""},
		{"no text", []entitled.Question{{Kind: entitled.QuestionTextInput}}, "text is required"},
		{"no kind", []entitled.Question{{Text: "x"}}, "@odata.type must be"},
		{"no choices", []entitled.Question{choice()}, "at least one choice"},
		{"empty choice value", []entitled.Question{choice("a", "")}, "actualValue"},
		{"duplicate choice", []entitled.Question{choice("a", "a")}, "appears twice"},
		{"bad regex", []entitled.Question{text(entitled.Question{RegexPattern: "("})}, "regexPattern does not compile"},
		{"duplicate id", []entitled.Question{text(entitled.Question{ID: "q"}), text(entitled.Question{ID: "q"})}, "used by another question"},
		{"too many", make([]entitled.Question, entitled.MaxQuestions+1), "at most"},
	} {
		p := entitled.AssignmentPolicy{DisplayName: "p", AllowedTargetScope: entitled.ScopeAllMemberUsers, Questions: c.qs}
		err := p.Validate()
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: Validate = %v, want nil", c.name, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr) || entitled.AsError(err).Target != "questions"):
			t.Errorf("%s: Validate = %v, want an error on questions containing %q", c.name, err, c.wantErr)
		}
	}
}
