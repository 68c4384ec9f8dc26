package http_test

import (
	"context"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// POST /api/v1/assignmentRequests/reprocess answers 202 with the operation
// and its Location; GET there reads its progress, with every request it
// did not reprocess listed as refused; bad input is a 400 naming the
// field; the caller who may reprocess nowhere gets a 403; another user's
// operation is a 404.
func TestBulkReprocessAPI(t *testing.T) {
	e := newEnv(t)
	aliceID, aliceTok := e.newUser(t, "alice@example.com")
	bobID, _ := e.newUser(t, "bob@example.com")
	reqID := e.pendingRequest(t, bobID, aliceID, aliceTok)

	res := e.do("POST", "/api/v1/assignmentRequests/reprocess", map[string]any{"filter": "state eq 'pendingApproval'"})
	body := res.must(t, 202)
	loc := res.header.Get("Location")
	opID := str(body["id"])
	if !strings.HasSuffix(loc, "/api/v1/operations/"+opID) || body["status"] != "running" || body["total"] != float64(1) {
		t.Fatalf("Location %q, body %s", loc, res.raw)
	}
	if err := e.services.Operations.RunOperation(context.Background(), opID); err != nil {
		t.Fatal(err)
	}
	got := e.do("GET", "/api/v1/operations/"+opID, nil).must(t, 200)
	refused, _ := got["refused"].([]any)
	if got["status"] != "succeeded" || got["reprocessed"] != float64(0) || len(refused) != 1 || got["completedDateTime"] == nil {
		t.Fatalf("operation %v", got)
	}
	r := obj(refused[0])
	if r["id"] != reqID || r["code"] != entitled.CodeNotReprocessable || str(r["message"]) == "" {
		t.Fatalf("refusal %v", r)
	}
	for _, k := range []string{"id", "status", "total", "reprocessed", "refused", "createdDateTime", "completedDateTime"} {
		if _, ok := got[k]; !ok {
			t.Errorf("operation lacks %s: %v", k, got)
		}
	}

	e.doAs(aliceTok, "GET", "/api/v1/operations/"+opID, nil).graphError(t, 404, entitled.CodeNotFound)
	e.doAs(aliceTok, "POST", "/api/v1/assignmentRequests/reprocess", map[string]any{"filter": "state eq 'deliveryFailed'"}).
		graphError(t, 403, entitled.CodeForbidden)
	for body, target := range map[string]string{
		`{}`:                      "filter",
		`{"filter": "state eq"}`:  "filter",
		`{"filter": "nope eq 1"}`: "filter",
		`{"filter": 7}`:           "filter",
		`{"filter": "state eq 'deliveryFailed'", "system": "ghost"}`: "system",
	} {
		er := e.do("POST", "/api/v1/assignmentRequests/reprocess", body).graphError(t, 400, entitled.CodeBadRequest)
		if er["target"] != target {
			t.Errorf("%s: target %v, want %s (%v)", body, er["target"], target, er["message"])
		}
	}
	e.do("GET", "/api/v1/operations/nope", nil).graphError(t, 404, entitled.CodeNotFound)
}
