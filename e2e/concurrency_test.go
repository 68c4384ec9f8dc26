package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// action is one API call of a race.
type action struct {
	name   string
	c      *client
	method string
	path   string
	body   any
}

// race sends every action at the same moment (goroutines released together
// after each has built its request) and returns the responses in order.
func race(t *testing.T, actions []action) []response {
	t.Helper()
	out := make([]response, len(actions))
	errs := make([]error, len(actions))
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	for i, a := range actions {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			var rd io.Reader
			if a.body != nil {
				b, _ := json.Marshal(a.body)
				rd = bytes.NewReader(b)
			}
			req, err := http.NewRequest(a.method, a.c.base+a.path, rd)
			if err != nil {
				errs[i] = err
				ready.Done()
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+a.c.token)
			ready.Done()
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			out[i] = response{Status: resp.StatusCode, Raw: string(raw)}
			if len(raw) > 0 {
				if err := json.Unmarshal(raw, &out[i].Body); err != nil {
					errs[i] = fmt.Errorf("status %d, body is not JSON: %q", resp.StatusCode, raw)
				}
			}
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", actions[i].name, err)
		}
	}
	return out
}

// stateChangesFrom counts the audit events of a request that move it out of
// state from.
func stateChangesFrom(c *client, requestID, from string) []string {
	audits := c.must(200, "GET", "/v1.0/auditLogs/directoryAudits?$filter="+
		urlq("targetResources/any(t: t/id eq '"+requestID+"')")+"&$top=999", nil).Values()
	var out []string
	for _, a := range audits {
		targets, _ := a["targetResources"].([]any)
		for _, tr := range targets {
			tm, _ := tr.(map[string]any)
			props, _ := tm["modifiedProperties"].([]any)
			for _, p := range props {
				pm, _ := p.(map[string]any)
				if pm["displayName"] == "state" && pm["oldValue"] == from && pm["newValue"] != from {
					out = append(out, fmt.Sprintf("%s: %s → %s", a["activityDisplayName"], pm["oldValue"], pm["newValue"]))
				}
			}
		}
	}
	return out
}

// checkRace asserts that exactly one of the allowed winners succeeded and
// every other call was refused with 400 or 409 and a Graph error naming the
// request; it returns the winner's name.
func checkRace(t *testing.T, requestID string, actions []action, rs []response, mayWin map[string]bool) string {
	t.Helper()
	winner := ""
	for i, r := range rs {
		a := actions[i]
		if r.Status >= 200 && r.Status < 300 {
			if winner != "" {
				t.Errorf("request %s: both %s and %s succeeded", requestID, winner, a.name)
			}
			if !mayWin[a.name] {
				t.Errorf("request %s: %s succeeded, but it is not allowed in this state: %d %s", requestID, a.name, r.Status, r.Raw)
			}
			winner = a.name
			continue
		}
		if r.Status != 400 && r.Status != 409 {
			t.Errorf("request %s: losing %s answered %d, want 400 or 409: %s", requestID, a.name, r.Status, r.Raw)
		}
		if r.ErrorCode() == "" || !strings.Contains(r.ErrorMessage(), requestID) {
			t.Errorf("request %s: losing %s has no clear Graph error naming the request: %s", requestID, a.name, r.Raw)
		}
	}
	if winner == "" {
		t.Errorf("request %s: nobody won: %v", requestID, rs)
	}
	return winner
}

// logLosers logs the refusals of a race.
func logLosers(t *testing.T, state string, actions []action, rs []response) {
	t.Helper()
	for i, r := range rs {
		if r.Status >= 300 {
			t.Logf("%s: %s lost: %d %s: %s", state, actions[i].name, r.Status, r.ErrorCode(), r.ErrorMessage())
		}
	}
}

// TestConcurrentDecisionsAcrossReplicas sends approve, cancel and reprocess
// for one request to three replicas at the same moment, for requests in
// pendingApproval (approve or cancel may win) and in partiallyDelivered
// (reprocess or cancel may win): exactly one wins, the others get 409 or
// 400 with a Graph error, and the audit log shows one state change out of
// the state the request was in.
func TestConcurrentDecisionsAcrossReplicas(t *testing.T) {
	const rounds, replicas = 4, 3
	var names []string
	for i := range 2 * rounds {
		names = append(names, fmt.Sprintf("u%d", i))
	}
	names = append(names, "bob")
	rw := newReplicaWorld(t, replicas, []string{"--rescue-after", "5s", "--job-timeout", "2s"}, names, "bob")
	w := rw.world
	wins := map[string]int{}

	stageOf := func(req string) string {
		var stages []map[string]any
		waitFor(t, 10*time.Second, "the approval stage of "+req, func() bool {
			stages = w.clients["bob"].must(200, "GET", em+"/accessPackageAssignmentApprovals/"+req+"/stages", nil).Values()
			return len(stages) == 1
		})
		return stages[0]["id"].(string)
	}
	actionsFor := func(round int, user, req, stage string) []action {
		return []action{
			{name: "approve", c: rw.on(w.clients["bob"], round%replicas), method: "PATCH",
				path: em + "/accessPackageAssignmentApprovals/" + req + "/stages/" + stage,
				body: map[string]any{"reviewResult": "Approve", "justification": "ok"}},
			{name: "cancel", c: rw.on(w.clients[user], (round+1)%replicas), method: "POST",
				path: em + "/assignmentRequests/" + req + "/cancel"},
			{name: "reprocess", c: rw.on(w.admin, (round+2)%replicas), method: "POST",
				path: em + "/assignmentRequests/" + req + "/reprocess"},
		}
	}

	for round := range rounds {
		// pendingApproval: approve against cancel (reprocess is never allowed).
		user := names[2*round]
		req := w.request(user)
		stage := stageOf(req)
		acts := actionsFor(round, user, req, stage)
		rs := race(t, acts)
		winner := checkRace(t, req, acts, rs, map[string]bool{"approve": true, "cancel": true})
		wins["pendingApproval/"+winner]++
		logLosers(t, "pendingApproval", acts, rs)
		if ch := stateChangesFrom(w.admin, req, "pendingApproval"); len(ch) != 1 {
			t.Errorf("request %s: %d state changes out of pendingApproval, want 1: %v", req, len(ch), ch)
		}
		want := map[string]string{"approve": "delivered", "cancel": "canceled"}[winner]
		if r := w.admin.waitState(req, 30*time.Second, "delivered", "canceled", "partiallyDelivered", "deliveryFailed", "denied"); want != "" && r.Str("state") != want {
			t.Errorf("request %s: %s won, state %s, want %s", req, winner, r.Str("state"), want)
		}

		// partiallyDelivered: reprocess against cancel (approve is decided).
		user = names[2*round+1]
		w.target.fail("app-b", 503)
		req = w.request(user)
		stage = stageOf(req)
		w.approve("bob", req)
		if r := w.admin.waitState(req, 30*time.Second, "partiallyDelivered", "delivered", "deliveryFailed"); r.Str("state") != "partiallyDelivered" {
			t.Fatalf("request %s: %s, want partiallyDelivered", req, r.Raw)
		}
		w.target.fail("app-b", 0)
		acts = actionsFor(round, user, req, stage)
		rs = race(t, acts)
		winner = checkRace(t, req, acts, rs, map[string]bool{"reprocess": true, "cancel": true})
		wins["partiallyDelivered/"+winner]++
		if ch := stateChangesFrom(w.admin, req, "partiallyDelivered"); len(ch) != 1 {
			t.Errorf("request %s: %d state changes out of partiallyDelivered, want 1: %v", req, len(ch), ch)
		}
		want = map[string]string{"reprocess": "delivered", "cancel": "canceled"}[winner]
		if r := w.admin.waitState(req, 30*time.Second, "delivered", "canceled"); want != "" && r.Str("state") != want {
			t.Errorf("request %s: %s won, state %s, want %s", req, winner, r.Str("state"), want)
		}
		logLosers(t, "partiallyDelivered", acts, rs)
	}
	t.Logf("winners: %v", wins)
}
