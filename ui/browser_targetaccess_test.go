package ui_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestBrowserApprovalShowsCurrentAccess: the approval card says what the
// requester already has in the request's catalog ("Already has: Wiki
// editor"), and that someone else has nothing there yet; the read is
// refused to a user who approves nothing.
func TestBrowserApprovalShowsCurrentAccess(t *testing.T) {
	w := newWorld(t)
	w.wikiDelivered("alice")
	aliceReq := w.request("alice", w.crm, w.crmPolicy)
	meReq := w.request("mia", w.crm, w.crmPolicy)

	c := signedIn(t, w, "bob")
	c.open("/approvals", `li[data-request="`+aliceReq+`"] ul.held`)
	if got := c.text(`li[data-request="` + aliceReq + `"]`); !strings.Contains(got, "Already has") || !strings.Contains(got, "Wiki editor") {
		t.Errorf("Alice's card: %q", got)
	}
	if got := c.text(`li[data-request="` + meReq + `"] .held-nothing`); got != "No access in this catalog yet" {
		t.Errorf("Mia's card: %q", got)
	}
	c.run("shot", c.shot("approvals-current-access"))

	// The store read: an approver may, someone who approves nothing may not.
	reader := w.services.Requests
	if as, err := reader.TargetAccess(w.as("bob"), aliceReq); err != nil || len(as) != 1 || as[0].AccessPackageID != w.wiki {
		t.Errorf("bob reads Alice's access: %v %v", as, err)
	}
	if _, err := reader.TargetAccess(w.as("alice"), meReq); entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Errorf("another requester, who approves nothing: %v, want 403", err)
	}
}
