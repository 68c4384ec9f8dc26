package ui_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestBrowserAdminTablesPhone: below 700 px the administrators' tables —
// catalogs, a catalog's resources and roles, connected systems, the outbox — become stacked cards like the Requests tab's;
// nothing reaches past a 390 px screen.
func TestBrowserAdminTablesPhone(t *testing.T) {
	w := newWorld(t)
	_, _, err := w.services.Notifications.RecordNotifications(w.sys(), []*entitled.Notification{{NoticeID: "n1", Event: entitled.NoticeApprovalPending,
		RequestID: "r1", RecipientID: w.users["bob"].ID, RecipientAddress: "bob@example.com", Subject: "Approval needed: Alice requests CRM",
		Status: entitled.NotificationRecorded, Attempts: 1}})
	w.must(err)
	c := newChrome(t, w, phoneWidth)
	c.suffix = "-phone"
	c.signIn("admin")
	for _, page := range []struct{ path, table, shot string }{
		{"/admin/catalogs", `main table`, "catalogs"},
		{"/admin/catalogs/" + w.cat, `#catalog-resources`, "catalog"},
		{"/admin/systems", `main table`, "systems"},
		{"/admin/outbox", `main table`, "outbox"},
	} {
		c.open(page.path, page.table)
		c.noSideways(page.path)
		if disp := c.number(`getComputedStyle(document.querySelector('` + page.table + ` tbody td')).display === 'block' ? 1 : 0`); disp != 1 {
			t.Errorf("%s: table cells are not stacked at %d px", page.path, phoneWidth)
		}
		if lbl := c.number(`document.querySelector('` + page.table + ` tbody td').hasAttribute('data-label') ? 1 : 0`); lbl != 1 {
			t.Errorf("%s: cells are not labelled with their column", page.path)
		}
		c.run(page.shot, c.shot(page.shot))
	}
}
