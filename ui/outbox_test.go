package ui_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestOutboxPage: tenant administrators see what entitled sent or recorded,
// with failures first among the filters and their error; a catalog role is
// not enough.
func TestOutboxPage(t *testing.T) {
	w := newWorld(t)
	_, _, err := w.services.Notifications.RecordNotifications(w.sys(), []*entitled.Notification{
		{NoticeID: "n1", Event: entitled.NoticeApprovalPending, RequestID: "r1", RecipientID: w.users["bob"].ID,
			RecipientAddress: "bob@example.com", Subject: "Approval needed: Alice requests CRM", Status: entitled.NotificationRecorded, Attempts: 1},
		{NoticeID: "n2", Event: entitled.NoticeDeliveryFailed, RequestID: "r2", RecipientID: w.users["alice"].ID,
			Subject: "Not delivered: CRM", Status: entitled.NotificationFailed, Error: "the recipient has no mail address", Attempts: 1},
	})
	w.must(err)

	admin := w.signIn("admin")
	admin.get("/admin/outbox").see(t, 200, `href="/admin/outbox"`, "Approval needed: Alice requests CRM", "bob@example.com",
		"Recorded, not sent", "Not delivered: CRM", "the recipient has no mail address", `href="/governance/requests/r2"`)
	failed := admin.get("/admin/outbox?status=failed")
	failed.see(t, 200, "Not delivered: CRM")
	if strings.Contains(failed.body, "Approval needed: Alice requests CRM") {
		t.Error("the failed filter lists a recorded message")
	}
	admin.getIn("fr", "/admin/outbox").see(t, 200, "Boîte d’envoi", "Enregistré, non envoyé", "Approbation requise")

	w.signIn("mia").get("/admin/outbox").see(t, 403)
}
