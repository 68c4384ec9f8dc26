package http_test

import (
	"testing"
)

// TestPolicyQuestionsAndAnswers: a policy's questions, sent as in Graph's
// "Create assignmentPolicy" example, are stored and returned; a request
// answers them as in Graph's "Create accessPackageAssignmentRequest"
// example 3; answers that do not fit the questions are a 400 naming the
// answer, and the stored answers carry the question texts.
func TestPolicyQuestionsAndAnswers(t *testing.T) {
	e := newEnv(t)
	_, aliceTok := e.newUser(t, "alice@example.com")
	apID := e.groupPackage(t, "Field")
	pol := e.do("POST", em+"/assignmentPolicies", `{
		"displayName": "Field staff", "allowedTargetScope": "allMemberUsers",
		"accessPackage": {"id": "`+apID+`"},
		"requestorSettings": {"enableTargetsToSelfAddAccess": true},
		"questions": [
			{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "isRequired": true, "sequence": 1,
			 "text": "What state are you from?",
			 "localizations": [{"text": "¿De qué estado eres?", "languageCode": "es"}],
			 "choices": [
				{"actualValue": "AZ", "text": "Arizona", "localizations": [{"text": "Arizona", "languageCode": "es"}]},
				{"actualValue": "CA", "text": "California", "localizations": [{"text": "California", "languageCode": "es"}]}],
			 "isMultipleSelectionAllowed": false},
			{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "isRequired": false, "sequence": 2,
			 "text": "Badge number", "isSingleLineQuestion": true, "regexPattern": "[0-9]{4}", "isAnswerEditable": true}
		]}`).must(t, 201)
	polID := str(pol["id"])
	got := e.do("GET", em+"/assignmentPolicies/"+polID, nil).must(t, 200)
	qs := list(got["questions"])
	if len(qs) != 2 {
		t.Fatalf("questions %v", got["questions"])
	}
	state, badge := obj(qs[0]), obj(qs[1])
	stateID, badgeID := str(state["id"]), str(badge["id"])
	if stateID == "" || badgeID == "" || state["@odata.type"] != "#microsoft.graph.accessPackageMultipleChoiceQuestion" ||
		state["isRequired"] != true || len(list(state["choices"])) != 2 || obj(list(state["localizations"])[0])["languageCode"] != "es" ||
		badge["@odata.type"] != "#microsoft.graph.accessPackageTextInputQuestion" || badge["regexPattern"] != "[0-9]{4}" ||
		badge["isSingleLineQuestion"] != true || badge["isAnswerEditable"] != true {
		t.Fatalf("questions read back %v", qs)
	}

	// A PUT that sends the questions back keeps their ids.
	got["questions"] = qs
	put := e.do("PUT", em+"/assignmentPolicies/"+polID, got).must(t, 200)
	if str(obj(list(put["questions"])[0])["id"]) != stateID {
		t.Errorf("PUT changed question ids: %v", put["questions"])
	}

	request := func(answers string) response {
		return e.doAs(aliceTok, "POST", em+"/assignmentRequests", `{
			"@odata.type": "#microsoft.graph.accessPackageAssignmentRequest", "requestType": "userAdd",
			"answers": `+answers+`,
			"assignment": {"accessPackageId": "`+apID+`", "assignmentPolicyId": "`+polID+`"}}`)
	}
	answer := func(qType, qID, value string) string {
		return `{"@odata.type": "#microsoft.graph.accessPackageAnswerString", "displayValue": "shown", "value": "` + value +
			`", "answeredQuestion": {"@odata.type": "#microsoft.graph.` + qType + `", "id": "` + qID + `"}}`
	}
	choice := func(v string) string { return answer("accessPackageMultipleChoiceQuestion", stateID, v) }
	text := func(v string) string { return answer("accessPackageTextInputQuestion", badgeID, v) }
	for _, c := range []struct{ name, answers, target string }{
		{"required question unanswered", "[" + text("1234") + "]", "answers"},
		{"no answers", "[]", "answers"},
		{"not a choice", "[" + choice("Arizona") + "]", "answers[0].value"},
		{"unknown question", "[" + choice("AZ") + "," + answer("accessPackageTextInputQuestion", "nope", "x") + "]", "answers[1]"},
		{"pattern", "[" + choice("AZ") + "," + text("12a4") + "]", "answers[1].value"},
		{"not an array", `{"value": "AZ"}`, "answers"},
	} {
		r := request(c.answers)
		body := r.graphError(t, 400, "BadRequest")
		if tgt := body["target"]; tgt != c.target {
			t.Errorf("%s: target %v, want %s (%s)", c.name, tgt, c.target, r.raw)
		}
	}

	created := request("["+choice("CA")+","+text("0042")+"]").must(t, 201)
	stored := e.do("GET", em+"/assignmentRequests/"+str(created["id"]), nil).must(t, 200)
	answers := list(stored["answers"])
	if len(answers) != 2 {
		t.Fatalf("stored answers %v", stored["answers"])
	}
	a0, a1 := obj(answers[0]), obj(answers[1])
	q0 := obj(a0["answeredQuestion"])
	if a0["@odata.type"] != "#microsoft.graph.accessPackageAnswerString" || a0["value"] != "CA" || a0["displayValue"] != "California" ||
		q0["id"] != stateID || q0["text"] != "What state are you from?" || q0["@odata.type"] != "#microsoft.graph.accessPackageMultipleChoiceQuestion" ||
		a1["value"] != "0042" || obj(a1["answeredQuestion"])["text"] != "Badge number" {
		t.Errorf("stored answers %v", answers)
	}
	if stored["requestType"] != "userAdd" {
		t.Errorf("request %v", stored)
	}
}

// TestPolicyQuestionsRefused: a question Graph would not accept is a 400
// on questions, and nothing is stored.
func TestPolicyQuestionsRefused(t *testing.T) {
	e := newEnv(t)
	apID := e.newPackage()
	for name, q := range map[string]string{
		"no type":      `{"text": "Why?"}`,
		"no text":      `{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion"}`,
		"no choices":   `{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "text": "Which?", "choices": []}`,
		"bad pattern":  `{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "text": "Why?", "regexPattern": "("}`,
		"choice twice": `{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "text": "Which?", "choices": [{"actualValue": "a"}, {"actualValue": "a"}]}`,
	} {
		r := e.do("POST", em+"/assignmentPolicies", `{"displayName": "P", "allowedTargetScope": "allMemberUsers",
			"accessPackage": {"id": "`+apID+`"}, "questions": [`+q+`]}`)
		if tgt := r.graphError(t, 400, "BadRequest")["target"]; tgt != "questions" {
			t.Errorf("%s: target %v (%s)", name, tgt, r.raw)
		}
	}
	if n := len(list(e.do("GET", em+"/assignmentPolicies", nil).must(t, 200)["value"])); n != 0 {
		t.Errorf("%d policies stored", n)
	}
}
