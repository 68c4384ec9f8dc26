package entitled

import (
	"fmt"
	"regexp"
	"strings"
)

// Question kinds (Graph's accessPackageQuestion subtypes, without the
// "accessPackage" prefix and "Question" suffix).
const (
	QuestionTextInput      = "textInput"
	QuestionMultipleChoice = "multipleChoice"
)

// MaxQuestions is the most questions a policy may ask.
const MaxQuestions = 20

// LocalizedText is a text in one language (Graph's accessPackageLocalizedText).
type LocalizedText struct {
	LanguageCode string
	Text         string
}

// AnswerChoice is one choice of a multiple-choice question (Graph's
// accessPackageAnswerChoice): the value stored in an answer and the text shown.
type AnswerChoice struct {
	ActualValue   string
	Text          string
	Localizations []LocalizedText
}

// Question is a question a policy asks requestors (Graph's
// accessPackageTextInputQuestion or accessPackageMultipleChoiceQuestion).
type Question struct {
	ID               string
	Kind             string // textInput | multipleChoice
	Text             string
	Localizations    []LocalizedText
	Sequence         int
	IsRequired       bool
	IsAnswerEditable bool
	// Text input only.
	IsSingleLineQuestion bool
	RegexPattern         string
	// Multiple choice only.
	Choices                    []AnswerChoice
	IsMultipleSelectionAllowed bool
}

// TextIn is the question's text in the language lang ("fr", "fr-CA"),
// falling back to its default text.
func (q Question) TextIn(lang string) string {
	return localized(q.Text, q.Localizations, lang)
}

// TextIn is the choice's text in the language lang, falling back to its
// default text, then to its value.
func (c AnswerChoice) TextIn(lang string) string {
	if t := localized(c.Text, c.Localizations, lang); t != "" {
		return t
	}
	return c.ActualValue
}

func localized(def string, in []LocalizedText, lang string) string {
	if lang == "" {
		return def
	}
	base, _, _ := strings.Cut(lang, "-")
	for _, want := range []string{lang, base} {
		for _, l := range in {
			if strings.EqualFold(l.LanguageCode, want) && l.Text != "" {
				return l.Text
			}
		}
	}
	return def
}

// choice returns the choice whose value is v.
func (q Question) choice(v string) (AnswerChoice, bool) {
	for _, c := range q.Choices {
		if c.ActualValue == v {
			return c, true
		}
	}
	return AnswerChoice{}, false
}

// validateQuestions is the questions part of AssignmentPolicy.Validate: each
// question has a kind and a text, a multiple-choice question has distinct
// non-empty choice values, a regex pattern compiles, ids are distinct.
func validateQuestions(qs []Question) error {
	const target = "questions"
	if len(qs) > MaxQuestions {
		return &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target,
			Message: fmt.Sprintf("a policy asks at most %d questions", MaxQuestions)}
	}
	ids := map[string]bool{}
	for i, q := range qs {
		bad := func(format string, args ...any) error {
			return &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target,
				Message: fmt.Sprintf("questions[%d]: ", i) + fmt.Sprintf(format, args...)}
		}
		if q.ID != "" {
			if ids[q.ID] {
				return bad("id %s is used by another question", q.ID)
			}
			ids[q.ID] = true
		}
		if strings.TrimSpace(q.Text) == "" {
			return bad("text is required")
		}
		switch q.Kind {
		case QuestionTextInput:
			if len(q.Choices) > 0 {
				return bad("a text input question has no choices")
			}
			if q.RegexPattern != "" {
				if _, err := regexp.Compile(q.RegexPattern); err != nil {
					return bad("regexPattern does not compile: %v", err)
				}
			}
		case QuestionMultipleChoice:
			if len(q.Choices) == 0 {
				return bad("a multiple choice question needs at least one choice")
			}
			values := map[string]bool{}
			for _, c := range q.Choices {
				if strings.TrimSpace(c.ActualValue) == "" {
					return bad("every choice needs an actualValue")
				}
				if values[c.ActualValue] {
					return bad("choice value %q appears twice", c.ActualValue)
				}
				values[c.ActualValue] = true
			}
			if q.RegexPattern != "" {
				return bad("regexPattern applies to text input questions only")
			}
		default:
			return bad("@odata.type must be #microsoft.graph.accessPackageTextInputQuestion or #microsoft.graph.accessPackageMultipleChoiceQuestion")
		}
	}
	return nil
}
