package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestScheduledRequestShowsStart: a request that starts later shows its
// start date and says deliveries come then, not "once approved".
func TestScheduledRequestShowsStart(t *testing.T) {
	w := newWorld(t)
	pol := w.schedulePolicy()
	start := time.Date(2031, 4, 1, 0, 0, 0, 0, time.UTC)
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AccessPackageID: w.wiki, AssignmentPolicyID: pol.ID,
		Schedule: entitled.Schedule{StartDateTime: &start}}
	w.must(w.services.Requests.SubmitRequest(w.as("alice"), r))
	if st := w.state(r.ID); st != entitled.StateScheduled {
		t.Fatalf("request is %s, want scheduled", st)
	}
	p := w.signIn("alice").get("/requests/"+r.ID).see(t, 200, `id="request-starts">1 Apr 2031 00:00 UTC`,
		"No delivery yet: access is delivered when the request starts, on 1 Apr 2031 00:00 UTC.")
	if strings.Contains(p.body, "once the request is approved") {
		t.Error("a scheduled request says deliveries start once approved")
	}
}

// schedulePolicy adds to the wiki a policy that lets requesters choose
// their start and end dates.
func (w *world) schedulePolicy() *entitled.AssignmentPolicy {
	w.t.Helper()
	pol := &entitled.AssignmentPolicy{AccessPackageID: w.wiki, DisplayName: "Later", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, AllowCustomAssignmentSchedule: true},
		Expiration:        entitled.Expiration{Type: entitled.ExpirationNone}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), pol))
	return pol
}
