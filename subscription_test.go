package entitled

import (
	"strings"
	"testing"
	"time"
)

// TestMatchEventType is the filter rule of subscriptions.
func TestMatchEventType(t *testing.T) {
	for _, c := range []struct {
		pattern, typ string
		want         bool
	}{
		{"*", "delivery.failed", true},
		{"assignmentRequest.*", "assignmentRequest.delivered", true},
		{"assignmentRequest.*", "approvalStage.pending", false},
		{"assignmentRequest.*", "assignmentRequestX.delivered", false},
		{"delivery.failed", "delivery.failed", true},
		{"delivery.failed", "delivery.succeeded", false},
		{"org.entitled.delivery.failed", "delivery.failed", true},
		{"org.entitled.system.*", "system.suspended", true},
		{"system", "system.suspended", false},
	} {
		if got := MatchEventType(c.pattern, c.typ); got != c.want {
			t.Errorf("MatchEventType(%q, %q) = %v, want %v", c.pattern, c.typ, got, c.want)
		}
	}
	if !Subscribed([]string{"delivery.failed", "system.*"}, "system.resumed") || Subscribed([]string{"delivery.failed"}, "system.resumed") {
		t.Error("Subscribed does not apply MatchEventType to each pattern")
	}
}

// TestSubscriptionValidate: a precise 400 naming the property for each
// mistake.
func TestSubscriptionValidate(t *testing.T) {
	good := func() Subscription {
		return Subscription{URL: "https://hooks.example.org/entitled", Events: []string{"assignmentRequest.*", "delivery.failed"},
			Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	}
	s := good()
	if err := s.Validate(); err != nil {
		t.Fatalf("a good subscription: %v", err)
	}
	for _, c := range []struct {
		name, target string
		change       func(*Subscription)
	}{
		{"relative URL", "url", func(s *Subscription) { s.URL = "/hook" }},
		{"ftp URL", "url", func(s *Subscription) { s.URL = "ftp://example.org/x" }},
		{"no events", "events", func(s *Subscription) { s.Events = nil }},
		{"a typo", "events", func(s *Subscription) { s.Events = []string{"delivery.failled"} }},
		{"an unknown family", "events", func(s *Subscription) { s.Events = []string{"request.*"} }},
		{"no secret", "secret", func(s *Subscription) { s.Secret = "" }},
		{"short secret", "secret", func(s *Subscription) { s.Secret = "whsec_c2hvcnQ=" }},
		{"huge secret", "secret", func(s *Subscription) { s.Secret = strings.Repeat("x", 513) }},
		{"bad base64", "secret", func(s *Subscription) { s.Secret = "whsec_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" }},
	} {
		s := good()
		c.change(&s)
		err := s.Validate()
		e, ok := err.(*Error)
		if !ok || e.Kind != KindInvalid || e.Target != c.target || e.MessageKey == "" {
			t.Errorf("%s: %#v, want a 400 on %s with a catalogue key", c.name, err, c.target)
		}
	}
}

// TestRequestEvent: every state a request enters is an event, numbered by
// nothing yet (the store numbers them per subscription), and a change that
// keeps the state is none.
func TestRequestEvent(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	r := &AssignmentRequest{ID: "r1", RequestType: RequestUserAdd, State: StateDelivered, TargetID: "u1"}
	ev, ok := RequestEvent(StateChange{Request: r, Before: StateDelivering, At: at})
	if !ok || ev.Type != "assignmentRequest.delivered" || ev.Subject != "r1" || ev.Data["previousState"] != "delivering" || !ev.Time.Equal(at) {
		t.Errorf("delivered: %+v %v", ev, ok)
	}
	r.State = StatePendingApproval
	if ev, ok := RequestEvent(StateChange{Request: r, At: at}); !ok || ev.Type != "assignmentRequest.pendingApproval" ||
		ev.Data["previousState"] != nil {
		t.Errorf("new request: %+v %v", ev, ok)
	}
	if _, ok := RequestEvent(StateChange{Request: r, Before: StatePendingApproval, At: at}); ok {
		t.Error("a change that keeps the state made an event")
	}
	for _, typ := range EventTypes() {
		if !KnownEventPattern(typ) {
			t.Errorf("%s is not a known pattern", typ)
		}
	}
}

// TestSendBackoff: one second doubled per failed attempt, capped.
func TestSendBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second, 40: 2 * time.Hour} {
		if got := SendBackoff(n); got != want {
			t.Errorf("SendBackoff(%d) = %v, want %v", n, got, want)
		}
	}
}
