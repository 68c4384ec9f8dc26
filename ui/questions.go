package ui

import (
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Questions on the request form and answers shown to approvers
// (templates/questions.html).

// questionField is one question of a policy on the request form, in the
// reader's language, with what they entered (when the form comes back with
// an error).
type questionField struct {
	Name       string // the form field: q.<policy id>.<question id>
	Text       string
	Required   bool
	Choice     bool
	Multi      bool
	SingleLine bool
	Pattern    string
	Choices    []choiceField
	Value      string
}

// choiceField is one choice of a multiple-choice question.
type choiceField struct {
	Value, Text string
	Selected    bool
}

// questionName is the form field of a question of a policy.
func questionName(policyID, questionID string) string {
	return "q." + policyID + "." + questionID
}

// questionFields lists a policy's questions for the form in language lang,
// filled from a submitted form when there is one.
func questionFields(p entitled.AssignmentPolicy, lang string, form url.Values) []questionField {
	var out []questionField
	for _, q := range p.Questions {
		name := questionName(p.ID, q.ID)
		f := questionField{Name: name, Text: q.TextIn(lang), Required: q.IsRequired, Choice: q.Kind == entitled.QuestionMultipleChoice,
			Multi: q.IsMultipleSelectionAllowed, SingleLine: q.IsSingleLineQuestion, Pattern: q.RegexPattern, Value: form.Get(name)}
		given := map[string]bool{}
		for _, v := range form[name] {
			given[v] = true
		}
		for _, c := range q.Choices {
			f.Choices = append(f.Choices, choiceField{Value: c.ActualValue, Text: c.TextIn(lang), Selected: given[c.ActualValue]})
		}
		out = append(out, f)
	}
	return out
}

// formAnswers reads the answers to the questions of the policy policyID
// from a submitted form, as a request's answers JSON; empty fields are no
// answer. entitled.CheckAnswers judges them when the request is submitted.
func formAnswers(form url.Values, policyID string) string {
	prefix := questionName(policyID, "")
	var as []entitled.Answer
	for name, values := range form {
		id, ok := strings.CutPrefix(name, prefix)
		if !ok || id == "" {
			continue
		}
		for _, v := range values {
			if strings.TrimSpace(v) != "" {
				as = append(as, entitled.Answer{QuestionID: id, Value: v})
			}
		}
	}
	if len(as) == 0 {
		return ""
	}
	return entitled.FormatAnswers(as)
}

// storedAnswers reads a request's stored answers for display; unreadable
// answers show as none.
func storedAnswers(raw string) []entitled.Answer {
	as, _ := entitled.ParseAnswers(raw)
	return as
}
