package http_test

import (
	"context"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// deliverRequest records success for every delivery of a request, as the
// delivery engine would.
func (e *env) deliverRequest(t *testing.T, reqID string) {
	t.Helper()
	var runs []entitled.DeliveryRun
	for _, d := range list(e.do("GET", "/api/v1/assignmentRequests/"+reqID+"/deliveries", nil).must(t, 200)["value"]) {
		runs = append(runs, entitled.DeliveryRun{ID: str(obj(d)["id"]), Run: int(obj(d)["run"].(float64))})
	}
	var outcomes []entitled.DeliveryOutcome
	for _, r := range runs {
		outcomes = append(outcomes, entitled.DeliveryOutcome{DeliveryID: r.ID, Run: r.Run, Final: true, At: time.Now()})
	}
	if err := e.services.Deliveries.RecordDeliveryOutcomes(context.Background(), outcomes); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateRequestsOverGraph: a userUpdate with Graph's body extends the
// caller's delivered assignment within the policy's limit (201 submitted,
// then delivered, the assignment's end moved); one past the limit is a 400
// naming the field; Graph's adminUpdate example (answers, assignment id)
// is accepted and its answers stored.
func TestUpdateRequestsOverGraph(t *testing.T) {
	e := newEnv(t)
	_, aliceTok := e.newUser(t, "alice@example.com")
	apID := e.groupPackage(t, "Ops")
	pol := e.do("POST", em+"/assignmentPolicies", map[string]any{"displayName": "Ops staff", "allowedTargetScope": "allMemberUsers",
		"accessPackage": map[string]any{"id": apID}, "expiration": map[string]any{"type": "afterDuration", "duration": "P30D"},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfUpdateAccess": true, "allowCustomAssignmentSchedule": true},
		"questions":         []any{map[string]any{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "text": "Project?", "isAnswerEditable": true}},
	}).must(t, 201)
	polID, qID := str(pol["id"]), str(obj(list(pol["questions"])[0])["id"])
	add := e.doAs(aliceTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": apID, "assignmentPolicyId": polID}}).must(t, 201)
	e.deliverRequest(t, str(add["id"]))
	asID := str(obj(e.do("GET", em+"/assignmentRequests/"+str(add["id"])+"?$expand=assignment", nil).must(t, 200)["assignment"])["id"])

	tooLong := e.doAs(aliceTok, "POST", em+"/assignmentRequests", `{"requestType": "UserUpdate", "assignment": {"id": "`+asID+`"},
		"schedule": {"expiration": {"type": "afterDuration", "duration": "P60D"}}}`)
	if tgt := tooLong.graphError(t, 400, "BadRequest")["target"]; tgt != "schedule.expiration.duration" {
		t.Errorf("past the limit: target %v", tgt)
	}
	upd := e.doAs(aliceTok, "POST", em+"/assignmentRequests", `{"requestType": "userUpdate", "assignment": {"id": "`+asID+`"},
		"justification": "the project runs longer",
		"schedule": {"expiration": {"type": "afterDuration", "duration": "P14D"}}}`).must(t, 201)
	if upd["requestType"] != "userUpdate" || upd["state"] != "submitted" {
		t.Fatalf("update request %v", upd)
	}
	done := e.do("GET", em+"/assignmentRequests/"+str(upd["id"]), nil).must(t, 200)
	if done["state"] != "delivered" {
		t.Fatalf("update after submit: %v", done)
	}
	as := e.do("GET", em+"/assignments/"+asID, nil).must(t, 200)
	end, err := time.Parse(time.RFC3339, str(obj(obj(as["schedule"])["expiration"])["endDateTime"]))
	if err != nil || end.Sub(time.Now()) < 13*24*time.Hour || end.Sub(time.Now()) > 14*24*time.Hour {
		t.Errorf("assignment schedule after the update: %v", as["schedule"])
	}

	// Graph's "Request an update to answers for an assignment" example.
	admin := e.do("POST", em+"/assignmentRequests", `{
		"@odata.type": "#microsoft.graph.accessPackageAssignmentRequest",
		"requestType": "adminUpdate",
		"answers": [{"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": "My updated answer.",
			"displayValue": "This is my updated answer to the question.",
			"answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "`+qID+`"}}],
		"assignment": {"id": "`+asID+`"}}`).must(t, 201)
	got := e.do("GET", em+"/assignmentRequests/"+str(admin["id"]), nil).must(t, 200)
	answers := list(got["answers"])
	if got["state"] != "delivered" || len(answers) != 1 || obj(answers[0])["value"] != "My updated answer." ||
		obj(obj(answers[0])["answeredQuestion"])["text"] != "Project?" {
		t.Errorf("adminUpdate %v", got)
	}
}
