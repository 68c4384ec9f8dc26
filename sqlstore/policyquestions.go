package sqlstore

import (
	"sort"

	"github.com/entitled-dev/entitled"
)

// A policy's questions are part of its settings document (policies.settings).

type jsonLocalized struct {
	LanguageCode string `json:"languageCode"`
	Text         string `json:"text"`
}

type jsonChoice struct {
	ActualValue   string          `json:"actualValue"`
	Text          string          `json:"text,omitempty"`
	Localizations []jsonLocalized `json:"localizations,omitempty"`
}

type jsonQuestion struct {
	ID                         string          `json:"id"`
	Kind                       string          `json:"kind"`
	Text                       string          `json:"text"`
	Localizations              []jsonLocalized `json:"localizations,omitempty"`
	Sequence                   int             `json:"sequence"`
	IsRequired                 bool            `json:"isRequired,omitempty"`
	IsAnswerEditable           bool            `json:"isAnswerEditable,omitempty"`
	IsSingleLineQuestion       bool            `json:"isSingleLineQuestion,omitempty"`
	RegexPattern               string          `json:"regexPattern,omitempty"`
	Choices                    []jsonChoice    `json:"choices,omitempty"`
	IsMultipleSelectionAllowed bool            `json:"isMultipleSelectionAllowed,omitempty"`
}

func localizedToJSON(in []entitled.LocalizedText) []jsonLocalized {
	var out []jsonLocalized
	for _, l := range in {
		out = append(out, jsonLocalized(l))
	}
	return out
}

func localizedFromJSON(in []jsonLocalized) []entitled.LocalizedText {
	var out []entitled.LocalizedText
	for _, l := range in {
		out = append(out, entitled.LocalizedText(l))
	}
	return out
}

func questionsToJSON(in []entitled.Question) []jsonQuestion {
	var out []jsonQuestion
	for _, q := range in {
		j := jsonQuestion{ID: q.ID, Kind: q.Kind, Text: q.Text, Localizations: localizedToJSON(q.Localizations), Sequence: q.Sequence,
			IsRequired: q.IsRequired, IsAnswerEditable: q.IsAnswerEditable, IsSingleLineQuestion: q.IsSingleLineQuestion,
			RegexPattern: q.RegexPattern, IsMultipleSelectionAllowed: q.IsMultipleSelectionAllowed}
		for _, c := range q.Choices {
			j.Choices = append(j.Choices, jsonChoice{ActualValue: c.ActualValue, Text: c.Text, Localizations: localizedToJSON(c.Localizations)})
		}
		out = append(out, j)
	}
	return out
}

func questionsFromJSON(in []jsonQuestion) []entitled.Question {
	var out []entitled.Question
	for _, j := range in {
		q := entitled.Question{ID: j.ID, Kind: j.Kind, Text: j.Text, Localizations: localizedFromJSON(j.Localizations), Sequence: j.Sequence,
			IsRequired: j.IsRequired, IsAnswerEditable: j.IsAnswerEditable, IsSingleLineQuestion: j.IsSingleLineQuestion,
			RegexPattern: j.RegexPattern, IsMultipleSelectionAllowed: j.IsMultipleSelectionAllowed}
		for _, c := range j.Choices {
			q.Choices = append(q.Choices, entitled.AnswerChoice{ActualValue: c.ActualValue, Text: c.Text, Localizations: localizedFromJSON(c.Localizations)})
		}
		out = append(out, q)
	}
	return out
}

// nameQuestions puts a policy's questions in sequence order (as given where
// no sequence is set), numbers them from 1 and gives an id to those that
// have none; the ids of questions a PUT sends back are kept, so answers
// given before still name their question.
func nameQuestions(p *entitled.AssignmentPolicy) {
	sort.SliceStable(p.Questions, func(i, j int) bool { return p.Questions[i].Sequence < p.Questions[j].Sequence })
	for i := range p.Questions {
		p.Questions[i].Sequence = i + 1
		if p.Questions[i].ID == "" {
			p.Questions[i].ID = newID()
		}
	}
}
