package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/mailpittest"
)

// inbox returns the messages Mailpit holds for one address, by subject.
func inbox(t *testing.T, mp *mailpittest.Server, addr string) map[string]mailpittest.Message {
	t.Helper()
	out := map[string]mailpittest.Message{}
	for _, m := range mp.Messages(t) {
		for _, to := range m.To {
			if strings.EqualFold(to.Address, addr) {
				out[m.Subject] = m
			}
		}
	}
	return out
}

// waitMail waits until addr has received a message whose subject starts
// with prefix, and returns it.
func waitMail(t *testing.T, mp *mailpittest.Server, addr, prefix string) mailpittest.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for subj, m := range inbox(t, mp, addr) {
			if strings.HasPrefix(subj, prefix) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for subj := range inbox(t, mp, addr) {
				got = append(got, subj)
			}
			t.Fatalf("%s received no message %q…; it has %q", addr, prefix, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNotificationsThroughSMTP runs the request lifecycle against a real
// `entitled serve` sending through a real SMTP server (Mailpit): the
// approver is asked, the requester told of the approval, the delivery and
// the failure, the managers told to reprocess with the deadline, reminded
// before it, and the requester told when the window has passed.
func TestNotificationsThroughSMTP(t *testing.T) {
	mp := mailpittest.Start(t)
	base := "https://entitled.example.org"
	w := newWorld(t, []string{"--smtp", mp.URL("none", "", ""), "--mail-from", "Entitled <noreply@example.org>",
		"--base-url", base, "--reprocess-window", "6s", "--reprocess-reminder", "3s"}, []string{"alice", "bob"}, "bob")

	// 1. The approver is asked, with who, what, why and the one link.
	id := w.request("alice")
	ask := waitMail(t, mp, "bob@example.com", "Approval needed: Alice requests CRM access")
	if !strings.Contains(ask.Text, "I need the CRM for my work") || !strings.Contains(ask.Text, base+"/approvals") {
		t.Errorf("approval request text lacks the justification or the link:\n%s", ask.Text)
	}
	if !strings.Contains(ask.HTML, `href="`+base+`/approvals"`) {
		t.Errorf("approval request HTML lacks the link:\n%s", ask.HTML)
	}
	if ask.From.Address != "noreply@example.org" || !strings.HasSuffix(ask.MessageID, "@entitled.example.org") {
		t.Errorf("from %v, Message-ID %q", ask.From, ask.MessageID)
	}
	if _, ok := inbox(t, mp, "alice@example.com")["Approval needed: Alice requests CRM access"]; ok {
		t.Error("the requester was asked to approve their own request")
	}

	// 2. Approved, then delivered: the requester is told both.
	w.approve("bob", id)
	waitMail(t, mp, "alice@example.com", "Approved: CRM access")
	w.admin.waitState(id, 20*time.Second, "delivered")
	got := waitMail(t, mp, "alice@example.com", "Access granted: CRM access")
	if !strings.Contains(got.Text, base+"/requests/"+id) {
		t.Errorf("delivered message links elsewhere:\n%s", got.Text)
	}

	// 3. A failed delivery: the requester is told which resource failed and
	// that the managers know; the catalog's owner (no package managers)
	// is told to reprocess by the deadline, reminded before it, and the
	// requester is told when the window has passed.
	removeAccess(t, w, "alice")
	waitMail(t, mp, "alice@example.com", "Access removed: CRM access")
	w.target.fail("app-b", 400)
	id2 := w.request("alice")
	w.approve("bob", id2)
	w.admin.waitState(id2, 30*time.Second, "partiallyDelivered")
	partial := waitMail(t, mp, "alice@example.com", "Partly delivered: CRM access")
	if !strings.Contains(partial.Text, "app-b") || !strings.Contains(partial.Text, "managers of the package have been told") {
		t.Errorf("partial delivery message:\n%s", partial.Text)
	}
	mgr := waitMail(t, mp, "admin@example.com", "Reprocess needed: CRM access for Alice")
	if !strings.Contains(mgr.Text, "app-b") || !strings.Contains(mgr.Text, "Reprocess it by") ||
		!strings.Contains(mgr.Text, base+"/governance/requests/"+id2) {
		t.Errorf("managers' message lacks the failed resource, the deadline or the link:\n%s", mgr.Text)
	}
	waitMail(t, mp, "admin@example.com", "Reprocess by ")
	passed := waitMail(t, mp, "alice@example.com", "Request again: CRM access")
	if !strings.Contains(passed.Text, base+"/packages/"+w.pkg+"/request") {
		t.Errorf("window-passed message lacks the link to request again:\n%s", passed.Text)
	}

	// 4. The outbox lists what was sent, for administrators only.
	out := w.admin.must(200, "GET", "/api/v1/notifications?$top=100", nil).Values()
	sent := 0
	for _, m := range out {
		if m["status"] == "sent" {
			sent++
		}
	}
	if sent < 7 {
		t.Errorf("outbox lists %d sent messages, want at least 7: %v", sent, out)
	}
	w.clients["alice"].must(403, "GET", "/api/v1/notifications", nil)
}

// removeAccess removes the user's delivered assignments (and waits for
// the removals): one open request per package and user, so a second
// request needs the first assignment gone.
func removeAccess(t *testing.T, w *world, user string) {
	t.Helper()
	as := w.clients[user].must(200, "GET", em+"/assignments/filterByCurrentUser(on='target')", nil).Values()
	for _, a := range as {
		if a["state"] != "delivered" {
			continue
		}
		r := w.clients[user].must(201, "POST", em+"/assignmentRequests", map[string]any{
			"requestType": "UserRemove", "assignment": map[string]any{"id": a["id"]}})
		w.admin.waitState(r.Str("id"), 20*time.Second, "delivered")
	}
}

// TestEscalationAndRemindersThroughSMTP: with short durations, the
// approver is reminded halfway to the automatic denial, the escalation
// approver is told after durationBeforeEscalation and may then decide, and
// a stage nobody decides denies the request and tells the requester.
func TestEscalationAndRemindersThroughSMTP(t *testing.T) {
	mp := mailpittest.Start(t)
	w := newWorld(t, []string{"--smtp", mp.URL("none", "", ""), "--base-url", "https://entitled.example.org"},
		[]string{"alice", "bob", "carol", "dave"}, "")
	single := func(id string) []any {
		return []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": id}}
	}
	policy := w.admin.must(201, "POST", em+"/assignmentPolicies", map[string]any{
		"displayName": "Escalating", "description": "Escalates fast", "allowedTargetScope": "allMemberUsers",
		"accessPackage":     map[string]any{"id": w.pkg},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": true, "stages": []any{map[string]any{
			"durationBeforeAutomaticDenial": "PT8S", "isEscalationEnabled": true, "durationBeforeEscalation": "PT3S",
			"primaryApprovers": single(w.users["bob"]), "escalationApprovers": single(w.users["carol"])}}},
		"expiration": map[string]any{"type": "noExpiration"},
	}).Str("id")
	submit := func(user string) string {
		return w.clients[user].must(201, "POST", em+"/assignmentRequests", map[string]any{
			"requestType": "UserAdd", "justification": "month end",
			"assignment": map[string]any{"accessPackageId": w.pkg, "assignmentPolicyId": policy}}).Str("id")
	}

	// alice's request: nobody decides; bob is asked and reminded, carol is
	// told of the escalation, then the request is denied automatically.
	a := submit("alice")
	waitMail(t, mp, "bob@example.com", "Approval needed: Alice requests CRM access")
	waitMail(t, mp, "carol@example.com", "Escalated to you: Alice requests CRM access")
	waitMail(t, mp, "bob@example.com", "Reminder: Alice's request for CRM access waits for you")
	w.admin.waitState(a, 20*time.Second, "denied")
	waitMail(t, mp, "alice@example.com", "Denied: CRM access")

	// dave's request: carol decides once it has escalated.
	d := submit("dave")
	esc := waitMail(t, mp, "carol@example.com", "Escalated to you: Dave requests CRM access")
	if !strings.Contains(esc.Text, "did not decide in time") || !strings.Contains(esc.Text, "https://entitled.example.org/approvals") {
		t.Errorf("escalation message:\n%s", esc.Text)
	}
	stages := w.clients["carol"].must(200, "GET", em+"/accessPackageAssignmentApprovals/"+d+"/stages", nil).Values()
	if len(stages) != 1 || stages[0]["assignedToMe"] != true {
		t.Fatalf("the escalated stage is not assigned to the escalation approver: %v", stages)
	}
	w.clients["carol"].must(204, "PATCH", em+"/accessPackageAssignmentApprovals/"+d+"/stages/"+stages[0]["id"].(string),
		map[string]any{"reviewResult": "Approve", "justification": "escalated to me"})
	waitMail(t, mp, "dave@example.com", "Approved: CRM access")
}

// TestNoNoticeLostInACrash: notices are queued in the transaction of the
// change; entitled is killed (SIGKILL) while the deliveries and their
// messages are being worked, and after a restart every target has been
// told, one message each (a resend keeps its Message-ID).
func TestNoNoticeLostInACrash(t *testing.T) {
	const users = 40
	mp := mailpittest.Start(t)
	args := []string{"--smtp", mp.URL("none", "", ""), "--rescue-after", "3s", "--job-timeout", "2s"}
	w := newWorld(t, args, nil, "")
	// A quarter of the requests are delivered; the rest wait at the target
	// until after the crash, whatever the machine's speed.
	w.target.hold(t, users/2)
	ids := make([]string, users)
	for i := range ids {
		ids[i] = w.admin.must(201, "POST", "/v1.0/users", map[string]any{
			"userPrincipalName": fmt.Sprintf("told%02d@example.com", i), "displayName": fmt.Sprintf("Told %d", i),
			"mail": fmt.Sprintf("told%02d@example.com", i), "accountEnabled": true}).Str("id")
	}
	for _, id := range ids {
		w.admin.must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "adminAdd",
			"assignment": map[string]any{"targetId": id, "accessPackageId": w.pkg, "assignmentPolicyId": w.policy}})
	}
	waitFor(t, 30*time.Second, "deliveries waiting at the target", func() bool { return w.target.heldCalls() > 0 })
	w.srv.kill()
	w.target.release()
	before := len(mp.Messages(t))
	if before >= users {
		t.Fatalf("every message was sent before the crash (%d); nothing was tested", before)
	}
	t.Logf("killed with %d of %d messages sent", before, users)

	srv := startServer(t, w.db, args...)
	w.admin.base = srv.base
	waitFor(t, 60*time.Second, "every target told after the restart", func() bool {
		told := map[string]bool{}
		for _, m := range mp.Messages(t) {
			if strings.HasPrefix(m.Subject, "Access granted: CRM access") && strings.HasPrefix(m.To[0].Address, "told") {
				told[m.To[0].Address] = true
			}
		}
		return len(told) == users
	})
	// The requestor (the administrator) is told too: count the targets'.
	seen := map[string]int{}
	for _, m := range mp.Messages(t) {
		if strings.HasPrefix(m.To[0].Address, "told") {
			seen[m.MessageID]++
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Logf("message %s arrived %d times (a resend after the crash, recognisable by its Message-ID)", id, n)
		}
	}
	if len(seen) != users {
		t.Errorf("%d distinct messages, want %d (one per target)", len(seen), users)
	}
}

// TestOtherMessagesThroughSMTP: the message kinds the other scenarios do
// not reach, through a real SMTP server: a request canceled while it waits,
// a delivery that fails on every resource, an assignment's expiry warning
// and its end.
func TestOtherMessagesThroughSMTP(t *testing.T) {
	mp := mailpittest.Start(t)
	w := newWorld(t, []string{"--smtp", mp.URL("none", "", ""), "--expiry-warning", "4s"}, []string{"alice", "bob", "carol", "dave"}, "bob")

	// Canceled while waiting for approval.
	id := w.request("alice")
	waitMail(t, mp, "bob@example.com", "Approval needed: Alice requests CRM access")
	w.clients["alice"].must(204, "POST", em+"/assignmentRequests/"+id+"/cancel", nil)
	waitMail(t, mp, "alice@example.com", "Canceled: CRM access")

	// Not delivered at all: both resources refuse.
	w.target.fail("app-a", 400)
	w.target.fail("app-b", 400)
	id = w.request("carol")
	w.approve("bob", id)
	w.admin.waitState(id, 30*time.Second, "deliveryFailed")
	failed := waitMail(t, mp, "carol@example.com", "Not delivered: CRM access")
	if !strings.Contains(failed.Text, "app-a") || !strings.Contains(failed.Text, "app-b") {
		t.Errorf("the failure message lacks a failed resource:\n%s", failed.Text)
	}
	w.target.fail("app-a", 0)
	w.target.fail("app-b", 0)

	// An assignment that ends 8 s after delivery: warned 4 s before, told
	// when it ended.
	short := w.shortPolicy("PT8S")
	id = w.clients["dave"].must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": w.pkg, "assignmentPolicyId": short}}).Str("id")
	w.admin.waitState(id, 30*time.Second, "delivered")
	warn := waitMail(t, mp, "dave@example.com", "Access ends ")
	if !strings.Contains(warn.Text, "ends on") {
		t.Errorf("expiry warning:\n%s", warn.Text)
	}
	waitMail(t, mp, "dave@example.com", "Access ended: CRM access")
}
