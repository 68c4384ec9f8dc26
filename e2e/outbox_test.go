package e2e

import (
	"testing"
	"time"
)

// TestNotificationsWithoutSMTPAreRecorded serves without --smtp: the
// notifier has no sender, so the approver's message is recorded in the
// outbox (status "recorded") instead of being sent.
func TestNotificationsWithoutSMTPAreRecorded(t *testing.T) {
	w := newWorld(t, nil, []string{"alice", "bob"}, "bob")
	w.request("alice")
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := w.admin.must(200, "GET", "/api/v1/notifications?$top=100", nil).Values()
		for _, m := range out {
			if m["recipientId"] == w.users["bob"] && m["event"] == "approvalPending" && m["status"] == "recorded" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recorded approval message for bob in the outbox: %v\nserver log:\n%s", out, tail(w.srv.Logs(), 40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
