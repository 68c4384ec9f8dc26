package ui_test

import (
	"regexp"
	"strings"
	"testing"
)

// auditRows reads the audit trail table of a request page: one string per
// row, cells joined by " | ".
func auditRows(body string) []string {
	m := regexp.MustCompile(`(?s)<table id="audit-trail">(.*?)</table>`).FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var rows []string
	for _, tr := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(m[1], -1) {
		var cells []string
		for _, td := range regexp.MustCompile(`(?s)<td>(.*?)</td>`).FindAllStringSubmatch(tr[1], -1) {
			text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(td[1], "")
			cells = append(cells, strings.Join(strings.Fields(text), " "))
		}
		if len(cells) > 0 {
			rows = append(rows, strings.Join(cells, " | "))
		}
	}
	return rows
}

// TestRequestAuditTrail: the request page lists the request's audit events
// (who, what, state before → after) for an assignment manager; the
// requester, whom the audit service refuses, sees the page without a trail.
func TestRequestAuditTrail(t *testing.T) {
	w := newWorld(t)
	id := w.request("alice", w.wiki, w.wikiPolicy)
	w.failDeliveries(id)
	other := w.request("bob", w.wiki, w.wikiPolicy) // its events must not show

	mia := w.signIn("mia")
	mia.get("/governance/requests/"+id).see(t, 200, "Reprocess")
	mia.submit("/governance/requests/"+id+"/reprocess", nil).redirect(t, "/governance/requests/"+id+"?done=reprocessed")
	p := mia.get("/governance/requests/"+id).see(t, 200, `<h2 id="audit">Audit trail</h2>`)
	rows := auditRows(p.body)
	if len(rows) < 3 {
		t.Fatalf("audit trail has %d rows, want at least submit, failure and reprocess: %q", len(rows), rows)
	}
	if !strings.Contains(rows[0], "Alice Requester") {
		t.Errorf("first event is not alice's submission: %q", rows[0])
	}
	var failed, reprocessed bool
	for _, r := range rows {
		if strings.Contains(r, "→ Delivery failed") {
			failed = true
		}
		if strings.Contains(r, "Mia Manager") && strings.Contains(r, "Delivery failed →") {
			reprocessed = true
		}
	}
	if !failed {
		t.Errorf("no event shows the request going to Delivery failed: %q", rows)
	}
	if !reprocessed {
		t.Errorf("no event shows Mia reprocessing the failed request: %q", rows)
	}
	if strings.Contains(strings.Join(rows, "\n"), "Bob Approver") {
		t.Errorf("the trail shows events of another request: %q", rows)
	}
	if bob := auditRows(mia.get("/governance/requests/" + other).body); len(bob) == 0 || !strings.Contains(bob[0], "Bob Approver") {
		t.Errorf("bob's request trail: %q", bob)
	}

	alice := w.signIn("alice")
	ap := alice.get("/requests/"+id).see(t, 200, "Request for Wiki editor", "Deliveries")
	if strings.Contains(ap.body, "Audit trail") || strings.Contains(ap.body, "audit-trail") {
		t.Error("the requester, who may not read the audit log, sees an audit trail")
	}
}
