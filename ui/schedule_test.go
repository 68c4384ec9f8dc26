package ui_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestRequestFormSchedule: a policy that allows a custom schedule gets
// optional start and end dates on the request form; a future start leaves
// the request waiting for its start date; bad dates and dates under a
// policy without a custom schedule are refused with a clear message.
func TestRequestFormSchedule(t *testing.T) {
	w := newWorld(t)
	vpn := w.pkg("VPN access", "Remote access", "app-vpn")
	pol := &entitled.AssignmentPolicy{AccessPackageID: vpn, DisplayName: "Contractors", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, AllowCustomAssignmentSchedule: true},
		Expiration:        entitled.Expiration{Type: entitled.ExpirationNone}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), pol))

	alice := w.signIn("alice")
	if p := alice.get("/packages/"+w.wiki+"/request").see(t, 200, "Request Wiki editor"); strings.Contains(p.body, `name="start"`) {
		t.Error("the form offers a start date under a policy without a custom schedule")
	}
	alice.get("/packages/"+vpn+"/request").see(t, 200, `type="date" id="start" name="start"`, `type="date" id="end" name="end"`, "Start date", "End date")

	form := func(start, end string) url.Values {
		return url.Values{"policy": {pol.ID}, "start": {start}, "end": {end}}
	}
	alice.submit("/packages/"+vpn+"/request", form("11/03/2031", "")).see(t, 400, "is not a date; write it as YYYY-MM-DD", `value="11/03/2031"`)
	alice.submit("/packages/"+vpn+"/request", form("2031-03-20", "2031-03-11")).see(t, 400, "is before the start date")
	alice.submit("/packages/"+w.wiki+"/request", url.Values{"policy": {w.wikiPolicy}, "start": {"2031-03-11"}}).see(t, 400, "does not allow a custom schedule")
	if pg, err := w.services.Requests.Requests(w.sys(), entitled.RequestQuery{}); err != nil || len(pg.Items) != 0 {
		t.Fatalf("refused forms created requests: %v %v", pg.Items, err)
	}

	alice.submit("/packages/"+vpn+"/request", form("2031-03-11", "2031-03-20")).redirect(t, "/requests?done=requested")
	alice.get("/requests").see(t, 200, "VPN access", "Scheduled", "Waiting for its start date")
	pg, err := w.services.Requests.Requests(w.sys(), entitled.RequestQuery{})
	w.must(err)
	if len(pg.Items) != 1 {
		t.Fatalf("%d requests, want 1", len(pg.Items))
	}
	r := pg.Items[0]
	if r.State != entitled.StateScheduled {
		t.Errorf("state %s, want scheduled", r.State)
	}
	if st := r.Schedule.StartDateTime; st == nil || !st.Equal(time.Date(2031, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start %v, want 2031-03-11T00:00Z", st)
	}
	if e := r.Schedule.Expiration; e.Type != entitled.ExpirationAfterDate || e.EndDateTime == nil ||
		!e.EndDateTime.Equal(time.Date(2031, 3, 21, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("expiration %+v, want afterDateTime at the end of 2031-03-20", e)
	}

	// Without dates the policy's schedule applies and access starts now.
	bob := w.signIn("bob")
	bob.submit("/packages/"+vpn+"/request", url.Values{"policy": {pol.ID}, "start": {""}, "end": {""}}).redirect(t, "/requests?done=requested")
	if p := bob.get("/requests"); strings.Contains(p.body, "Waiting for its start date") {
		t.Error("a request without dates waits for a start date")
	}
}

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
