package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

const subscriptionSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="

// eventReceiver is a subscriber's endpoint: it verifies every call with
// the Standard Webhooks library, answers slowly (so that a crash finds
// sends in flight), and keeps, per subject, the sequence numbers in the
// order they first arrived (a resend after a crash has the same id).
type eventReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   map[string]bool     // event ids
	order  map[string][]int    // subject → sequence numbers, first arrivals
	types  map[string][]string // subject → types, first arrivals
	forged int
	resent int
}

func newEventReceiver(t *testing.T, delay time.Duration) *eventReceiver {
	wh, err := standardwebhooks.NewWebhook(subscriptionSecret)
	if err != nil {
		t.Fatal(err)
	}
	r := &eventReceiver{seen: map[string]bool{}, order: map[string][]int{}, types: map[string][]string{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := wh.Verify(body, req.Header); err != nil {
			r.mu.Lock()
			r.forged++
			r.mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		time.Sleep(delay)
		var ev struct {
			ID, Type, Subject, Sequence, SpecVersion string
		}
		_ = json.Unmarshal(body, &ev)
		seq, _ := strconv.Atoi(ev.Sequence)
		r.mu.Lock()
		defer r.mu.Unlock()
		if ev.ID != req.Header.Get("webhook-id") || ev.SpecVersion != "1.0" {
			r.forged++
		}
		if r.seen[ev.ID] {
			r.resent++
		} else {
			r.seen[ev.ID] = true
			r.order[ev.Subject] = append(r.order[ev.Subject], seq)
			r.types[ev.Subject] = append(r.types[ev.Subject], ev.Type)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *eventReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// TestSubscriptionsSurviveKill subscribes a real receiver to request and
// delivery events, kills `entitled serve` with SIGKILL while events are
// being sent, starts it again on the same database, and checks that every
// event of every request arrived, signed, and in order per request.
func TestSubscriptionsSurviveKill(t *testing.T) {
	const users = 80
	const perRequest = 4 // delivering, two deliveries, delivered
	w := newWorld(t, nil, nil, "")
	rcv := newEventReceiver(t, 60*time.Millisecond)
	sub := w.admin.must(201, "POST", "/api/v1/subscriptions", map[string]any{
		"url": rcv.srv.URL + "/events", "events": []string{"assignmentRequest.*", "delivery.*"}, "secret": subscriptionSecret})
	if _, ok := sub.Body["secret"]; ok || sub.Body["secretSet"] != true {
		t.Errorf("the created subscription shows its secret: %s", sub.Raw)
	}
	requests := make([]string, users)
	for i := range requests {
		u := w.admin.must(201, "POST", "/v1.0/users", map[string]any{
			"userPrincipalName": fmt.Sprintf("ev%03d@example.com", i), "displayName": fmt.Sprintf("Ev %d", i), "accountEnabled": true})
		requests[i] = w.admin.must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "adminAdd",
			"assignment": map[string]any{"targetId": u.Str("id"), "accessPackageId": w.pkg, "assignmentPolicyId": w.policy}}).Str("id")
	}
	total := users * perRequest
	waitFor(t, 60*time.Second, "some events before the crash", func() bool { return rcv.count() >= total/5 })
	w.srv.kill()
	before := rcv.count()
	if before >= total {
		t.Fatalf("every event arrived before the crash (%d); nothing was tested", before)
	}
	t.Logf("killed with %d of %d events received", before, total)

	srv := startServer(t, w.db)
	w.admin.base = srv.base
	waitFor(t, 120*time.Second, "every event after the restart", func() bool { return rcv.count() >= total })

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.forged != 0 {
		t.Errorf("%d calls failed the signature or CloudEvents check", rcv.forged)
	}
	for _, id := range requests {
		got := fmt.Sprint(rcv.order[id])
		if got != "[1 2 3 4]" {
			t.Errorf("request %s: sequence numbers arrived as %s (%v), want [1 2 3 4]", id, got, rcv.types[id])
			continue
		}
		types := rcv.types[id]
		if types[0] != "org.entitled.assignmentRequest.delivering" || types[3] != "org.entitled.assignmentRequest.delivered" {
			t.Errorf("request %s: events %v", id, types)
		}
	}
	if len(rcv.seen) != total {
		t.Errorf("%d distinct events, want %d", len(rcv.seen), total)
	}
	t.Logf("events sent again after the crash (allowed, same id): %d", rcv.resent)

	// The deliveries of the subscription show the sends and their outcomes.
	page := w.admin.must(200, "GET", "/api/v1/subscriptions/"+sub.Str("id")+"/deliveries?$top=5", nil)
	for _, v := range page.Values() {
		if v["status"] != "succeeded" || v["responseStatus"] != float64(204) {
			t.Errorf("send %v", v)
		}
	}
}
