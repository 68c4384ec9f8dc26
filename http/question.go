package http

import (
	"github.com/entitled-dev/entitled"
)

// localizedTextWire is Graph's accessPackageLocalizedText.
type localizedTextWire struct {
	LanguageCode string `json:"languageCode"`
	Text         string `json:"text"`
}

// answerChoiceWire is Graph's accessPackageAnswerChoice.
type answerChoiceWire struct {
	ActualValue   string              `json:"actualValue"`
	Text          string              `json:"text"`
	Localizations []localizedTextWire `json:"localizations"`
}

// questionWire is Graph's accessPackageQuestion, both subtypes: the text
// input fields are written for text questions, the choice fields for
// multiple-choice questions.
type questionWire struct {
	Type                       string              `json:"@odata.type"`
	ID                         string              `json:"id"`
	Text                       string              `json:"text"`
	Localizations              []localizedTextWire `json:"localizations"`
	Sequence                   int                 `json:"sequence"`
	IsRequired                 bool                `json:"isRequired"`
	IsAnswerEditable           bool                `json:"isAnswerEditable"`
	IsSingleLineQuestion       *bool               `json:"isSingleLineQuestion,omitempty"`
	RegexPattern               *string             `json:"regexPattern,omitempty"`
	Choices                    []answerChoiceWire  `json:"choices,omitempty"`
	IsMultipleSelectionAllowed *bool               `json:"isMultipleSelectionAllowed,omitempty"`
}

func toLocalized(in []entitled.LocalizedText) []localizedTextWire {
	out := make([]localizedTextWire, 0, len(in))
	for _, l := range in {
		out = append(out, localizedTextWire(l))
	}
	return out
}

func fromLocalized(in []localizedTextWire) []entitled.LocalizedText {
	var out []entitled.LocalizedText
	for _, l := range in {
		out = append(out, entitled.LocalizedText(l))
	}
	return out
}

func toQuestions(in []entitled.Question) []questionWire {
	out := make([]questionWire, 0, len(in))
	for _, q := range in {
		w := questionWire{Type: entitled.QuestionODataType(q.Kind), ID: q.ID, Text: q.Text, Localizations: toLocalized(q.Localizations),
			Sequence: q.Sequence, IsRequired: q.IsRequired, IsAnswerEditable: q.IsAnswerEditable}
		if q.Kind == entitled.QuestionMultipleChoice {
			multi := q.IsMultipleSelectionAllowed
			w.IsMultipleSelectionAllowed = &multi
			w.Choices = make([]answerChoiceWire, 0, len(q.Choices))
			for _, c := range q.Choices {
				w.Choices = append(w.Choices, answerChoiceWire{ActualValue: c.ActualValue, Text: c.Text, Localizations: toLocalized(c.Localizations)})
			}
		} else {
			single, re := q.IsSingleLineQuestion, q.RegexPattern
			w.IsSingleLineQuestion, w.RegexPattern = &single, &re
		}
		out = append(out, w)
	}
	return out
}

// fromQuestions reads a policy's questions; the kind comes from @odata.type
// (entitled.AssignmentPolicy.Validate refuses an unknown one).
func fromQuestions(in []questionWire) []entitled.Question {
	var out []entitled.Question
	for _, w := range in {
		q := entitled.Question{ID: w.ID, Kind: entitled.QuestionKindOf(w.Type), Text: w.Text, Localizations: fromLocalized(w.Localizations),
			Sequence: w.Sequence, IsRequired: w.IsRequired, IsAnswerEditable: w.IsAnswerEditable}
		if w.IsSingleLineQuestion != nil {
			q.IsSingleLineQuestion = *w.IsSingleLineQuestion
		}
		if w.RegexPattern != nil {
			q.RegexPattern = *w.RegexPattern
		}
		if w.IsMultipleSelectionAllowed != nil {
			q.IsMultipleSelectionAllowed = *w.IsMultipleSelectionAllowed
		}
		for _, c := range w.Choices {
			q.Choices = append(q.Choices, entitled.AnswerChoice{ActualValue: c.ActualValue, Text: c.Text, Localizations: fromLocalized(c.Localizations)})
		}
		out = append(out, q)
	}
	return out
}
