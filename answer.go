package entitled

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Answer is a requestor's answer to one question of a policy (Graph's
// accessPackageAnswerString). QuestionText and QuestionKind are filled by
// CheckAnswers from the question, so that readers of a request (approvers,
// emails) see what was asked.
type Answer struct {
	QuestionID   string
	QuestionKind string
	QuestionText string
	Value        string
	DisplayValue string
}

// answerJSON is the stored and wire form of an answer: Graph's
// accessPackageAnswerString.
type answerJSON struct {
	Type             string `json:"@odata.type,omitempty"`
	Value            string `json:"value"`
	DisplayValue     string `json:"displayValue,omitempty"`
	AnsweredQuestion struct {
		Type string `json:"@odata.type,omitempty"`
		ID   string `json:"id"`
		Text string `json:"text,omitempty"`
	} `json:"answeredQuestion"`
}

const (
	graphPrefix           = "#microsoft.graph."
	answerStringType      = graphPrefix + "accessPackageAnswerString"
	textInputQuestionType = graphPrefix + "accessPackageTextInputQuestion"
	choiceQuestionType    = graphPrefix + "accessPackageMultipleChoiceQuestion"
)

// QuestionODataType is the @odata.type of a question kind.
func QuestionODataType(kind string) string {
	if kind == QuestionMultipleChoice {
		return choiceQuestionType
	}
	return textInputQuestionType
}

// QuestionKindOf reads a question's @odata.type (with or without its
// "#microsoft.graph." prefix, in any case); "" when it is neither kind.
func QuestionKindOf(odataType string) string {
	t := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(odataType, "#"), "microsoft.graph."))
	switch t {
	case "accesspackagetextinputquestion":
		return QuestionTextInput
	case "accesspackagemultiplechoicequestion":
		return QuestionMultipleChoice
	}
	return ""
}

// ParseAnswers reads a JSON array of Graph accessPackageAnswerString
// objects (as a request carries them); empty input is no answers.
func ParseAnswers(raw string) ([]Answer, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var in []answerJSON
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "answers",
			Message: "answers must be an array of accessPackageAnswerString objects: {\"value\", \"answeredQuestion\": {\"id\"}}"}).WithKey("err.request.answersShape")
	}
	out := make([]Answer, len(in))
	for i, a := range in {
		out[i] = Answer{QuestionID: a.AnsweredQuestion.ID, QuestionKind: QuestionKindOf(a.AnsweredQuestion.Type),
			QuestionText: a.AnsweredQuestion.Text, Value: a.Value, DisplayValue: a.DisplayValue}
	}
	return out, nil
}

// FormatAnswers writes answers as the JSON array ParseAnswers reads, in
// Graph's form; no answers is "[]".
func FormatAnswers(as []Answer) string {
	out := make([]answerJSON, len(as))
	for i, a := range as {
		o := answerJSON{Type: answerStringType, Value: a.Value, DisplayValue: a.DisplayValue}
		o.AnsweredQuestion.ID, o.AnsweredQuestion.Text = a.QuestionID, a.QuestionText
		if a.QuestionKind != "" {
			o.AnsweredQuestion.Type = QuestionODataType(a.QuestionKind)
		}
		out[i] = o
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// CheckAnswers is the answers rule: each answer names a question of the
// policy, at most once unless the question allows several choices; every
// required question is answered with a non-empty value; a multiple-choice
// answer is one of the question's choice values; a text answer matches the
// question's regexPattern (the whole value) and, for a single-line question,
// holds no line break. Required questions bind the requestor's own
// requests (requireAll); an administrator's direct assignment may leave
// them out, but what it answers is checked the same way. It returns the answers in question order with the
// question's kind and text and, for a choice, the choice's text as display
// value; or a 400 *Error naming the first problem.
func CheckAnswers(questions []Question, answers []Answer, requireAll bool) ([]Answer, error) {
	byID := make(map[string]int, len(questions))
	for i, q := range questions {
		byID[q.ID] = i
	}
	given := make([][]Answer, len(questions))
	for i, a := range answers {
		qi, ok := byID[a.QuestionID]
		if a.QuestionID == "" || !ok {
			return nil, answerError(fmt.Sprintf("answers[%d]", i), "error.answerNoQuestion",
				fmt.Sprintf("answers[%d] answers question %q, which the policy does not ask", i, a.QuestionID), "Question", a.QuestionID)
		}
		q := questions[qi]
		if len(given[qi]) > 0 && !(q.Kind == QuestionMultipleChoice && q.IsMultipleSelectionAllowed) {
			return nil, answerError(fmt.Sprintf("answers[%d]", i), "error.answerTwice",
				fmt.Sprintf("question %q is answered twice", q.Text), "Question", q.Text)
		}
		a.QuestionKind, a.QuestionText = q.Kind, q.Text
		switch q.Kind {
		case QuestionMultipleChoice:
			c, ok := q.choice(a.Value)
			if !ok {
				return nil, answerError(fmt.Sprintf("answers[%d].value", i), "error.answerNotAChoice",
					fmt.Sprintf("%q is not one of the choices of question %q", a.Value, q.Text), "Value", a.Value, "Question", q.Text)
			}
			a.DisplayValue = c.TextIn("")
		default:
			if q.IsSingleLineQuestion && strings.ContainsAny(a.Value, "\r\n") {
				return nil, answerError(fmt.Sprintf("answers[%d].value", i), "error.answerOneLine",
					fmt.Sprintf("the answer to question %q must be a single line", q.Text), "Question", q.Text)
			}
			if q.RegexPattern != "" && a.Value != "" {
				re, err := regexp.Compile(`^(?:` + q.RegexPattern + `)$`)
				if err != nil || !re.MatchString(a.Value) {
					return nil, answerError(fmt.Sprintf("answers[%d].value", i), "error.answerPattern",
						fmt.Sprintf("the answer to question %q does not have the expected form (%s)", q.Text, q.RegexPattern),
						"Question", q.Text, "Pattern", q.RegexPattern)
				}
			}
			if a.DisplayValue == "" {
				a.DisplayValue = a.Value
			}
		}
		if strings.TrimSpace(a.Value) == "" {
			continue
		}
		given[qi] = append(given[qi], a)
	}
	var out []Answer
	for i, q := range questions {
		if requireAll && q.IsRequired && len(given[i]) == 0 {
			return nil, answerError("answers", "error.answerRequired",
				fmt.Sprintf("question %q must be answered", q.Text), "Question", q.Text)
		}
		out = append(out, given[i]...)
	}
	return out, nil
}

func answerError(target, key, msg string, pairs ...any) *Error {
	return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: msg}).WithKey(key, pairs...)
}

// RequestAnswers applies CheckAnswers to the answers an add request carries
// (its raw JSON array) under its policy and returns them as stored: in
// Graph's form with each question's text, "" when there are none. Required
// questions bind userAdd requests.
func RequestAnswers(p *AssignmentPolicy, r *AssignmentRequest) (string, error) {
	given, err := ParseAnswers(r.Answers)
	if err != nil {
		return "", err
	}
	checked, err := CheckAnswers(p.Questions, given, r.RequestType == RequestUserAdd)
	if err != nil || len(checked) == 0 {
		return "", err
	}
	return FormatAnswers(checked), nil
}
