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
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target,
			Message: fmt.Sprintf("a policy asks at most %d questions", MaxQuestions)}).WithKey("err.question.tooMany", "Max", MaxQuestions)
	}
	ids := map[string]bool{}
	for i, q := range qs {
		if q.ID != "" {
			if ids[q.ID] {
				return badQuestion(i, "id %s is used by another question", q.ID).WithKey("err.question.duplicateId", "Index", i, "ID", q.ID)
			}
			ids[q.ID] = true
		}
		if strings.TrimSpace(q.Text) == "" {
			return badQuestion(i, "text is required").WithKey("err.question.noText", "Index", i)
		}
		switch q.Kind {
		case QuestionTextInput:
			if len(q.Choices) > 0 {
				return badQuestion(i, "a text input question has no choices").WithKey("err.question.textHasChoices", "Index", i)
			}
			if q.RegexPattern != "" {
				if _, err := regexp.Compile(q.RegexPattern); err != nil {
					return badQuestion(i, "regexPattern does not compile: %v", err).WithKey("err.question.badPattern", "Index", i, "Problem", err)
				}
			}
		case QuestionMultipleChoice:
			if len(q.Choices) == 0 {
				return badQuestion(i, "a multiple choice question needs at least one choice").WithKey("err.question.noChoices", "Index", i)
			}
			values := map[string]bool{}
			for _, c := range q.Choices {
				if strings.TrimSpace(c.ActualValue) == "" {
					return badQuestion(i, "every choice needs an actualValue").WithKey("err.question.emptyChoice", "Index", i)
				}
				if values[c.ActualValue] {
					return badQuestion(i, "choice value %q appears twice", c.ActualValue).WithKey("err.question.duplicateChoice", "Index", i, "Value", c.ActualValue)
				}
				values[c.ActualValue] = true
			}
			if q.RegexPattern != "" {
				return badQuestion(i, "regexPattern applies to text input questions only").WithKey("err.question.patternTextOnly", "Index", i)
			}
		default:
			return badQuestion(i, "@odata.type must be #microsoft.graph.accessPackageTextInputQuestion or #microsoft.graph.accessPackageMultipleChoiceQuestion").WithKey("err.question.badType", "Index", i)
		}
	}
	return nil
}

// badQuestion is the 400 for question i of a policy; callers add the
// message key.
//
//i18n:keyed-by-caller
func badQuestion(i int, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "questions",
		Message: fmt.Sprintf("questions[%d]: ", i) + fmt.Sprintf(format, args...)}
}
