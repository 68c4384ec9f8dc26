package sqlstore

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// testSubscriptionSecret is a Standard Webhooks secret of 32 bytes.
const testSubscriptionSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="

func (f *lc) subscribe(events ...string) *entitled.Subscription {
	f.t.Helper()
	s, err := f.s.Subscriptions.CreateSubscription(f.sys, &entitled.Subscription{URL: "https://hooks.example.org/" + newID(),
		Events: events, Secret: testSubscriptionSecret})
	f.must(err)
	return s
}

// sends lists a subscription's sends, oldest first.
func (f *lc) sends(subID string) []entitled.EventSend {
	f.t.Helper()
	p, err := f.s.Subscriptions.SubscriptionSends(f.sys, subID, entitled.ListOptions{Top: 999})
	f.must(err)
	return p.Items
}

// types are the types of sends, with their subject's sequence number.
func types(sends []entitled.EventSend) []string {
	out := make([]string, len(sends))
	for i, e := range sends {
		out[i] = fmt.Sprintf("%d %s", e.Event.Sequence, e.Event.Type)
	}
	return out
}

// TestSubscriptionEventsQueuedWithChange: each lifecycle change queues, in
// its transaction, one send per event and matching subscription, numbered
// per request in the order the changes happened; a subscription gets only
// the types its patterns match.
func TestSubscriptionEventsQueuedWithChange(t *testing.T) {
	f := newLC(t)
	all := f.subscribe("*")
	some := f.subscribe("assignmentRequest.*", "delivery.failed")
	r := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	f.deliverAll(failAt(1, "no such user in mail"))
	f.wantState(r.ID, entitled.StatePartiallyDelivered)

	got := strings.Join(types(f.sends(all.ID)), ", ")
	want := "1 assignmentRequest.delivering, 2 delivery.succeeded, 3 delivery.failed, 4 assignmentRequest.partiallyDelivered"
	if got != want {
		t.Errorf("every event:\n got %s\nwant %s", got, want)
	}
	sends := f.sends(some.ID)
	got = strings.Join(types(sends), ", ")
	want = "1 assignmentRequest.delivering, 2 delivery.failed, 3 assignmentRequest.partiallyDelivered"
	if got != want {
		t.Errorf("filtered:\n got %s\nwant %s", got, want)
	}
	for _, e := range sends {
		if e.Event.Subject != r.ID || e.Status != entitled.SendPending || e.Event.ID == "" {
			t.Errorf("send %+v", e)
		}
	}
	if d := sends[1].Event.Data; d["requestId"] != r.ID || d["assignmentId"] != f.request(r.ID).AssignmentID ||
		d["assignmentId"] == "" || d["resource"] != "mail users" || d["error"] == "" {
		t.Errorf("delivery.failed data %v", d)
	}
	if d := sends[2].Event.Data; d["state"] != "partiallyDelivered" || d["previousState"] != "delivering" || d["targetId"] != f.bob.ID {
		t.Errorf("assignmentRequest.partiallyDelivered data %v", d)
	}
	// The same event has one id in every subscription.
	if all.ID == some.ID || f.sends(all.ID)[0].Event.ID != sends[0].Event.ID {
		t.Error("one event has different ids in two subscriptions")
	}

	// A refused change queues nothing: its transaction is rolled back.
	before := len(f.sends(all.ID))
	if _, err := f.add(entitled.RequestAdminAdd, f.policy, f.bob); err == nil {
		t.Fatal("a second request for a live assignment was accepted")
	}
	if n := len(f.sends(all.ID)); n != before {
		t.Errorf("a refused request queued %d sends", n-before)
	}
}

// TestSubscriptionSendsInOrder: the sender is handed only the oldest
// pending send of each subscription and subject; a failed attempt is due
// again after the backoff and holds the later events of its request back;
// after MaxSendAttempts it fails for good and the next one goes.
func TestSubscriptionSendsInOrder(t *testing.T) {
	f := newLC(t)
	sub := f.subscribe("assignmentRequest.*")
	r1 := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	r2 := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	f.deliverAll(ok)
	claim := func() map[string]entitled.EventSend {
		t.Helper()
		got, err := f.s.Subscriptions.ClaimEventSends(f.sys, 100, 30*time.Second)
		f.must(err)
		out := map[string]entitled.EventSend{}
		for _, e := range got {
			if _, dup := out[e.Event.Subject]; dup {
				t.Fatalf("two sends of request %s claimed at once", e.Event.Subject)
			}
			if e.SubscriptionURL != sub.URL || len(e.SubscriptionKey) != 32 {
				t.Errorf("send without its subscription's URL and key: %q %d", e.SubscriptionURL, len(e.SubscriptionKey))
			}
			out[e.Event.Subject] = e
		}
		return out
	}
	heads := claim()
	if len(heads) != 2 || heads[r1.ID].Event.Sequence != 1 || heads[r2.ID].Event.Sequence != 1 {
		t.Fatalf("heads %+v", heads)
	}
	if again := claim(); len(again) != 0 {
		t.Fatalf("claimed sends were claimed again within their lease: %+v", again)
	}
	// r1's first send fails, r2's succeeds.
	f.must(f.s.Subscriptions.RecordEventSend(f.sys, heads[r1.ID].ID, entitled.SendOutcome{ResponseStatus: 503, Err: errors.New("HTTP 503: busy")}))
	f.must(f.s.Subscriptions.RecordEventSend(f.sys, heads[r2.ID].ID, entitled.SendOutcome{ResponseStatus: 204}))
	next := claim()
	if len(next) != 1 || next[r2.ID].Event.Type != "assignmentRequest.delivered" {
		t.Fatalf("after r1's failure: %+v, want only r2's next event", next)
	}
	f.must(f.s.Subscriptions.RecordEventSend(f.sys, next[r2.ID].ID, entitled.SendOutcome{ResponseStatus: 200}))
	f.now = f.now.Add(entitled.SendBackoff(1))
	retry := claim()
	if len(retry) != 1 || retry[r1.ID].ID != heads[r1.ID].ID || retry[r1.ID].Attempts != 1 {
		t.Fatalf("after the backoff: %+v, want r1's first send again", retry)
	}
	// It keeps failing until it fails for good.
	id := retry[r1.ID].ID
	for n := 1; n < entitled.MaxSendAttempts; n++ {
		f.must(f.s.Subscriptions.RecordEventSend(f.sys, id, entitled.SendOutcome{Err: errors.New("connection refused")}))
		f.now = f.now.Add(3 * time.Hour)
		if n < entitled.MaxSendAttempts-1 {
			if got := claim(); got[r1.ID].ID != id {
				t.Fatalf("attempt %d: %+v", n+1, got)
			}
		}
	}
	last := claim()
	if last[r1.ID].Event.Type != "assignmentRequest.delivered" {
		t.Fatalf("after the first send failed for good: %+v", last)
	}
	sends := f.sends(sub.ID)
	if sends[0].Status != entitled.SendFailed || sends[0].Attempts != entitled.MaxSendAttempts || sends[0].LastError != "connection refused" {
		t.Errorf("failed send %+v", sends[0])
	}
}

// TestSubscriptionAdministration: only tenant administrators manage
// subscriptions; the secret is never read back; bad input is a 400 naming
// the property; a deleted subscription takes its sends with it.
func TestSubscriptionAdministration(t *testing.T) {
	f := newLC(t)
	for _, u := range []*entitled.User{f.admin, f.reader, f.alice} {
		_, err := f.s.Subscriptions.CreateSubscription(f.as(u), &entitled.Subscription{URL: "https://x.example.org/",
			Events: []string{"*"}, Secret: testSubscriptionSecret})
		wantCode(t, err, entitled.KindForbidden, "")
		_, err = f.s.Subscriptions.Subscriptions(f.as(u), entitled.ListOptions{})
		wantCode(t, err, entitled.KindForbidden, "")
	}
	_, err := f.s.Subscriptions.CreateSubscription(f.sys, &entitled.Subscription{URL: "https://x.example.org/",
		Events: []string{"request.*"}, Secret: testSubscriptionSecret})
	if e := wantCode(t, err, entitled.KindInvalid, ""); e.Target != "events" {
		t.Errorf("target %q", e.Target)
	}
	sub := f.subscribe("*")
	if sub.Secret != "" {
		t.Error("create returned the secret")
	}
	got, err := f.s.Subscriptions.Subscription(f.sys, sub.ID)
	f.must(err)
	list, err := f.s.Subscriptions.Subscriptions(f.sys, entitled.ListOptions{})
	f.must(err)
	if got.Secret != "" || len(list.Items) != 1 || list.Items[0].Secret != "" || got.URL != sub.URL {
		t.Errorf("read back %+v, list %+v", got, list.Items)
	}
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	if len(f.sends(sub.ID)) == 0 {
		t.Fatal("no sends queued")
	}
	f.must(f.s.Subscriptions.DeleteSubscription(f.sys, sub.ID))
	var n int
	f.must(f.s.db.SQL.QueryRow(`SELECT COUNT(*) FROM subscription_sends`).Scan(&n))
	if n != 0 {
		t.Errorf("%d sends left after the subscription was deleted", n)
	}
	_, err = f.s.Subscriptions.Subscription(f.sys, sub.ID)
	wantCode(t, err, entitled.KindNotFound, "")
}

// TestSubscriptionEventsOfBatchedSubmissions: submissions that arrive
// together and are written as one batch are events like any other.
func TestSubscriptionEventsOfBatchedSubmissions(t *testing.T) {
	f := newLC(t)
	sub := f.subscribe("assignmentRequest.*")
	a, err := f.s.Tokens.ActorFor(f.sys, f.admin.ID)
	f.must(err)
	var subs []*submission
	for _, u := range []*entitled.User{f.bob, f.alice} {
		subs = append(subs, &submission{ctx: f.as(f.admin), a: a, r: entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd,
			AssignmentPolicyID: f.policy, TargetID: u.ID}})
	}
	out := f.s.Requests.submitAdds(f.sys, subs)
	subjects := map[string]bool{}
	for i, o := range out {
		f.must(o.err)
		subjects[o.r.ID] = true
		if o.r.State != entitled.StateDelivering {
			t.Fatalf("submission %d: %s", i, o.r.State)
		}
	}
	sends := f.sends(sub.ID)
	if len(sends) != 2 {
		t.Fatalf("sends %v, want one assignmentRequest.delivering per request", types(sends))
	}
	for _, e := range sends {
		if !subjects[e.Event.Subject] || e.Event.Type != "assignmentRequest.delivering" || e.Event.Sequence != 1 {
			t.Errorf("send %+v", e.Event)
		}
	}
}

// TestSubscriptionEventsOfApprovalAndRemoval: a stage started and decided,
// and the assignment a removal ends, are events of their request.
func TestSubscriptionEventsOfApprovalAndRemoval(t *testing.T) {
	f := newLC(t)
	sub := f.subscribe("approvalStage.*", "assignmentRequest.*", "assignment.expired")
	p := f.approvalPolicy(approvedBy(f.approver))
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	stages, err := f.s.Approvals.ApprovalStages(f.sys, r.ID)
	f.must(err)
	f.must(f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, stages[0].ID, entitled.ReviewApprove, "fine"))
	f.deliverAll(ok)
	rm := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove, AssignmentID: f.request(r.ID).AssignmentID}
	f.must(f.s.Requests.SubmitRequest(f.as(f.admin), rm))
	f.deliverAll(ok)

	bySubject := map[string][]string{}
	var decided entitled.Event
	for _, e := range f.sends(sub.ID) {
		bySubject[e.Event.Subject] = append(bySubject[e.Event.Subject], fmt.Sprintf("%d %s", e.Event.Sequence, e.Event.Type))
		if e.Event.Type == entitled.EventStageApproved {
			decided = e.Event
		}
	}
	want := "[1 assignmentRequest.pendingApproval 2 approvalStage.pending 3 approvalStage.approved 4 assignmentRequest.delivering 5 assignmentRequest.delivered]"
	if got := fmt.Sprint(bySubject[r.ID]); got != want {
		t.Errorf("request:\n got %s\nwant %s", got, want)
	}
	want = "[1 assignmentRequest.delivering 2 assignmentRequest.delivered 3 assignment.expired]"
	if got := fmt.Sprint(bySubject[rm.ID]); got != want {
		t.Errorf("removal:\n got %s\nwant %s", got, want)
	}
	if decided.Data["reviewerId"] != f.approver.ID || decided.Data["justification"] != "fine" || decided.Data["stage"] != float64(1) {
		t.Errorf("decision data %v", decided.Data)
	}
}
