package events

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/directory"
	"github.com/entitled-dev/entitled/delivery"
	"github.com/entitled-dev/entitled/internal/storetest"
	"github.com/entitled-dev/entitled/sqlstore"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="

// store opens a real SQLite store whose clock the test sets.
func store(t *testing.T) (*sqlstore.Services, *time.Time) {
	t.Helper()
	db := storetest.Open(t)
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	queue, err := delivery.NewQueue(db.SQL, db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.NewServices(db, sqlstore.Config{Queue: queue,
		Connectors: connectors.NewRegistry(directory.NewKind(sqlstore.NewMembership(db)))})
	if err != nil {
		t.Fatal(err)
	}
	return s, &now
}

// receiver is a real HTTP receiver that verifies every call with the
// Standard Webhooks library and answers with the next status of plan
// (then 204).
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	plan   []int
	events []CloudEvent
	forged int
}

func newReceiver(t *testing.T, plan ...int) *receiver {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{t: t, plan: plan}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := wh.Verify(body, req.Header); err != nil || req.Header.Get("Content-Type") != ContentType {
			r.forged++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		status := http.StatusNoContent
		if len(r.plan) > 0 {
			status, r.plan = r.plan[0], r.plan[1:]
		}
		if status/100 == 2 {
			var ev CloudEvent
			if err := json.Unmarshal(body, &ev); err != nil {
				r.t.Errorf("not a CloudEvent: %v: %s", err, body)
			}
			r.events = append(r.events, ev)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []CloudEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]CloudEvent(nil), r.events...)
}

var sys = entitled.NewContext(context.Background(), entitled.SystemActor)

// pauseResume makes two events of the built-in directory system.
func pauseResume(t *testing.T, s *sqlstore.Services) {
	t.Helper()
	if _, err := s.Systems.PauseSystem(sys, sqlstore.DirectorySystemID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Systems.ResumeSystem(sys, sqlstore.DirectorySystemID); err != nil {
		t.Fatal(err)
	}
}

// TestSenderSendsSignedCloudEvents: a receiver verifying with a Standard
// Webhooks library gets CloudEvents 1.0 of the subscribed types, in order,
// with entitled's base URL as source; a subscription with the wrong secret
// is refused by it.
func TestSenderSendsSignedCloudEvents(t *testing.T) {
	s, _ := store(t)
	rcv := newReceiver(t)
	sub, err := s.Subscriptions.CreateSubscription(sys, &entitled.Subscription{URL: rcv.srv.URL + "/hook", Events: []string{"system.*"}, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	other := "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
	forged, err := s.Subscriptions.CreateSubscription(sys, &entitled.Subscription{URL: rcv.srv.URL + "/hook", Events: []string{"system.paused"}, Secret: other})
	if err != nil {
		t.Fatal(err)
	}
	pauseResume(t, s)
	sender, err := New(s.Subscriptions, "https://entitled.example.org", nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := sender.SendDue(sys); err != nil {
			t.Fatal(err)
		}
	}
	got := rcv.received()
	if len(got) != 2 {
		t.Fatalf("received %d events, want 2: %+v", len(got), got)
	}
	for i, want := range []string{"org.entitled.system.paused", "org.entitled.system.resumed"} {
		ev := got[i]
		if ev.SpecVersion != "1.0" || ev.Type != want || ev.Source != "https://entitled.example.org" || ev.ID == "" ||
			ev.Subject != sqlstore.DirectorySystemID || ev.Sequence != []string{"1", "2"}[i] || ev.Data["state"] == nil {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
	if rcv.forged != 1 {
		t.Errorf("the receiver refused %d calls, want the one signed with another secret", rcv.forged)
	}
	sends, err := s.Subscriptions.SubscriptionSends(sys, sub.ID, entitled.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sends.Items {
		if e.Status != entitled.SendSucceeded || e.ResponseStatus != 204 || e.Attempts != 1 || e.SentDateTime == nil {
			t.Errorf("send %+v", e)
		}
	}
	bad, _ := s.Subscriptions.SubscriptionSends(sys, forged.ID, entitled.ListOptions{})
	if len(bad.Items) != 1 || bad.Items[0].Status != entitled.SendPending || bad.Items[0].ResponseStatus != 401 ||
		bad.Items[0].LastError == "" {
		t.Errorf("refused send %+v", bad.Items)
	}
}

// TestSenderRetriesInOrder: a receiver that fails gets the event again
// after the backoff, and the next event of the same subject only after it.
func TestSenderRetriesInOrder(t *testing.T) {
	s, now := store(t)
	rcv := newReceiver(t, 503, 500)
	if _, err := s.Subscriptions.CreateSubscription(sys, &entitled.Subscription{URL: rcv.srv.URL, Events: []string{"*"}, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	pauseResume(t, s)
	sender, _ := New(s.Subscriptions, "https://entitled.example.org", nil)
	send := func() int {
		n, err := sender.SendDue(sys)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := send(); n != 1 || len(rcv.received()) != 0 {
		t.Fatalf("first round: %d sent, %d received", n, len(rcv.received()))
	}
	if n := send(); n != 0 {
		t.Fatalf("sent %d before the backoff ended (the next event must wait too)", n)
	}
	*now = now.Add(entitled.SendBackoff(1))
	send() // 500
	*now = now.Add(entitled.SendBackoff(2))
	send() // 204
	send() // the next event
	got := rcv.received()
	if len(got) != 2 || got[0].Type != "org.entitled.system.paused" || got[1].Type != "org.entitled.system.resumed" {
		t.Fatalf("received %+v", got)
	}
}
